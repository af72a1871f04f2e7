"""Every cell of the synthesis stance table rests on a passage of its own author's text.

Each row of `data/claims.csv` other than "silent" carries a verbatim quotation and where it is.
The quotation must be in the source text that the row's `source_id` names (not merely somewhere
in the debate), and any passage quoted inside a cell's note must be in the texts too.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from tests.book.test_quotations import SOURCES, normalise, pattern_for
from tests.conftest import REPO, browser_required

#: Which collected text each source id of the claims table is (see ../shared/sources/README.md).
SOURCE_FILES = {
    "greenblatt-2026": "000_90a9f6e0ae05b4ae.txt",
    "ord-2026-log-x": "002_2c4e73f9210dba16.txt",
    "ord-2025-rl-scale": "003_5bcfd8797015a14b.txt",
    "epoch-2026-inference-burden": "004_eab7d6ed76d05f97.txt",
}
#: A passage quoted inside a note or a location, in straight or curly double quotes.
QUOTED = re.compile(r'["\u201c]([^"\u201d]+)["\u201d]')
MIN_WORDS = 4


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def stance_problems(rows: list[dict[str, str]], texts: dict[str, str]) -> list[str]:
    """Every cell whose evidence is missing or is not in its author's text, one line each."""
    problems = []
    for line, row in enumerate(rows, 2):
        cell = f"line {line} ({row['claim_id']}, {row['author']}, {row['stance']})"
        quote = (row.get("quote") or "").strip()
        if row["stance"] != "silent":
            if not quote:
                problems.append(f"{cell}: no quotation for a stance other than silent")
            if not (row.get("location") or "").strip():
                problems.append(f"{cell}: the quotation does not say where it is in the source")
        if quote:
            text = texts.get(row["source_id"])
            if text is None:
                problems.append(f"{cell}: source {row['source_id']!r} has no collected text")
            elif not pattern_for(quote).search(text):
                problems.append(f"{cell}: not in {row['source_id']}: \u201c{quote}\u201d")
        for field in ("note", "location"):
            for passage in QUOTED.findall(row.get(field) or ""):
                if len(passage.split()) >= MIN_WORDS and not any(
                        pattern_for(passage).search(t) for t in texts.values()):
                    problems.append(f"{cell}: {field} quotes what no text says: "
                                    f"\u201c{passage}\u201d")
    return problems


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    files = {sid: SOURCES / name for sid, name in SOURCE_FILES.items()}
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        message = f"the source texts are missing: {missing}"
        if browser_required():
            pytest.fail(message)
        pytest.skip(message)
    return {sid: normalise(p.read_text(encoding="utf-8")) for sid, p in files.items()}


def test_every_stance_rests_on_a_passage_of_its_authors_text(texts) -> None:
    rows = read_rows(REPO / "data" / "claims.csv")
    assert len(rows) == 32
    assert stance_problems(rows, texts) == []


def test_a_cell_without_its_passage_or_with_a_wrong_one_fails(texts) -> None:
    rows = read_rows(REPO / "data" / "claims.csv")
    by_cell = {(r["claim_id"], r["author"]): r for r in rows}
    # Planted faults, one of each kind, on copies of real rows:
    bare = dict(by_cell[("rl_raises_plateau", "kokotajlo")], quote="")
    nowhere = dict(by_cell[("human_cost_measure", "epoch")], location=" ")
    # Greenblatt "asserts" the plateau claim with a sentence of Kokotajlo's: not in his post.
    misattributed = dict(by_cell[("rl_raises_plateau", "greenblatt")], stance="asserts",
                         quote="scaling up training compute lets you push the plateau part",
                         location="Greenblatt's post")
    paraphrase = dict(by_cell[("rl_scales_poorly", "epoch")],
                      quote="the 10,000x figure should be taken with a grain of salt")
    bad_note = dict(by_cell[("scaling_stops_paying", "greenblatt")],
                    note="He says \u201cAI labour will always be cheaper than humans\u201d.")
    silent = by_cell[("wtp_keeps_up", "epoch")]
    problems = stance_problems([bare, nowhere, misattributed, paraphrase, bad_note, silent],
                               texts)
    assert problems == [
        "line 2 (rl_raises_plateau, kokotajlo, asserts): no quotation for a stance other than "
        "silent",
        "line 3 (human_cost_measure, epoch, qualifies): the quotation does not say where it is "
        "in the source",
        "line 4 (rl_raises_plateau, greenblatt, asserts): not in greenblatt-2026: "
        "\u201cscaling up training compute lets you push the plateau part\u201d",
        "line 5 (rl_scales_poorly, epoch, qualifies): not in epoch-2026-inference-burden: "
        "\u201cthe 10,000x figure should be taken with a grain of salt\u201d",
        "line 6 (scaling_stops_paying, greenblatt, silent): note quotes what no text says: "
        "\u201cAI labour will always be cheaper than humans\u201d",
    ]


def test_the_stances_the_third_reading_corrected() -> None:
    """The cells the issue found misattributed now say what the texts hold."""
    rows = {(r["claim_id"], r["author"]): r["stance"]
            for r in read_rows(REPO / "data" / "claims.csv")}
    assert rows[("rl_raises_plateau", "greenblatt")] == "silent"
    assert rows[("wtp_keeps_up", "epoch")] == "silent"
    assert rows[("human_cost_measure", "epoch")] == "qualifies"
    assert rows[("rl_scales_poorly", "kokotajlo")] == "qualifies"
    assert rows[("scaling_stops_paying", "greenblatt")] == "silent"


def test_the_published_table_shows_each_passage(built_project: Path) -> None:
    """Hovering a cell shows its passage (the link's title); the list under the table too."""
    import html

    page = (built_project / "site" / "chapters" / "synthesis.html").read_text(encoding="utf-8")
    table = page[page.index("<table"):page.index("</table>")]
    titles = [html.unescape(t) for t in re.findall(r'<a href="[^"]+" title="([^"]+)"', table)]
    assert len(titles) == 32
    details = page[page.index('<details class="claims-evidence">'):]
    details = html.unescape(details[:details.index("</details>")])
    for row in read_rows(REPO / "data" / "claims.csv"):
        if row["quote"]:
            assert any(row["quote"] in t for t in titles), row["quote"]
            assert row["quote"] in details, row["quote"]
