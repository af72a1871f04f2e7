"""Greenblatt's frontiers behave as his post describes; the doubling fit matches METR's."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from inference_debate import data
from inference_debate.models import greenblatt as model

UPSTREAM = Path(__file__).resolve().parents[3] / "shared" / "upstream" / "metr"


def _local_slope(frontier: model.Frontier, cost: float, rate: float) -> float:
    c1, c2 = cost, cost * 1.01
    h1, h2 = frontier.horizon_minutes(c1, rate), frontier.horizon_minutes(c2, rate)
    return math.log(h2 / h1) / math.log(c2 / c1)


def test_easy_domain_slope_is_8x_compute_for_2x_horizon():
    expected = math.log(data.stated("greenblatt_easy_horizon_multiplier")) / math.log(
        data.stated("greenblatt_easy_compute_multiplier"))
    assert model.easy_domain_slope() == pytest.approx(expected)
    assert model.easy_domain_slope() == pytest.approx(1 / 3)


def test_human_line_has_slope_one_at_the_assumed_rate():
    rate = data.assumption("human_hourly_rate_usd")
    assert model.human_hourly_rate() == rate
    assert model.human_cost_usd(60, rate) == pytest.approx(rate)
    assert model.human_cost_usd(120, rate) == pytest.approx(2 * rate)


def test_frontier_slopes_before_and_after_the_knee():
    rate = 100.0
    f = model.Frontier("f", fraction_of_human_cost=0.1, knee_minutes=30, early_slope=1.0,
                       late_slope=0.1, sharpness=0.3)
    knee = f.knee_cost_usd(rate)
    assert _local_slope(f, knee / 1e4, rate) == pytest.approx(1.0, abs=1e-3)
    assert _local_slope(f, knee * 1e4, rate) == pytest.approx(0.1, abs=1e-3)


def test_easy_domain_frontier_gives_2x_horizon_for_8x_compute_past_the_knee():
    rate = model.human_hourly_rate()
    easy = model.frontiers()[-1]
    assert easy.late_slope == pytest.approx(model.easy_domain_slope())
    cost = easy.knee_cost_usd(rate) * 1e3
    gain = easy.horizon_minutes(cost * data.stated("greenblatt_easy_compute_multiplier"), rate) / (
        easy.horizon_minutes(cost, rate))
    assert gain == pytest.approx(data.stated("greenblatt_easy_horizon_multiplier"), rel=0.01)


def test_linear_regime_keeps_a_constant_fraction_of_human_cost():
    rate = 80.0
    f = model.Frontier("f", fraction_of_human_cost=0.05, knee_minutes=60, early_slope=1.0)
    knee = f.knee_cost_usd(rate)
    fractions = [c / model.human_cost_usd(f.horizon_minutes(c, rate), rate)
                 for c in (knee / 1e5, knee / 1e4, knee / 1e3)]
    assert fractions == pytest.approx([0.05] * 3, rel=1e-3)


def test_newer_frontiers_are_cheaper_with_longer_linear_regimes():
    models = model.FrontierSet().models
    assert len(models) >= 3
    for older, newer in zip(models, models[1:], strict=False):
        assert newer.fraction_of_human_cost < older.fraction_of_human_cost
        assert newer.knee_minutes > older.knee_minutes
        assert abs(newer.early_slope - 1) < 0.1 and abs(older.early_slope - 1) < 0.1


def test_frontier_table_rows():
    table = model.frontier_table()
    assert set(table["kind"]) == {"ai", "human"}
    human = table[table["kind"] == "human"]
    assert human["fraction_of_human_cost"].to_numpy() == pytest.approx(1.0)
    params = model.FrontierSet()
    assert table["horizon_minutes"].between(params.horizon_min_minutes,
                                            params.horizon_max_minutes).all()


def test_shifts_separate_bigger_tasks_from_inference_scaling():
    bigger, scaling = model.shifts()
    assert bigger.fraction_gain == pytest.approx(1.0)
    assert bigger.horizon_gain > 1
    assert scaling.fraction_gain > 1
    assert scaling.horizon_gain > 1


def test_fit_recovers_a_known_doubling_time():
    dates = pd.to_datetime(["2023-01-01", "2023-07-01", "2024-01-01", "2024-07-01", "2022-01-01"])
    days = (dates - pd.Timestamp("2023-01-01")).days.to_numpy(dtype=float)
    table = pd.DataFrame({"release_date": dates, "p50_horizon_minutes": 2 ** (days / 200.0),
                          "is_sota": [True, True, True, True, True]})
    table.loc[4, "p50_horizon_minutes"] = 1e6  # before 2023: must be left out
    fit = model.fit_doubling_time(table)
    assert fit.doubling_days == pytest.approx(200.0)
    assert fit.n_models == 4


def test_doubling_fit_lands_in_metrs_published_interval():
    fit = model.fit_doubling_time(data.load_table("metr_horizons"))
    published = model.metr_published_doubling("from_2023_on")
    assert published["ci_low_days"] <= fit.doubling_days <= published["ci_high_days"]
    assert fit.doubling_days == pytest.approx(published["doubling_days"], rel=0.02)


@pytest.mark.skipif(not UPSTREAM.exists(), reason="upstream METR release not present")
def test_published_doubling_time_is_metrs_own():
    release = yaml.safe_load((UPSTREAM / "benchmark_results_1_1.yaml").read_text())
    upstream = release["doubling_time_in_days"]["from_2023_on"]
    published = model.metr_published_doubling("from_2023_on")
    assert published["doubling_days"] == pytest.approx(upstream["point_estimate"], rel=1e-3)
    assert published["ci_low_days"] == pytest.approx(upstream["ci_low"], rel=1e-3)


def test_human_cost_column_uses_the_assumed_rate():
    table = model.horizons_with_human_cost()
    rate = data.assumption("human_hourly_rate_usd")
    expected = table["p50_horizon_minutes"].to_numpy() / 60 * rate
    assert table["p50_human_usd"].to_numpy() == pytest.approx(expected)
    assert np.all(table["p50_ci_low_human_usd"] <= table["p50_ci_high_human_usd"])
