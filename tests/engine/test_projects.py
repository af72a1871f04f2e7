"""Quarto's project types and the options real books use: a website (navbar, sidebar sections,
page navigation), a folder of documents, `lang`, `format: html:` `css` and `include-in-header`,
project-level `execute:`, `date: today`, the `video` shortcode, and a Quarto-written
`_freeze/` left alone."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

from bookengine.build import build
from bookengine.config import load_config

from tests.conftest import REPO, copy_book

WEBSITE = REPO / "tests" / "fixtures" / "website"


def quiet(book: Path) -> list[str]:
    log: list[str] = []
    build(book, log=log.append)
    return log


def test_a_website_has_its_navbar_sidebar_and_page_links(tmp_path: Path) -> None:
    site_dir = copy_book(WEBSITE, tmp_path / "website")
    quiet(site_dir)
    out = site_dir / "_site"  # Quarto's default for a website
    analysis = (out / "analysis.html").read_text(encoding="utf-8")
    navbar = re.search(r'<nav class="navbar".*?</nav>', analysis, re.S).group(0)
    assert '<a href="index.html">Home</a>' in navbar
    assert '<a href="#" aria-current="page">Analysis</a>' in navbar
    sidebar = re.search(r'<nav id="sidebar".*?</nav>', analysis, re.S).group(0)
    assert '<p class="nav-heading nav-part">Notes</p>' in sidebar
    assert sidebar.index("Analysis") < sidebar.index("First note") < sidebar.index("Second note")
    # A website's page is a document: numbered only because it asks, its references its own.
    assert '<span class="header-section-number">1</span> Method' in analysis
    assert '<span class="header-section-number">1.1</span> Table' in analysis
    assert 'class="quarto-xref">Section\u00a0<span>1.1</span></a>' in analysis
    assert 'class="quarto-xref">Table\u00a0<span>1</span></a>' in analysis
    first = (out / "notes" / "first.html").read_text(encoding="utf-8")
    assert "header-section-number" not in first, "unnumbered unless number-sections"
    assert '<h2 class="anchored quarto-appendix-heading">Footnotes</h2>' in first
    assert 'rel="prev" href="../analysis.html"' in first, "page-navigation: true"


def test_a_folder_of_documents_without_a_project_file(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "one.qmd").write_text("---\ntitle: One\n---\n\n# A heading\n\n```{python}\n"
                                    "print(6 * 7)\n```\n", encoding="utf-8")
    (folder / "README.md").write_text("Not a page.\n", encoding="utf-8")
    (folder / "_draft.qmd").write_text("Not a page either.\n", encoding="utf-8")
    config = load_config(folder)
    assert config.kind == "default" and config.chapters == ("one.qmd",)
    quiet(folder)
    page = (folder / "_site" / "one.html").read_text(encoding="utf-8")
    assert "<title>One</title>" in page
    assert re.search(r'<h1 id="a-heading">A heading', page), "a # heading is not the title"
    assert "42" in page and 'id="sidebar"' not in page


def test_lang_css_header_and_project_execute(minibook: Path) -> None:
    (minibook / "style.css").write_text("body { color: teal; }\n", encoding="utf-8")
    config = minibook / "_quarto.yml"
    config.write_text(config.read_text().replace("execute:\n  echo: false\n", (
        "lang: de\nexecute:\n  echo: false\n  error: true\nformat:\n  html:\n    css: style.css\n"
        "    include-in-header:\n      text: '<meta name=\"x-probe\" content=\"1\">'\n")),
        encoding="utf-8")
    beta = minibook / "chapters" / "beta.qmd"
    beta.write_text(beta.read_text() + "\n::: {.callout-note}\nA note.\n:::\n\n```{python}\n"
                    "raise ValueError('shown, not fatal')\n```\n", encoding="utf-8")
    quiet(minibook)
    site = minibook / "site"
    beta_html = (site / "chapters" / "beta.html").read_text(encoding="utf-8")
    assert '<p class="callout-title">Hinweis</p>' in beta_html, "Quarto's German words"
    assert '<link rel="stylesheet" href="../style.css">' in beta_html
    assert (site / "style.css").read_text() == "body { color: teal; }\n"
    assert '<meta name="x-probe" content="1">' in beta_html
    assert "Abbildung 1.1" in (site / "chapters" / "alpha.html").read_text(encoding="utf-8")
    # The project's `error: true` reaches the cell: its traceback is shown, the build goes on.
    assert "ValueError: shown, not fatal" in beta_html


def test_dates_as_quarto_reads_them(minibook: Path) -> None:
    config = minibook / "_quarto.yml"
    config.write_text(config.read_text().replace('date: "2026-01-15"', "date: today"),
                      encoding="utf-8")
    assert load_config(minibook).date == datetime.date.today().isoformat()
    config.write_text(config.read_text().replace("date: today", 'date: "1/2/2026"'),
                      encoding="utf-8")
    assert load_config(minibook).date == "2026-01-02"


def test_video_shortcode_keeps_a_urls_own_equals_sign(minibook: Path) -> None:
    gamma = minibook / "chapters" / "gamma.qmd"
    gamma.write_text(gamma.read_text() + '\n{{< video https://www.youtube.com/watch?v=abc123 '
                     'title="A talk" >}}\n', encoding="utf-8")
    quiet(minibook)
    page = (minibook / "site" / "chapters" / "gamma.html").read_text(encoding="utf-8")
    assert 'src="https://www.youtube.com/embed/abc123" title="A talk"' in page


def test_a_quarto_freeze_entry_is_left_as_it_is(minibook: Path) -> None:
    config = minibook / "_quarto.yml"
    config.write_text(config.read_text().replace("  echo: false\n",
                                                 "  echo: false\n  freeze: true\n"),
                      encoding="utf-8")
    entry = minibook / "_freeze" / "chapters" / "gamma" / "execute-results" / "html.json"
    entry.parent.mkdir(parents=True)
    quartos = {"hash": "0" * 32, "result": {"engine": "jupyter", "markdown": "# Gamma\n"}}
    entry.write_text(json.dumps(quartos), encoding="utf-8")
    log = quiet(minibook)
    assert any("chapters/gamma.qmd: its _freeze/ entry was written by Quarto" in line
               for line in log)
    assert json.loads(entry.read_text()) == quartos
    assert "Plain text only, computed 42" in (minibook / "site" / "chapters" /
                                              "gamma.html").read_text(encoding="utf-8")
