"""Citations as reference managers read them, on the published book: BibTeX that a real BibTeX
parser (pybtex) reads with the editors as one organisation, short stable keys, whole figure
titles, RIS and CSL-JSON files for every chapter and figure, JSON-LD that types the editors as
an organisation, and a description of its own for every page."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from pybtex.database import parse_string

EDITORS = "The Inference Scaling Debate editors"
CHAPTERS = ["index", "chapters/ord", "chapters/greenblatt", "chapters/kokotajlo",
            "chapters/epoch", "chapters/synthesis"]


@pytest.fixture(scope="module")
def site(built_project: Path) -> Path:
    return built_project / "site"


def entries(page: str) -> list[str]:
    return [html.unescape(b) for b in re.findall(r'<code class="bibtex">(.*?)</code>', page,
                                                  re.S)]


def test_bibtex_reads_the_editors_as_one_organisation(site: Path) -> None:
    page = (site / "chapters" / "ord.html").read_text(encoding="utf-8")
    bibs = entries(page)
    assert len(bibs) > 3  # the chapter and each of its figures
    for bib in bibs:
        data = parse_string(bib, "bibtex")
        (key, entry), = data.entries.items()
        people = entry.persons["author"]
        assert len(people) == 1
        # One name, braced whole: no first names or initials to abbreviate.
        assert people[0].first_names == [] and people[0].middle_names == []
        assert people[0].last_names == ["{" + EDITORS + "}"]
        assert re.fullmatch(r"isd20\d\dord(-fig-[a-z0-9-]+)?", key), key
        assert "…" not in entry.fields["title"]
    chapter = parse_string(bibs[-1], "bibtex").entries
    assert list(chapter) == [re.search(r"isd20\d\d", bibs[-1]).group(0) + "ord"]


def test_ris_and_csl_json_for_every_chapter_and_figure(site: Path) -> None:
    for stem in CHAPTERS:
        page = (site / f"{stem}.html").read_text(encoding="utf-8")
        links = re.findall(r'href="([^"]+\.(?:ris|json))" download', page)
        figures = re.findall(r'<div class="chart-frame" data-figure="([^"]+)"', page)
        assert len(links) == 2 * (len(figures) + 1), (stem, links)
        for link in links:
            file = (site / stem).parent / link
            text = file.read_bytes().decode("utf-8")  # RIS lines end in CR LF
            if link.endswith(".ris"):
                assert text.startswith("TY  - ") and text.endswith("ER  - \r\n")
                assert f"AU  - {EDITORS}\r\n" in text  # no comma: one name, as RIS has it
            else:
                (item,) = json.loads(text)
                assert item["author"] == [{"literal": EDITORS}]
                assert item["title"] and item["URL"].startswith("https://")


def test_json_ld_types_the_editors_as_an_organisation(site: Path) -> None:
    page = (site / "chapters" / "epoch.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page,
                                re.S).group(1))
    assert data["author"] == [{"@type": "Organization", "name": EDITORS}]
    assert data["isPartOf"]["author"] == data["author"]


def test_every_page_describes_itself(site: Path) -> None:
    descriptions = {}
    for stem in CHAPTERS:
        page = (site / f"{stem}.html").read_text(encoding="utf-8")
        found = re.search(r'<meta name="description" content="([^"]*)"', page)
        assert found, stem
        descriptions[stem] = html.unescape(found.group(1))
        assert 40 < len(descriptions[stem]) <= 201
    assert len(set(descriptions.values())) == len(descriptions), descriptions
    ord_page = (site / "chapters" / "ord.html").read_text(encoding="utf-8")
    first = re.sub(r"<[^>]+>", "", re.search(r"<p>(.*?)</p>", ord_page, re.S).group(1))
    assert descriptions["chapters/ord"].rstrip("…")[:60] == html.unescape(first)[:60]
