"""The upstream converters parse the real releases and reproduce values read from them by hand."""

import copy
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from inference_debate.upstream import arcprize, epoch, metr
from inference_debate.upstream.fields import UpstreamError

REPO = Path(__file__).resolve().parents[2]
UPSTREAM = REPO / ".." / "shared" / "upstream"

pytestmark = pytest.mark.skipif(not UPSTREAM.is_dir(), reason="upstream releases not present")


def _yaml(name):
    return yaml.safe_load((UPSTREAM / "metr" / name).read_text("utf-8"))


def _json(name):
    return json.loads((UPSTREAM / "arcprize" / name).read_text("utf-8"))


def test_metr_horizons_reproduce_the_release():
    frame, notes = metr.horizons(_yaml("benchmark_results_1_1.yaml"), "metr-th-1-1")
    assert len(frame) == 17  # the README: 17 models up to Claude Opus 4.5
    row = frame.set_index("model_id").loc["claude_3_7_sonnet_inspect"]
    # Read from benchmark_results_1_1.yaml, lines 59-76.
    assert row["p50_horizon_minutes"] == pytest.approx(59.763762)
    assert row["p50_ci_low_minutes"] == pytest.approx(31.750635)
    assert row["p50_ci_high_minutes"] == pytest.approx(105.940417)
    assert row["p80_horizon_minutes"] == pytest.approx(9.792108)
    assert row["release_date"] == "2025-02-24"
    assert bool(row["is_sota"]) is True
    assert bool(frame.set_index("model_id").loc["claude_3_opus_inspect", "is_sota"]) is False
    assert set(frame["release"]) == {"1.1"}
    assert notes == []


def test_metr_doubling_times_reproduce_the_release():
    frame, _ = metr.doubling_times(_yaml("benchmark_results_1_1.yaml"), "metr-th-1-1")
    by_method = frame.set_index("method")
    assert by_method.loc["from_2023_on", "doubling_days"] == pytest.approx(130.801)
    assert by_method.loc["from_2023_on", "ci_low_days"] == pytest.approx(107.334)
    assert by_method.loc["from_2023_on", "ci_high_days"] == pytest.approx(161.422)
    assert by_method.loc["all_time_stitched", "doubling_days"] == pytest.approx(196.475)
    assert pd.isna(by_method.loc["all_time_stitched", "ci_low_days"])


def test_metr_costs_come_from_release_1_0_and_are_positive():
    frame, _ = metr.costs(_yaml("benchmark_results_1_0.yaml"), "metr-th-1-0")
    row = frame.set_index("model_id").loc["o1_preview"]
    assert row["usd_per_pass"] == pytest.approx(3255.6205825982142)
    assert row["p50_horizon_minutes"] == pytest.approx(21.97, abs=0.01)
    assert (frame["usd_per_pass"] > 0).all()


def test_metr_costs_skip_zero_costs_with_a_note():
    frame, notes = metr.costs(_yaml("benchmark_results_1_1.yaml"), "metr-th-1-1")
    assert "o3_inspect" not in set(frame["model_id"])  # usage.usd is 0.0 in 1.1
    assert any("o3_inspect" in note and "skipped" in note for note in notes)


def test_metr_missing_field_is_named():
    doc = copy.deepcopy(_yaml("benchmark_results_1_1.yaml"))
    del doc["results"]["o3_inspect"]["metrics"]["p50_horizon_length"]["ci_low"]
    with pytest.raises(UpstreamError, match=r"o3_inspect.*p50_horizon_length\.ci_low"):
        metr.horizons(doc, "metr-th-1-1")


def test_metr_unknown_field_is_noted():
    doc = copy.deepcopy(_yaml("benchmark_results_1_1.yaml"))
    doc["results"]["o3_inspect"]["metrics"]["p90_horizon_length"] = {"estimate": 1.0}
    _, notes = metr.horizons(doc, "metr-th-1-1")
    assert any("p90_horizon_length" in note for note in notes)


def test_arc_agi_reproduces_the_leaderboard():
    frame, notes = arcprize.scores(_json("evaluations.json"), _json("models.json"),
                                    _json("datasets.json"))
    rows = frame.set_index(["dataset", "model_id"])
    o3 = rows.loc[("ARC-AGI-1", "o3-2025-04-16-high")]
    # evaluations.json: v1_Semi_Private, o3-2025-04-16-high, score 0.6083, costPerTask 0.5002
    assert o3["score_fraction"] == pytest.approx(0.6083)
    assert o3["usd_per_task"] == pytest.approx(0.5002)
    assert (o3["family"], o3["reasoning_effort"]) == ("o3", "high")
    human = rows.loc[("ARC-AGI-2", "2025_human_panel")]
    assert bool(human["is_human"]) and human["usd_per_task"] == pytest.approx(17)
    assert set(frame["dataset"]) == {"ARC-AGI-1", "ARC-AGI-2"}
    assert (frame["usd_per_task"] > 0).all()
    assert any("listed twice" in note for note in notes)


@pytest.mark.parametrize(
    ("name", "model_id", "family", "effort"),
    [
        ("GPT-5.2 (High)", "gpt-5-2-2025-12-11-thinking-high", "GPT-5.2", "high"),
        ("Claude 3.7 (16K)", "Claude 3.7 Thinking 16K", "Claude 3.7", "budget-16k"),
        ("Claude Opus 4.6 (120K, High)", "claude-opus-4-6-thinking-120K-high",
         "Claude Opus 4.6", "high"),
        ("Opus 4.5 (Thinking, None)", "claude-opus-4-5-20251101-thinking-none", "Opus 4.5",
         "none"),
        ("Grok 4 (Refine.)", "jeremy_sept_2025", "Grok 4 (Refine.)", ""),
        ("GPT-5.2", "gpt-5-2-2025-12-11-thinking-none", "GPT-5.2", "none"),
        ("o3 (Preview, Low) \u00b9", "o3-preview-low", "o3 (Preview)", "low"),
    ],
)
def test_arc_names_parse_into_family_and_effort(name, model_id, family, effort):
    assert arcprize.parse_name(name, model_id) == (family, effort)


def test_arc_missing_cost_is_named():
    evaluations = copy.deepcopy(_json("evaluations.json"))
    record = next(r for r in evaluations if r["datasetId"] == "v1_Semi_Private")
    del record["costPerTask"]
    with pytest.raises(UpstreamError, match="costPerTask"):
        arcprize.scores(evaluations, _json("models.json"))


def test_epoch_trends_and_points_reproduce_the_release():
    text = (UPSTREAM / "epoch" / "lowest_price_models_results.csv").read_text("utf-8")
    frame, _ = epoch.price_trends(text, "epoch-price-trends")
    row = frame.set_index(["benchmark", "threshold"]).loc[("MMLU", "GPT-3")]
    # lowest_price_models_results.csv line 2
    assert row["yearly_reduction_factor"] == pytest.approx(11.772872667426151)
    assert row["ci90_low"] == pytest.approx(8.287354506876559)
    assert row["ci90_high"] == pytest.approx(16.724339561970456)
    assert row["threshold_score"] == pytest.approx(43.9)
    assert len(frame) == 21
    points, _ = epoch.cheapest_prices(
        (UPSTREAM / "epoch" / "lowest_price_models_data.csv").read_text("utf-8"),
        "epoch-price-trends")
    first = points.iloc[0]
    assert (first["model"], first["release_date"], first["usd_per_million_tokens"]) == (
        "GPT-3", "2021-11-20", 60.0)


def test_epoch_missing_column_is_named():
    text = (UPSTREAM / "epoch" / "lowest_price_models_results.csv").read_text("utf-8")
    broken = text.replace("price_reduction_factor_per_year_90_ci", "ci", 1)
    with pytest.raises(UpstreamError, match="price_reduction_factor_per_year_90_ci"):
        epoch.price_trends(broken, "epoch-price-trends")


