"""Bad data stops `make publish` with a message naming file, line, column and expectation, and the
published site stays exactly as it was. Each case publishes the whole book, breaks one table,
publishes again, and compares the site's tree hash."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from bookengine.build import build
from bookengine.core.report import BuildError

from tests.conftest import tree_hash


@pytest.fixture(scope="module")
def book(built_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the published book (cache and site link included) that these tests may break."""
    dest = tmp_path_factory.mktemp("bad-data") / "book"
    shutil.copytree(built_project, dest, symlinks=True)
    return dest


def replace_line(path: Path, number: int, new: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[number - 1] = new
    path.write_text("\n".join(lines), encoding="utf-8")


def api(book: Path) -> Path:
    return book / "data" / "api_prices.csv"


CASES: dict[str, tuple[str, Callable[[Path], None], list[str]]] = {
    "missing column": ("api_prices.csv", lambda b: api(b).write_text(
        "model,release_date,usd_per_million_input_tokens,source_id\n"
        "o4-mini,2025-04-16,1.10,openai-pricing\n"),
        ["data/api_prices.csv, line 1, column usd_per_million_output_tokens", "(missing)"]),
    "non-numeric value": ("api_prices.csv", lambda b: replace_line(
        api(b), 2, "o4-mini,2025-04-16,cheap,4.40,openai-pricing"),
        ["data/api_prices.csv, line 2, column usd_per_million_input_tokens", "cheap"]),
    "negative cost": ("api_prices.csv", lambda b: replace_line(
        api(b), 3, "GPT-5.2,2025-12-11,1.75,-14.00,openai-pricing"),
        ["data/api_prices.csv, line 3, column usd_per_million_output_tokens", "-14"]),
    "duplicate key": ("api_prices.csv", lambda b: api(b).write_text(
        api(b).read_text() + "o4-mini,2025-04-16,1.10,4.40,openai-pricing\n"),
        ["data/api_prices.csv, line 4, column model", "unique"]),
    "unknown source id": ("api_prices.csv", lambda b: replace_line(
        api(b), 2, "o4-mini,2025-04-16,1.10,4.40,no-such-source"),
        ["data/api_prices.csv, line 2, column source_id", "no-such-source"]),
    "unparseable date": ("api_prices.csv", lambda b: replace_line(
        api(b), 2, "o4-mini,2025-13-45,1.10,4.40,openai-pricing"),
        ["data/api_prices.csv, line 2, column release_date", "2025-13-45"]),
    "empty file": ("api_prices.csv", lambda b: api(b).write_text(""),
                   ["data/api_prices.csv, line 1"]),
    "not UTF-8": ("api_prices.csv", lambda b: api(b).write_bytes(
        api(b).read_bytes().replace(b"o4-mini", b"o4-m\xefni", 1)),
        ["data/api_prices.csv, line 2", "UTF-8"]),
    "too many fields": ("api_prices.csv", lambda b: replace_line(
        api(b), 3, "GPT-5.2,2025-12-11,1.75,14.00,openai-pricing,extra"),
        ["data/api_prices.csv, line 3"]),
    "accuracy above 1": ("arc_agi.csv", lambda b: _arc_score(b, "1.5"),
                         ["data/arc_agi.csv, line 2, column score_fraction", "1.5"]),
    "source without address": ("sources.yml", lambda b: _drop_first_url(b),
                               ["data/sources.yml", "url"]),
}


def _arc_score(book: Path, value: str) -> None:
    path = book / "data" / "arc_agi.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("score_fraction")] = value
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")


def _drop_first_url(book: Path) -> None:
    path = book / "data" / "sources.yml"
    text = path.read_text(encoding="utf-8")
    first = next(line for line in text.split("\n") if line.startswith("  url: "))
    path.write_text(text.replace(first + "\n", "", 1), encoding="utf-8")


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_table_stops_publish_and_keeps_site(book: Path, case: str) -> None:
    name, breaker, expected = CASES[case]
    table = book / "data" / name
    original = table.read_bytes()
    before = tree_hash(book / "site")
    breaker(book)
    try:
        with pytest.raises(BuildError) as err:
            build(book, log=lambda line: None)
        message = str(err.value)
        for piece in expected:
            assert piece in message, f"{case}: {piece!r} not in:\n{message}"
        assert tree_hash(book / "site") == before
    finally:
        table.write_bytes(original)


def test_html_in_a_text_field_is_shown_as_text(book: Path) -> None:
    models = book / "data" / "models.csv"
    original = models.read_bytes()
    text = original.decode("utf-8")
    row = next(line for line in text.split("\n") if line.startswith("gpt2,"))
    evil = row.replace(row.split(",")[1], "<script>alert(1)</script>GPT-2", 1)
    models.write_text(text.replace(row, evil), encoding="utf-8")
    try:
        build(book, log=lambda line: None)
        pages = [p.read_text(encoding="utf-8") for p in (book / "site").rglob("*.html")]
        assert pages and all("<script>alert(1)" not in html for html in pages)
        index = (book / "site" / "index.html").read_text(encoding="utf-8")
        assert "&lt;script&gt;alert(1)&lt;/script&gt;GPT-2" in index
        assert "\\u003cscript>alert(1)" in index, "inside chart data the text stays data"
    finally:
        models.write_bytes(original)
