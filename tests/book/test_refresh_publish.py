"""Newer releases of every source flow into the published book: refresh, publish, find them.

The whole project is copied to a temporary folder; a newer release of each source (made by
`tests.library.newer_releases` from the real files: new entries under keys the book has never
seen, revised values, a dropped field the book does not use, a new field) is served on
127.0.0.1. `refresh` then a publish must succeed with no change to the library: the new entries
are in the charts' specs, the prose counts them, and the Data and sources appendix lists the
names derived for them.
"""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import pytest
from bookengine.build import build
from bookengine.core.localserver import serving
from inference_debate.refresh import refresh

from tests.conftest import REPO, copy_book
from tests.library import newer_releases as newer

DATE = "2026-12-10"  # after the newest row of data/changelog.csv: a refresh dates the data
_SPEC = re.compile(r'<script type="application/json" class="chart-spec">(.*?)</script>', re.S)


def _rows(book: Path, table: str) -> list[dict[str, str]]:
    with open(book / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _specs(page: str) -> dict[str, str]:
    """Each chart's specs on a page, as one JSON text per figure label."""
    out = {}
    for block in _SPEC.findall(page):
        payload = json.loads(block)
        out[payload["label"]] = json.dumps(payload["specs"], ensure_ascii=False)
    return out


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.mark.slow
def test_newer_releases_of_every_source_appear_in_the_published_book(tmp_path, monkeypatch):
    if not newer.UPSTREAM.is_dir():
        pytest.skip("no ../shared/upstream")
    book = copy_book(REPO, tmp_path / "book")
    lines: list[str] = []
    with serving(newer.newer_releases(tmp_path / "upstream")) as base:
        report = refresh(book, DATE, release_base=base, log=lines.append)
    monkeypatch.delenv("QUARTO_PROJECT_DIR", raising=False)
    assert {"data/metr_horizons.csv", "data/models.csv", "data/arc_agi.csv",
            "data/epoch_price_trends.csv", "data/epoch_cheapest_prices.csv"} <= \
        {row["file"] for row in report.changelog}
    derived = {**newer.METR_NEW, **newer.ARC_DERIVED}
    assert sum(line.startswith("note: ") and "derived" in line for line in lines) == len(derived)

    built: list[str] = []
    build(book, log=built.append)
    site = (book / "site").resolve()
    pages = {p.relative_to(site).as_posix(): p.read_text("utf-8") for p in site.rglob("*.html")}
    specs = {f"{name}#{label}": spec for name, page in pages.items()
             for label, spec in _specs(page).items()}

    def charted(text: str) -> list[str]:
        return sorted(key for key, spec in specs.items() if text in spec)

    for name, _ in newer.METR_NEW.values():
        assert charted(name), f"{name} is in no chart"
    for name in newer.METR_LISTED.values():
        assert charted(name), f"{name} is in no chart"
    for model_id, display in newer.ARC_NEW.items():
        shown = display or newer.ARC_DERIVED[model_id][0]
        assert any("ord" in key for key in charted(shown)), shown
    for threshold in newer.EPOCH_THRESHOLDS:
        assert charted(f"{newer.EPOCH_BENCH} ≥ {threshold}"), threshold
    for model in newer.EPOCH_MODELS:
        assert charted(model), model

    # The prose counts the new entries: compare with counts made here from the refreshed CSVs.
    page = lambda part: _text(next(t for n, t in pages.items() if n.endswith(part)))  # noqa: E731
    thresholds = len(_rows(book, "epoch_price_trends"))
    found = re.search(r"of the (\d+) benchmark thresholds", page("epoch.html"))
    assert found and int(found.group(1)) == thresholds
    entries = sum(r["dataset"] == "ARC-AGI-1" and r["is_human"] == "false"
                  for r in _rows(book, "arc_agi"))
    found = re.search(r"holds (\d+) model entries on ARC-AGI-1", page("ord.html"))
    assert found and int(found.group(1)) == entries

    # The publish printed what the refresh changed in the argument, against the committed record
    # of the previous data version: the count above, old (from the repository's table) → new.
    before = sum(r["dataset"] == "ARC-AGI-1" and r["is_human"] == "false"
                 for r in _rows(REPO, "arc_agi"))
    assert before != entries
    assert any(line.startswith("  changed: chapters/ord.qmd: ") and
               f"holds {entries} model entries on ARC-AGI-1" in line and
               line.endswith(f": {before} → {entries}") for line in built), built
    assert any(line.startswith("  changed: ") and "data version" in line for line in built)

    # The names awaiting curation are listed, and the changelog shows the refresh.
    sources_page = page("data-sources.html")
    section = sources_page[sources_page.index("Model names awaiting curation"):]
    for model_id, (name, developer) in derived.items():
        assert model_id in section and name in section and developer in section
    for model_id in newer.METR_LISTED:
        assert model_id not in section
    changelog = page("changelog.html")
    assert DATE in changelog and "gpt_7_3" in changelog


@pytest.mark.slow
def test_a_new_metr_release_number_refreshes_and_publishes_without_code_changes(
        tmp_path, monkeypatch):
    if not newer.UPSTREAM.is_dir():
        pytest.skip("no ../shared/upstream")
    book = copy_book(REPO, tmp_path / "book")
    upstream = newer.copy_upstream(tmp_path / "upstream")
    newer.newer_metr(upstream, "1.2", "metr/benchmark_results_1_2.yaml")
    with serving(upstream) as base:
        refresh(book, DATE, release_base=base, log=lambda line: None)
    monkeypatch.delenv("QUARTO_PROJECT_DIR", raising=False)
    assert {r["release"] for r in _rows(book, "metr_horizons")} == {"1.2"}
    build(book, log=lambda line: None)
    site = (book / "site").resolve()
    greenblatt = _text((site / "chapters" / "greenblatt.html").read_text("utf-8"))
    assert "Time Horizon 1.2 release" in greenblatt
    intro = _text((site / "index.html").read_text("utf-8"))
    assert "later release 1.2" in intro and "release 1.1" not in intro
