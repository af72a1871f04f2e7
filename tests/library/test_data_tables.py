"""Every curated table loads and validates; the API returns the figures the texts state."""

from pathlib import Path

import pandas as pd
import pytest
from inference_debate import data

REPO = Path(__file__).resolve().parents[2]

CONTRACT_SOURCES = [
    "metr-th-1-1", "metr-th-1-0", "metr-release-dates", "arcprize-leaderboard",
    "epoch-price-trends", "epoch-benchmark-runs", "openai-pricing", "openai-o1-2024",
    "ord-2026-log-x", "ord-2025-rl-scale", "greenblatt-2026", "epoch-2026-inference-burden",
    "scalerl-2025", "book-assumptions",
]
CONTRACT_FIGURES = [
    "o1_aime_inference_low_pct", "o1_aime_inference_high_pct", "o1_aime_inference_multiplier",
    "o1_aime_rl_low_pct", "o1_aime_rl_high_pct", "o1_aime_rl_multiplier",
    "ord_rl_multiplier_small", "ord_inference_multiplier_small", "ord_rl_multiplier_large",
    "ord_inference_multiplier_large", "ord_early_regime_slope", "ord_cot_length_multiplier",
    "greenblatt_easy_compute_multiplier", "greenblatt_easy_horizon_multiplier",
    "frontiermath_accuracy_pct", "frontiermath_o4mini_output_tokens",
    "frontiermath_gpt52_output_tokens", "frontiermath_months_between",
    "epoch_stated_cost_reduction", "epoch_yearly_decline_low", "epoch_yearly_decline_high",
    "epoch_illustration_start_usd", "scalerl_slope_ratio_vs_grpo", "grok4_rl_multiplier",
    "kokotajlo_next_rl_ooms",
]


@pytest.fixture(autouse=True)
def _project(monkeypatch):
    monkeypatch.setenv("QUARTO_PROJECT_DIR", str(REPO))


@pytest.mark.parametrize("name", sorted(data.TABLES))
def test_table_loads_and_validates(name):
    if not data.table_path(name).is_file():
        pytest.skip(f"data/{name}.csv not written yet")
    frame = data.load_table(name)
    assert len(frame) > 0
    assert list(frame.columns) == data.TABLES[name].column_names
    for col in data.TABLES[name].columns:
        if col.kind == "date":
            assert pd.api.types.is_datetime64_any_dtype(frame[col.name])
        if col.kind == "number":
            assert pd.api.types.is_float_dtype(frame[col.name])
    assert len(data.table_hash(name)) == 8


def test_every_contract_source_is_listed_with_its_fields():
    sources = data.load_sources()
    assert set(CONTRACT_SOURCES) <= set(sources)
    for source in sources.values():
        assert source.author and source.title and source.url and source.taken
    assert data.source_text("openai-o1-2024") == "OpenAI (2024), Learning to reason with LLMs"


def test_references_bib_has_every_citable_text_source():
    bib = (REPO / "references.bib").read_text("utf-8")
    for sid, source in data.load_sources().items():
        if source.kind != "assumption":
            assert "{" + sid + "," in bib, sid


def test_every_contract_figure_is_stated_with_a_passage():
    frame = data.load_table("stated_figures")
    assert set(CONTRACT_FIGURES) <= set(frame["figure_id"])
    assert (frame["passage"].str.len() > 10).all()


def test_stated_figures_match_the_texts():
    # Epoch (004): ~43M output tokens at o4-mini's $4.40/M vs ~5M at GPT-5.2's $14/M is "roughly
    # a 3x cost reduction"; check the rows against that arithmetic and prices.md.
    prices = data.load_table("api_prices").set_index("model")
    old = data.stated("frontiermath_o4mini_output_tokens") / 1e6 * prices.loc[
        "o4-mini", "usd_per_million_output_tokens"]
    new = data.stated("frontiermath_gpt52_output_tokens") / 1e6 * prices.loc[
        "GPT-5.2", "usd_per_million_output_tokens"]
    assert old == pytest.approx(43 * 4.40)
    assert new == pytest.approx(5 * 14.0)
    assert round(old / new) == data.stated("epoch_stated_cost_reduction")
    # Ord (003): 10,000x RL ~ 100x inference; the o1 readings 20%->80% and 33%->66% per 100x.
    assert data.stated("ord_rl_multiplier_large") == 10_000
    assert data.stated("o1_aime_inference_high_pct") - data.stated("o1_aime_inference_low_pct") \
        == 60


def test_assumption_has_a_basis():
    assert data.assumption("human_hourly_rate_usd") == 100
    frame = data.load_table("assumptions").set_index("name")
    assert frame.loc["human_hourly_rate_usd", "source_id"] == "book-assumptions"
    assert "hourly" in frame.loc["human_hourly_rate_usd", "basis"]


def test_every_model_id_has_a_display_name():
    names = set(data.load_table("models")["model_id"])
    for table in ("metr_horizons", "metr_costs", "arc_agi"):
        assert set(data.load_table(table)["model_id"]) <= names, table


def test_unknown_figure_raises():
    with pytest.raises(KeyError, match="no_such_figure"):
        data.stated("no_such_figure")


def test_catalogue_lists_every_source_and_table_with_its_hash():
    from inference_debate.data.catalogue import code_span

    text = data.catalogue_markdown()
    for sid in data.load_sources():
        assert f"<code>{sid.replace('-', chr(92) + '-')}</code>" == code_span(sid)
        assert code_span(sid) in text
    for name in data.TABLES:
        if data.table_path(name).is_file():
            assert f"data/{name}.csv" in text
            assert data.table_hash(name) in text


PAYLOADS = ['"><svg onload=alert(1)>', "<img src=x onerror=alert(1)>",
            "<img src=data:x onerror=alert(1)>", "[click](javascript:alert(1))",
            "a | b `c` *d* $x$ @fig-x [@key] {{< x >}} &amp; 5–10×"]


def _pandoc_table(cells: list[str]) -> str:
    import subprocess

    import pypandoc

    markdown = "| A | B |\n|--|--|\n" + "\n".join(f"| {c} | x |" for c in cells) + "\n"
    return subprocess.run([pypandoc.get_pandoc_path(), "--from", "markdown+smart", "--to",
                           "html5", "--wrap=none"], input=markdown.encode(), capture_output=True,
                          check=True).stdout.decode()


def test_catalogue_escapes_every_markup_in_data_text():
    import html

    from inference_debate.data.catalogue import code_span, escape_cell

    assert "\n" not in escape_cell("two\nlines")
    out = _pandoc_table([escape_cell(p) for p in PAYLOADS] + [code_span(p) for p in PAYLOADS])
    for payload in PAYLOADS:  # each shows as typed, in its own cell, twice
        assert out.count(f"<td>{html.escape(payload, quote=False)}</td>") == 1, payload
        assert out.count(f"<td><code>{html.escape(payload, quote=False)}</code></td>") == 1
    assert "<svg" not in out and "<img" not in out and "href" not in out
