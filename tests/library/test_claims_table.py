"""The claims table: its rules, and its Markdown with a linked cell per author."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest
from inference_debate import claims

os.environ.setdefault("QUARTO_PROJECT_DIR", str(Path(__file__).resolve().parents[2]))

#: Section ids the contract fixes for the four argument chapters.
SECTION_IDS = {
    "sec-ord", "sec-ord-log-x", "sec-ord-rl-vs-inference", "sec-ord-per-use-cost",
    "sec-ord-reply-greenblatt", "sec-ord-reply-kokotajlo", "sec-greenblatt",
    "sec-greenblatt-two-reasons", "sec-greenblatt-frontier", "sec-greenblatt-human-cost",
    "sec-greenblatt-which-shifts", "sec-greenblatt-real-horizons", "sec-greenblatt-exchange-ord",
    "sec-kokotajlo", "sec-kokotajlo-s-curve", "sec-kokotajlo-grok4", "sec-kokotajlo-willingness",
    "sec-kokotajlo-ord-answers", "sec-kokotajlo-agreement", "sec-epoch", "sec-epoch-agrees",
    "sec-epoch-falling-costs", "sec-epoch-frontiermath", "sec-epoch-slowdown",
    "sec-epoch-rl-returns",
}


def test_every_anchor_is_a_known_section():
    table = claims.load_claims()
    assert set(table["anchor"]) <= SECTION_IDS


def test_eight_claims_by_four_authors():
    table = claims.load_claims()
    assert table["claim_id"].nunique() == 8
    assert (table.groupby("claim_id")["author"].nunique() == 4).all()


def test_markdown_has_a_linked_cell_per_author():
    table = claims.load_claims()
    md = claims.claims_markdown(table)
    lines = md.strip().splitlines()
    assert len(lines) == 2 + table["claim_id"].nunique()
    links = re.findall(r'\[(\w+)\]\((\w+)\.html#(sec-[\w-]+) "((?:[^"\\]|\\.)*)"\)', md)
    assert len(links) == len(table)
    for stance, page, anchor, title in links:
        assert stance in claims.STANCES
        assert anchor.split("-")[1] == page
        assert title
    first = table.iloc[0]
    assert f"[{first['stance']}]({first['author']}.html#{first['anchor']} " in lines[2]
    # The link's title is the cell's passage, shown on hover.
    assert links[0][3].replace("\\", "") == (f"\u201c{first['quote']}\u201d "
                                              f"({first['location']})")


def test_a_stance_without_its_passage_is_refused():
    """Planted fault: a cell that asserts with no quotation, one that disputes with no place."""
    table = claims.load_claims().copy()
    asserts = table.index[table["stance"] == "asserts"][0]
    disputes = table.index[table["stance"] == "disputes"][0]
    silent = table.index[table["stance"] == "silent"][0]
    table.loc[asserts, "quote"] = None
    table.loc[disputes, "location"] = ""
    table.loc[silent, ["quote", "location"]] = None
    with pytest.raises(ValueError) as err:
        claims.check_claims(table)
    message = str(err.value)
    assert f"line {asserts + 2}: a ord stance of 'asserts' needs the passage it rests on " \
           "(quote is empty)" in message
    assert f"line {disputes + 2}:" in message and "(location is empty)" in message
    assert f"line {silent + 2}:" not in message


def test_the_evidence_list_gives_every_cell():
    table = claims.load_claims()
    md = claims.evidence_markdown(table)
    assert md.startswith('<details class="claims-evidence">')
    assert md.count("\n- ") == len(table)
    plain = md.replace("\\", "")
    assert plain.count("The texts collected here do not address this claim.") == int(
        (table["stance"] == "silent").sum())


def test_anchor_link():
    assert claims.anchor_link("sec-ord-log-x") == "ord.html#sec-ord-log-x"
    with pytest.raises(ValueError):
        claims.anchor_link("fig-x")


def test_bad_rows_are_all_reported():
    table = claims.load_claims().copy()
    table.loc[0, "stance"] = "maybe"
    table.loc[1, "anchor"] = "sec-ord-log-x"
    with pytest.raises(ValueError) as err:
        claims.check_claims(table)
    assert "line 2" in str(err.value) and "line 3" in str(err.value)


def test_pipes_in_claims_are_escaped():
    table = pd.DataFrame([{"claim_id": "c", "claim": "a | b", "author": a, "stance": "silent",
                           "anchor": f"sec-{a}", "quote": None, "location": None, "note": None,
                           "source_id": "x"} for a in claims.AUTHORS])
    assert "a \\| b" in claims.claims_markdown(table)


def test_stance_counts_cover_every_row():
    table = claims.load_claims()
    assert claims.stance_counts(table).to_numpy().sum() == len(table)
