"""The conversion and drawing caches keep what the current and previous build used, no more."""

from __future__ import annotations

from pathlib import Path

from bookengine.build import build


def cached(book: Path, kind: str, pattern: str) -> set[str]:
    return {p.name for p in (book / ".book" / kind).glob(pattern)}


def test_caches_keep_two_builds(minibook: Path) -> None:
    build(minibook, log=lambda line: None)
    first_html = cached(minibook, "convert", "*.html.json")
    first_svg = cached(minibook, "render", "*.svg")
    pages, charts = len(first_html), len(first_svg)
    assert pages == 4 and charts >= 1

    growth = minibook / "data" / "growth.csv"
    gamma = minibook / "chapters" / "gamma.qmd"
    history_html, history_svg = [first_html], [first_svg]
    for i in range(3):
        growth.write_text(growth.read_text() + f"{2024 + i},{10 ** (4 + i)}\n")
        gamma.write_text(gamma.read_text() + f"\nSentence {i}.\n")
        build(minibook, log=lambda line: None)
        history_html.append(cached(minibook, "convert", "*.html.json"))
        history_svg.append(cached(minibook, "render", "*.svg"))

    # Each build changes gamma's and alpha's conversions and alpha's chart.
    assert history_html[-1] != history_html[-2]
    assert len(history_html[-1]) == pages + 2, "this build's pages and the two it replaced"
    assert not (history_html[1] - history_html[2]) & history_html[-1], "older entries pruned"
    # Every drawing of alpha's chart (the page's and the phone's) changed: this build's and
    # the ones they replaced.
    assert len(history_svg[-1]) == 2 * charts
    assert history_svg[1] - history_svg[2], "the chart changed in every build"
    assert not (history_svg[1] - history_svg[2]) & history_svg[-1], "older drawings pruned"

    # What the live site shows is in the cache: a no-op build renders and converts nothing.
    before = {p: p.stat().st_mtime_ns for p in (minibook / ".book").rglob("*.svg")}
    build(minibook, log=lambda line: None)
    assert {p: p.stat().st_mtime_ns for p in (minibook / ".book").rglob("*.svg")} == before
