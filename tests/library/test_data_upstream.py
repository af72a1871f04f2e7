"""The upstream converters parse the real releases and reproduce values read from them by hand.

Also: each field a source module declares as required stops a conversion when missing, naming
the entry and field, and every other field may be absent; names for unseen model keys.
"""

import copy
import fnmatch
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from inference_debate.upstream import KINDS, arcprize, epoch, metr, names
from inference_debate.upstream.fields import UpstreamError
from inference_debate.upstream.kinds import Named

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




# --- Required means used: each declared field, removed from a real release ---------------------

def _drop(record, path):
    *parents, last = path.split(".")
    for part in parents:
        record = record[part]
    del record[last]


@pytest.mark.parametrize("path", metr.HORIZON_ENTRY.required)
def test_metr_each_required_field_missing_is_named_with_its_entry(path):
    doc = copy.deepcopy(_yaml("benchmark_results_1_1.yaml"))
    _drop(doc["results"]["o3_inspect"], path)
    with pytest.raises(UpstreamError, match=rf"model 'o3_inspect': required field '{path}'"):
        metr.horizons(doc, "metr-th-1-1")


@pytest.mark.parametrize("path", [p for p in metr.HORIZON_ENTRY.optional
                                  if p.startswith("metrics.")])
def test_metr_fields_the_book_does_not_need_may_be_absent(path):
    doc = copy.deepcopy(_yaml("benchmark_results_1_1.yaml"))
    for result in doc["results"].values():
        _drop(result, path)
    frame, notes = metr.horizons(doc, "metr-th-1-1")
    assert len(frame) == 17 and notes == []
    if path.startswith("metrics.p80"):
        column = {"estimate": "p80_horizon_minutes", "ci_low": "p80_ci_low_minutes",
                  "ci_high": "p80_ci_high_minutes"}[path.rsplit(".", 1)[1]]
        assert frame[column].isna().all()


@pytest.mark.parametrize("column", arcprize.EVALUATION.required)
def test_arc_each_required_field_missing_is_named(column):
    evaluations = copy.deepcopy(_json("evaluations.json"))
    record = next(r for r in evaluations if r["modelId"] == "o3-2025-04-16-high"
                  and r["datasetId"] == "v1_Semi_Private")
    del record[column]
    with pytest.raises(UpstreamError, match=column):
        arcprize.scores(evaluations, _json("models.json"), _json("datasets.json"))


def _without_column(name, column):
    text = (UPSTREAM / "epoch" / name).read_text("utf-8")
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    return frame.drop(columns=[column]).to_csv(index=False)


@pytest.mark.parametrize(("name", "fields", "convert"), [
    ("lowest_price_models_results.csv", epoch.TREND, epoch.price_trends),
    ("lowest_price_models_data.csv", epoch.POINT, epoch.cheapest_prices),
])
def test_epoch_required_columns_are_named_and_the_others_may_go(name, fields, convert):
    for column in fields.required:
        with pytest.raises(UpstreamError, match=re.escape(repr(column))):
            convert(_without_column(name, column), "epoch-price-trends")
    for column in fields.optional:
        frame, notes = convert(_without_column(name, column), "epoch-price-trends")
        assert len(frame) > 0 and not any("new column" in n for n in notes)


def test_new_fields_are_noted_with_how_many_entries_carry_them():
    doc = copy.deepcopy(_yaml("benchmark_results_1_1.yaml"))
    for result in list(doc["results"].values())[:3]:
        result["metrics"]["is_sota_p50"] = True
    _, notes = metr.horizons(doc, "metr-th-1-1")
    assert notes == ["METR 1.1 models: new field 'metrics.is_sota_p50' in 3 of 17 entries "
                     "(not used)"]


# --- Names: from the release, else derived; curated always wins ------------------------------

@pytest.mark.parametrize(("key", "name", "developer"), [
    ("gpt_5_2", "GPT-5.2", "OpenAI"),
    ("claude_opus_4_6_inspect", "Claude Opus 4.6", "Anthropic"),
    ("gemini_3_1_pro", "Gemini 3.1 Pro", "Google"),
    ("gpt_5_2025_08_07_inspect", "GPT-5", "OpenAI"),
    ("gpt_4_1106", "GPT-4 1106", "OpenAI"),
    ("qwen_2_5_72b", "Qwen 2.5 72B", "Alibaba"),
    ("o3_inspect", "o3", "OpenAI"),
    ("kimi_k2_thinking", "Kimi K2 Thinking", "Moonshot AI"),
    ("sable_lattice_4", "Sable Lattice 4", "Unknown"),
])
def test_names_are_derived_from_keys(key, name, developer):
    assert names.derive_name(key) == name
    assert names.developer_of(key) == developer


@pytest.mark.parametrize(("derived", "listed", "same"), [
    ("DeepSeek R1 0528", "DeepSeek-R1-0528", True),
    ("GPT-5.1 Codex Max", "GPT-5.1-Codex-Max", True),
    ("o1 Preview", "o1-preview", True),
    ("Claude 3.5 Sonnet", "Claude 3.5 Sonnet (Old)", False),
    ("GPT-4", "GPT-4 0314", False),
])
def test_a_derived_name_matches_a_listed_one_ignoring_case_and_punctuation(derived, listed,
                                                                           same):
    assert names.same_name(derived, listed) is same


def test_models_table_keeps_curated_rows_and_says_where_each_name_came_from():
    previous = pd.DataFrame([
        {"model_id": "gpt_5_2", "display_name": "GPT-5.2 (curated)", "developer": "OpenAI",
         "name_origin": "curated", "source_id": "metr-th-1-1"},
        {"model_id": "old-arc-id", "display_name": "Old", "developer": "X",
         "name_origin": "release", "source_id": "arcprize-leaderboard"},
    ])
    named = [Named("gpt_5_2", "metr-th-1-1"), Named("o1_preview", "metr-th-1-1"),
             Named("nebula_9", "metr-th-1-1", where="source metr-th-1-1 (METR 1.1)"),
             Named("arc-x-high", "arcprize-leaderboard", "Arc X (High)", "Lab")]
    frame, notes = names.models_table(named, [("o1-preview", "metr-release-dates")], previous)
    rows = frame.set_index("model_id")
    assert rows.loc["gpt_5_2", "display_name"] == "GPT-5.2 (curated)"
    assert tuple(rows.loc["o1_preview", ["display_name", "name_origin", "source_id"]]) == \
        ("o1-preview", "release", "metr-release-dates")
    assert tuple(rows.loc["nebula_9", ["display_name", "developer", "name_origin"]]) == \
        ("Nebula 9", "Unknown", "derived")
    assert tuple(rows.loc["arc-x-high", ["display_name", "developer", "name_origin"]]) == \
        ("Arc X (High)", "Lab", "release")
    assert "old-arc-id" not in rows.index  # a release name is rebuilt from the release
    assert notes == ["source metr-th-1-1 (METR 1.1): model 'nebula_9' has no curated or "
                     "released name; derived 'Nebula 9' (developer Unknown); curate it in "
                     "data/models.csv"]


def test_an_arc_model_missing_from_models_json_gets_a_derived_name():
    evaluations = copy.deepcopy(_json("evaluations.json"))
    evaluations.append({"datasetId": "v1_Semi_Private", "modelId": "lumen_drift_3",
                        "score": 0.5, "costPerTask": 1.5})
    frame, _ = arcprize.scores(evaluations, _json("models.json"), _json("datasets.json"))
    row = frame.set_index(["dataset", "model_id"]).loc[("ARC-AGI-1", "lumen_drift_3")]
    assert row["display_name"] == "Lumen Drift 3"


# --- One registry --------------------------------------------------------------------------

def test_every_source_with_a_release_names_a_registered_kind(monkeypatch):
    monkeypatch.setenv("QUARTO_PROJECT_DIR", str(REPO))
    from inference_debate import data

    for source in data.load_sources().values():
        if source.release_urls:
            assert source.release_kind in KINDS, source.id
    for kind in KINDS.values():
        assert set(kind.tables) <= set(data.TABLES), kind.name
        for pattern in kind.fields:
            assert any(fnmatch.fnmatchcase(pattern, f) or pattern == f for f in kind.files)
