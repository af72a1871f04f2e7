"""What a published page holds: references, citations, footnotes, escaping, figures."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from bookengine.build import build
from bookengine.site.publish import check_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import MINIBOOK, copy_book

    book = copy_book(MINIBOOK, tmp_path_factory.mktemp("content") / "book")
    build(book, log=lambda line: None)
    return book / "site"


def test_output_paths_mirror_sources(site: Path) -> None:
    for page in ("index.html", "chapters/alpha.html", "chapters/beta.html", "chapters/gamma.html"):
        assert (site / page).is_file()
    assert site.is_symlink(), "site is a link to a complete build"


def test_cross_references_are_numbered_links(site: Path) -> None:
    index = (site / "index.html").read_text()
    # As Quarto writes them: a chapter by its number and title, linked to its page.
    assert '<a href="chapters/alpha.html" class="quarto-xref">1 Alpha</a>' in index
    assert ('<a href="chapters/alpha.html#fig-growth" class="quarto-xref">Figure\u00a0'
            '<span>1.1</span></a>') in index
    alpha = (site / "chapters/alpha.html").read_text()
    assert ('<a href="beta.html#sec-beta-prices" class="quarto-xref">Section\u00a0'
            '<span>2.1</span></a>') in alpha
    beta = (site / "chapters/beta.html").read_text()
    assert ('<a href="alpha.html#fig-growth" class="quarto-xref">Figure\u00a0<span>1.1</span>'
            '</a>') in beta
    unnumbered = r'<h3 class="unnumbered" id="detail">Detail <a class="anchor"'
    assert re.search(unnumbered, beta), "unnumbered heading has no number"


def test_headings_numbered_with_anchor_links(site: Path) -> None:
    alpha = (site / "chapters/alpha.html").read_text()
    assert '<span class="header-section-number">1.1</span> Growth' in alpha
    assert '<a class="anchor" href="#sec-alpha-growth"' in alpha
    assert re.search(r'<h1 class="book-page-title" id="sec-alpha"><span class="chapter-number">'
                     r'1</span>\s+<span class="chapter-title">Alpha</span>', alpha)
    sidebar = re.search(r'<nav id="sidebar".*?</nav>', alpha, re.S).group(0)
    assert "Welcome" in sidebar and '<span class="chapter-number">2</span> Beta' in sidebar


def test_citations_footnotes_and_references(site: Path) -> None:
    alpha = (site / "chapters/alpha.html").read_text()
    assert 'href="#ref-doe-2024"' in alpha and 'id="ref-doe-2024"' in alpha
    assert "On Small Books" in alpha
    assert 'class="footnote-ref"' in alpha and "A footnote." in alpha
    # Quarto adds no heading above a chapter's bibliography.
    assert 'id="references"' not in alpha and '<div id="refs" class="references' in alpha


def test_inline_values_are_escaped(site: Path) -> None:
    alpha = (site / "chapters/alpha.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in alpha
    assert "<script>alert(1)" not in alpha
    assert "The last value is 1,000" in alpha
    assert "the dearest costs 2.25" in (site / "chapters/beta.html").read_text()


def test_figure_has_specs_static_svg_and_source_line(site: Path) -> None:
    alpha = (site / "chapters/alpha.html").read_text()
    payload = json.loads(re.search(r'<script type="application/json" class="chart-spec">(.*?)'
                                   r"</script>", alpha, re.S).group(1))
    assert set(payload["specs"]) == {"log", "linear"}
    assert payload["specs"]["log"]["encoding"]["y"]["scale"]["type"] == "log"
    assert payload["specs"]["linear"]["encoding"]["y"]["scale"]["type"] == "linear"
    svg = site / "figures/chapters/alpha/fig-growth.svg"
    assert svg.read_text().startswith("<svg")
    assert not (site / "figures/chapters/alpha/fig-growth.png").exists(), "PNGs: from the browser"
    inline = re.search(r'<svg[^>]* class="chart-static"[^>]*>', alpha)
    assert inline and 'aria-hidden="true"' in inline.group(0), "the drawing is in the page itself"
    assert 'data-png="fig-growth.png"' in alpha
    assert "Source: Doe (2024). Data version" in alpha
    assert '<figcaption>' in alpha and '<span class="figure-number">Figure 1.1:</span>' in alpha
    assert 'role="figure" aria-label="A line rising tenfold each year."' in alpha
    csv = (site / "figures/chapters/alpha/fig-growth.csv").read_text().splitlines()
    # The plotted columns, then where each row comes from (the figure's source and its date).
    assert csv[0].split(",") == ["year", "value", "Source", "Source date"] and len(csv) == 5
    assert all(row.split(",")[2] == "Doe (2024)" for row in csv[1:])


def test_shared_assets_and_no_external_loads(site: Path) -> None:
    assert (site / "assets/vega.js").stat().st_size > 100_000
    assert check_site(site, "/minibook/") == []  # book.site-url ends in /minibook
    # Without the site's path, the 404 page's path-absolute links leave the site.
    assert {p.split(":")[0] for p in check_site(site)} == {"404.html"}
    for page in site.rglob("*.html"):
        text = page.read_text()
        assert not re.search(r'<(script|img|iframe)[^>]+src="(https?:)?//', text)
        assert not re.search(r'<link(?![^>]*rel="canonical")[^>]+href="(https?:)?//', text)


def test_pages_are_marked_for_pagefind_and_indexed(site: Path) -> None:
    from bookengine.site.search import figure_records

    alpha = (site / "chapters/alpha.html").read_text()
    assert re.search(r'<article data-pagefind-body data-chapter="1 Alpha" '
                     r'data-pagefind-meta="[^"]+" data-pagefind-filter="chapter\[data-chapter\], '
                     r'kind:prose">', alpha)
    # A figure is its own record: left out of the page's text, found at its anchor.
    assert '<figure id="fig-growth"' in alpha
    assert figure_records(site) == [search_figure(
        "/chapters/alpha.html#fig-growth", "Figure 1.1: Growth over time (Doe 2024).",
        "Figure 1.1: Growth over time (Doe 2024). A line rising tenfold each year.",
        "1 Alpha", "1.1 Growth")]
    bundle = site / "pagefind"
    assert (bundle / "pagefind.js").is_file() and list(bundle.glob("wasm.*.pagefind"))
    assert len(list((bundle / "fragment").iterdir())) == 5  # four pages and the figure
    assert not (bundle / "pagefind-ui.js").exists(), "Pagefind's own UI is not shipped"
    assert not (site / "search-index.json").exists()
    # The 404 page is not a search result.
    assert "data-pagefind-body" not in (site / "404.html").read_text()
    csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"',
                                  alpha).group(1))
    assert "script-src 'self' 'sha256-" in csp and csp.count("'wasm-unsafe-eval'") == 1
    assert "'unsafe-eval'" not in csp


def search_figure(*fields: str):
    from bookengine.site.search import FigureRecord

    return FigureRecord(*fields)


def test_every_file_of_the_search_bundle_is_whole(site: Path) -> None:
    """Each of Pagefind's gzipped files (index, fragments, filters, meta, both WASM builds)
    unzips to its end: none was cut short on its way to the disk."""
    import gzip

    bundle = site / "pagefind"
    zipped = [p for p in bundle.rglob("*") if p.suffix.startswith(".pf_") or
              p.name.startswith("wasm.")]
    assert {p.name for p in zipped} >= {"wasm.en.pagefind", "wasm.unknown.pagefind"}
    for path in zipped:
        gzip.decompress(path.read_bytes())  # a cut file raises EOFError


def test_search_false_leaves_out_the_box_and_the_index(tmp_path: Path) -> None:
    from tests.conftest import MINIBOOK, copy_book

    book = copy_book(MINIBOOK, tmp_path / "book")
    config = (book / "_quarto.yml").read_text()
    (book / "_quarto.yml").write_text(config.replace("book:\n", "book:\n  search: false\n", 1))
    build(book, log=lambda line: None)
    alpha = (book / "site/chapters/alpha.html").read_text()
    assert 'class="search"' not in alpha and "data-pagefind-body" not in alpha
    assert "wasm-unsafe-eval" not in alpha
    assert not (book / "site/pagefind").exists()


def test_citation_metadata(site: Path) -> None:
    alpha = (site / "chapters/alpha.html").read_text()
    assert '<meta name="citation_title" content="Alpha">' in alpha
    assert '<meta name="citation_inbook_title" content="A Small Test Book">' in alpha
    assert '<meta name="citation_publication_date" content="2026/02/01">' in alpha
    # Citations name the permanent address of this version; the canonical link, the latest.
    assert re.search(r'<meta name="citation_public_url" content="https://example\.org/minibook/'
                     r'v/2026-01-15-[0-9a-f]{6}/chapters/alpha\.html">', alpha)
    assert '<link rel="canonical" href="https://example.org/minibook/chapters/alpha.html">' in alpha
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', alpha,
                              re.S).group(1))
    assert ld["@type"] == "Chapter" and ld["isPartOf"]["name"] == "A Small Test Book"
