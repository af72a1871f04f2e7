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
from bookengine.source.config_load import load_config

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


def test_notebook_attachments_are_written_as_files(tmp_path: Path) -> None:
    import base64

    import nbformat

    folder = tmp_path / "nb"
    folder.mkdir()
    png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
                           "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_markdown_cell("# Pasted\n\n![A dot](attachment:dot.png)")
    cell["attachments"] = {"dot.png": {"image/png": base64.b64encode(png).decode()}}
    nb.cells.append(cell)
    nbformat.write(nb, str(folder / "pasted.ipynb"))
    quiet(folder)
    site = folder / "_site"
    assert (site / "pasted_files" / "attachments" / "dot.png").read_bytes() == png
    page = (site / "pasted.html").read_text(encoding="utf-8")
    assert 'src="pasted_files/attachments/dot.png"' in page and "attachment:" not in page


def test_canonical_open_graph_and_twitter_card(tmp_path: Path) -> None:
    site_dir = copy_book(WEBSITE, tmp_path / "website")
    config = site_dir / "_quarto.yml"
    config.write_text(config.read_text().replace(
        "  page-navigation: true\n",
        "  page-navigation: true\n  open-graph: true\n  twitter-card:\n    creator: \"@a\"\n"),
        encoding="utf-8")
    quiet(site_dir)
    page = (site_dir / "_site" / "analysis.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/site/analysis.html">' in page
    assert '<meta property="og:title" content="Analysis">' in page
    assert '<meta property="og:url" content="https://example.org/site/analysis.html">' in page
    assert '<meta property="og:site_name" content="A Small Test Website">' in page
    assert '<meta name="twitter:card" content="summary">' in page
    assert '<meta name="twitter:creator" content="@a">' in page


def test_toc_location_body_and_toc_false(minibook: Path) -> None:
    beta = minibook / "chapters" / "beta.qmd"
    beta.write_text("---\ntoc-location: body\ntoc-title: Contents\n---\n\n" + beta.read_text(),
                    encoding="utf-8")
    gamma = minibook / "chapters" / "gamma.qmd"
    gamma.write_text("---\ntoc: false\n---\n\n" + gamma.read_text() + "\n## A section\n\nText.\n",
                     encoding="utf-8")
    quiet(minibook)
    site = minibook / "site" / "chapters"
    beta_html = (site / "beta.html").read_text(encoding="utf-8")
    body_toc = re.search(r'<article\b[^>]*>\s*<nav class="toc toc-body" '
                         r'aria-label="Contents">.*?</nav>', beta_html, re.S)
    assert body_toc and "#sec-beta-prices" in body_toc.group(0)
    assert '<aside class="toc"' not in beta_html
    gamma_html = (site / "gamma.html").read_text(encoding="utf-8")
    assert 'class="toc' not in gamma_html


def test_plot_object_reprs_beside_a_figure_are_not_shown(tmp_path: Path) -> None:
    import base64

    import nbformat

    folder = tmp_path / "nb"
    folder.mkdir()
    png = base64.b64encode(base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5E"
        "rkJggg==")).decode()
    nb = nbformat.v4.new_notebook()
    plot = nbformat.v4.new_code_cell("plt.plot([1, 2])")
    plot.outputs = [
        nbformat.v4.new_output("execute_result",
                               {"text/plain": "[<matplotlib.lines.Line2D at 0x1>]"},
                               execution_count=1),
        nbformat.v4.new_output("display_data", {"image/png": png, "text/plain": "<Figure>"})]
    value = nbformat.v4.new_code_cell("(1, 2)")
    value.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "(1, 2)"},
                                            execution_count=2)]
    nb.cells += [nbformat.v4.new_markdown_cell("# Plots"), plot, value]
    nbformat.write(nb, str(folder / "plots.ipynb"))
    quiet(folder)
    page = (folder / "_site" / "plots.html").read_text(encoding="utf-8")
    assert "Line2D" not in page, "Quarto drops the artist list echoed beside the figure"
    assert "<img" in page and "(1, 2)" in page, "a value without a figure is shown"
