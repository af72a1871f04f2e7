"""Changing one data row in a copy of the book changes the models' output and the charts' data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from inference_debate import data
from inference_debate.charts import greenblatt as gcharts
from inference_debate.charts import ord as ocharts
from inference_debate.models import greenblatt as gmodel
from inference_debate.models import ord as omodel


@pytest.fixture
def book_copy(tmp_path, monkeypatch) -> Path:
    root = data.project_root()
    (tmp_path / "_quarto.yml").write_text("project:\n  type: book\n")
    shutil.copytree(root / "data", tmp_path / "data")
    monkeypatch.setenv("QUARTO_PROJECT_DIR", str(tmp_path))
    return tmp_path


def _set(path: Path, key_col: str, key: str, col: str, value) -> None:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    hits = table[key_col] == key
    if hits.sum() != 1:
        raise LookupError(f"{key!r} is not one row of {path.name}")
    table.loc[hits, col] = str(value)
    table.to_csv(path, index=False)


def _rows(spec: dict) -> list[dict]:
    return [r for values in spec["datasets"].values() for r in values]


def test_changing_an_rl_reading_changes_the_exchange_rate(book_copy):
    before_ratio = omodel.slope_ratio(omodel.o1_inference_reading(), omodel.o1_rl_reading())
    before_hash = data.table_hash("stated_figures")
    before = ocharts.exchange_rate_chart().to_dict()

    new_high = data.stated("o1_aime_rl_high_pct") + 4
    _set(book_copy / "data" / "stated_figures.csv", "figure_id", "o1_aime_rl_high_pct", "value",
         new_high)

    inf, rl = omodel.o1_inference_reading(), omodel.o1_rl_reading()
    assert rl.high_pct == new_high
    expected = inf.gain_points / (new_high - rl.low_pct)  # both panels span the same 100x
    ratio = omodel.slope_ratio(inf, rl)
    assert ratio == pytest.approx(expected)
    assert ratio != pytest.approx(before_ratio)

    after = ocharts.exchange_rate_chart().to_dict()
    assert after["usermeta"]["provenance"]["tables"]["stated_figures"] != before_hash
    ratios = {r["slope_ratio"] for r in _rows(after)
              if r.get("line") == "From the stated readings" and "slope_ratio" in r}
    assert len(ratios) == 1 and ratios.pop() == pytest.approx(expected)
    assert _rows(after) != _rows(before)


def test_changing_a_metr_horizon_changes_the_fit_and_the_chart(book_copy):
    horizons = data.load_table("metr_horizons")
    before_fit = gmodel.fit_doubling_time(horizons)
    before = gcharts.metr_horizons_chart().to_dict()

    latest = horizons[horizons["is_sota"]].sort_values("release_date").iloc[-1]
    doubled = latest["p50_horizon_minutes"] * 2
    path = book_copy / "data" / "metr_horizons.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    hit = table["model_id"] == latest["model_id"]
    assert hit.sum() == 1
    table.loc[hit, "p50_horizon_minutes"] = str(doubled)
    table.loc[hit, "p50_ci_high_minutes"] = str(max(doubled, float(latest["p50_ci_high_minutes"])))
    table.to_csv(path, index=False)

    after_fit = gmodel.fit_doubling_time(data.load_table("metr_horizons"))
    assert after_fit.doubling_days < before_fit.doubling_days  # a longer latest horizon is faster
    after = gcharts.metr_horizons_chart().to_dict()
    values = {r["p50_horizon_minutes"] for r in _rows(after) if "display_name" in r}
    assert doubled in values
    assert _rows(after) != _rows(before)


def test_changing_the_hourly_rate_changes_human_costs(book_copy):
    rate = data.assumption("human_hourly_rate_usd")
    _set(book_copy / "data" / "assumptions.csv", "name", "human_hourly_rate_usd", "value",
         rate * 2)
    assert gmodel.human_hourly_rate() == rate * 2
    spec = gcharts.metr_horizons_chart().to_dict()
    for r in _rows(spec):
        if "p50_human_usd" in r:
            assert r["p50_human_usd"] == pytest.approx(r["p50_horizon_minutes"] / 60 * rate * 2)
    slider = gcharts.frontiers_chart().to_dict()["params"][0]
    assert slider["value"] == rate * 2
