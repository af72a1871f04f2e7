"""The Quarto fixture book (tests/fixtures/quarto-features) builds with Quarto's defaults, and
every row of the README's compatibility table holds in its HTML."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bookengine.build import build
from bookengine.core.report import BuildError
from bookengine.source.config import ConfigError
from bookengine.source.config_load import load_config

from tests.conftest import REPO, copy_book
from tests.engine import quarto_compat

FIXTURE = REPO / "tests" / "fixtures" / "quarto-features"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    book = copy_book(FIXTURE, tmp_path_factory.mktemp("quarto") / "book")
    log: list[str] = []
    build(book, log=log.append)
    return book, log


def page(built: tuple[Path, list[str]], href: str) -> str:
    return (built[0] / "_book" / href).read_text(encoding="utf-8")


@pytest.mark.parametrize("row", quarto_compat.ROWS, ids=lambda r: r.feature)
def test_compatibility_row_holds(built: tuple[Path, list[str]], row: quarto_compat.Row) -> None:
    text = page(built, row.page)
    for pattern in row.expect:
        assert re.search(pattern, text, re.S), f"{row.page} lacks {pattern!r}"
    for pattern in row.absent:
        assert not re.search(pattern, text, re.S), f"{row.page} has {pattern!r}"


def test_readme_table_is_the_checked_table() -> None:
    readme = quarto_compat.README.read_text(encoding="utf-8")
    assert quarto_compat.readme_table(readme) == quarto_compat.table(), (
        "README's compatibility table is stale: run python -m tests.engine.quarto_compat")


def test_notes_name_file_and_line(built: tuple[Path, list[str]]) -> None:
    notes = [line for line in built[1] if line.startswith("note: ")]
    expected = [
        "_quarto.yml:35: `format: pdf` is not built: this engine makes HTML",
        "_quarto.yml:5: this engine does not act on `book.repo-branch`",
        "notebook.ipynb:",  # the Plotly-like CDN output without a self-hostable form
        "shortcodes.qmd:20: shortcode `{{< unknown-shortcode >}}` is not known",
    ]
    for text in expected:
        assert any(text in note for note in notes), (text, notes)
    assert not any("Mermaid" in note for note in notes), "Chromium draws the diagrams"



def test_files_written_and_copied(built: tuple[Path, list[str]]) -> None:
    site = built[0] / "_book"
    assert (site / "figures/figures/fig-png-1.png").read_bytes()[:4] == b"\x89PNG"
    assert (site / "figures/figures/fig-pair-1.svg").read_text().startswith("<svg")
    assert (site / "media/square.svg").is_file(), "a referenced image is copied"
    assert (site / "media/clip.mp4").is_file(), "a referenced video is copied"
    mermaid = (site / "assets/mermaid.js").read_bytes()
    assert len(mermaid) > 1_000_000 and b"mermaid" in mermaid[:5000].lower()
    assert not (built[0] / "_book" / "_include.html").exists(), "includes are not pages"


def test_numbering_restarts_per_chapter(built: tuple[Path, list[str]]) -> None:
    notebook = page(built, "notebook.html")
    assert "Figure 3.1:</span> A stored PNG" in notebook
    assert "Figure 3.2:</span> An Altair chart" in notebook
    diagrams = page(built, "diagrams.html")
    assert '<a href="#fig-flow" class="quarto-xref">Figure\u00a0<span>8.1</span></a>' in diagrams
    assert '<a href="#fig-graph" class="quarto-xref">Figure\u00a0<span>8.2</span></a>' in diagrams


def test_this_book_still_requires_alt_text(minibook: Path) -> None:
    config = (minibook / "_quarto.yml").read_text()
    (minibook / "_quarto.yml").write_text(config + "  require-alt: true\n")
    alpha = minibook / "chapters" / "alpha.qmd"
    alpha.write_text(re.sub(r"#\| fig-alt:.*\n", "", alpha.read_text()))
    with pytest.raises(BuildError, match=r"chapters/alpha.qmd:\d+: figure cell fig-growth has "
                                         r"no `fig-alt`"):
        build(minibook, log=lambda line: None)
    (minibook / "_quarto.yml").write_text(config)
    build(minibook, log=lambda line: None)  # Quarto's default: alt text is optional
    alpha_html = (minibook / "site" / "chapters" / "alpha.html").read_text()
    assert 'role="figure" aria-label=""' in alpha_html  # built, with no alt text


def test_unknown_cell_option_and_closed_key_suggest(minibook: Path) -> None:
    gamma = minibook / "chapters" / "gamma.qmd"
    gamma.write_text("# Gamma {#sec-gamma}\n\n```{python}\n#| echo: false\n#| fig-captoin: x\n"
                     "#| scrolled: true\n1\n```\n\n```{bash}\necho <hi>\n```\n")
    log: list[str] = []
    build(minibook, log=log.append)  # Quarto renders the cell: a warning, not a stop
    assert ("warning: chapters/gamma.qmd:5: unknown cell option `fig-captoin` (did you mean "
            "`fig-cap`?)") in log
    assert any(line.startswith("warning: chapters/gamma.qmd:6: unknown cell option `scrolled`")
               for line in log)
    page = (minibook / "site" / "chapters" / "gamma.html").read_text()
    assert '<pre class="{bash}"><code>echo &lt;hi&gt;</code></pre>' in page, "shown, not run"
    config = minibook / "_quarto.yml"
    config.write_text(config.read_text().replace("book-engine:\n",
                                                 "book-engine:\n  strict: true\n"))
    with pytest.raises(BuildError, match=r"chapters/gamma.qmd:5: unknown cell option "
                                         r"`fig-captoin` \(did you mean `fig-cap`\?\)"):
        build(minibook, log=lambda line: None)
    config.write_text(config.read_text().replace("  date:", "  repo-brnch: main\n  date:"))
    with pytest.raises(ConfigError, match=r"_quarto.yml:\d+: unknown key `book.repo-brnch` "
                                          r"\(did you mean `repo-branch`\?\)"):
        load_config(minibook)


def test_home_page_is_required(minibook: Path) -> None:
    config = minibook / "_quarto.yml"
    config.write_text(config.read_text().replace("    - index.qmd\n", ""))
    with pytest.raises(ConfigError, match=r"Book contents must include a home page"):
        load_config(minibook)


def test_editing_an_included_file_reexecutes_the_page(tmp_path: Path) -> None:
    book = copy_book(FIXTURE, tmp_path / "book")
    build(book, log=lambda line: None)
    nested = book / "parts" / "_nested.qmd"
    nested.write_text(nested.read_text().replace("21 * 2", "21 * 3"))
    report = build(book, log=lambda line: None)
    assert report.executed == ["shortcodes.qmd"]
    assert "The included cell computed 63" in (book / "_book" / "shortcodes.html").read_text()


def test_other_engines_are_named(minibook: Path) -> None:
    gamma = minibook / "chapters" / "gamma.qmd"
    for lang, engine in (("julia", "Julia"), ("ojs", "Observable JS")):
        gamma.write_text(f"# Gamma {{#sec-gamma}}\n\nText.\n\n```{{{lang}}}\n1\n```\n")
        with pytest.raises(BuildError, match=rf"chapters/gamma.qmd:5: ```\{{{lang}\}} cells "
                                             rf"need the {engine} engine"):
            build(minibook, log=lambda line: None)


def test_missing_graphviz_is_named(tmp_path: Path) -> None:
    book = tmp_path / "book"
    book.mkdir()
    (book / "_quarto.yml").write_text("project:\n  type: book\nbook:\n  title: G\n  chapters:\n"
                                      "    - index.qmd\nbook-engine:\n  library: []\n")
    (book / "index.qmd").write_text("# Home\n\n```{dot}\ndigraph { a -> b }\n```\n")
    empty = tmp_path / "bin"
    empty.mkdir()
    proc = subprocess.run([sys.executable, "-m", "bookengine", "publish", str(book)],
                          capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, "PATH": str(empty)})
    assert proc.returncode == 1
    assert "index.qmd:3: a {dot} cell needs Graphviz's `dot` program" in proc.stderr
    assert "apt-get install graphviz" in proc.stderr
    assert shutil.which("dot"), "Graphviz is installed for the rest of the suite (.ci/run)"


def test_freeze_true_publishes_a_fresh_clone_without_executing(minibook: Path,
                                                                tmp_path: Path) -> None:
    config = minibook / "_quarto.yml"
    config.write_text(config.read_text().replace("execute:\n", "execute:\n  freeze: true\n"))
    first = build(minibook, log=lambda line: None)
    assert "chapters/alpha.qmd" in first.executed
    frozen = minibook / "_freeze" / "chapters" / "alpha" / "execute-results" / "html.json"
    assert frozen.is_file()
    clone = copy_book(minibook, tmp_path / "clone")  # sources and _freeze/, no .book/ state
    shutil.rmtree(clone / "lib" / "minilib")  # executing alpha would now fail
    report = build(clone, log=lambda line: None)
    assert report.executed == []
    assert {p.reason for p in report.pages if p.rel.startswith("chapters/")} == {"frozen"}
    alpha = (clone / "site" / "chapters" / "alpha.html").read_text()
    assert "The last value is 1,000" in alpha
    beta = clone / "chapters" / "beta.qmd"
    beta.write_text(beta.read_text() + "\nA new paragraph.\n")
    report = build(clone, log=lambda line: None)
    assert report.executed == ["chapters/beta.qmd"], "a changed page is executed and re-frozen"


def test_parser_names_the_included_file_and_notes_unknown_cells(tmp_path: Path) -> None:
    from bookengine.source.document import SourceError
    from bookengine.source.qmd import parse

    (tmp_path / "page.qmd").write_text("# Page\n\n{{< include parts/_part.qmd >}}\n\nEnd.\n")
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "_part.qmd").write_text("Text.\n\n::: {.callout-note}\nOpen.\n")
    with pytest.raises(SourceError, match=r"parts/_part.qmd:3: div opened with ::: here is "
                                          r"never closed"):
        parse(tmp_path / "page.qmd", "page.qmd", tmp_path)
    (tmp_path / "parts" / "_part.qmd").write_text("```{pyodide}\nx = 1\n```\n\n:::\n")
    doc = parse(tmp_path / "page.qmd", "page.qmd", tmp_path)
    assert doc.notes == [
        "parts/_part.qmd:1: ```{pyodide} cells are not run in a Python page; shown as code, as "
        "Quarto shows them",
        "parts/_part.qmd:5: a ::: line closes no open div; shown as text",
    ]
    assert doc.included == [tmp_path / "parts" / "_part.qmd"]


def test_citations_in_captions_are_resolved(built: tuple[Path, list[str]]) -> None:
    # A caption is written after the filters run; its citations must still reach citeproc, as
    # in Quarto (a cell's `fig-cap` and a Markdown image's caption alike).
    html = page(built, "figures.html")
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", html, re.S)
    cited = [c for c in captions if "knuth-1984" in c]
    assert len(cited) == 2, captions
    assert all("@knuth-1984" not in c and '#ref-knuth-1984"' in c for c in cited)
    assert any("(see <a" in c and "1984, 7</a>)" in c for c in cited)
