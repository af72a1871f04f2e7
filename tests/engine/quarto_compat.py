"""The README's Quarto compatibility table: one row per feature, each with the fixture page that
shows it and the HTML that page must hold. `test_quarto_features` checks every row against the
built fixture book and checks that the README's table is exactly `table()`.

Run `python -m tests.engine.quarto_compat` to rewrite the table in the README.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
START = "<!-- quarto-compatibility:start -->"
END = "<!-- quarto-compatibility:end -->"


@dataclass(frozen=True)
class Row:
    """A feature, what Quarto does, what this engine does, and the evidence in the fixture."""

    feature: str
    quarto: str
    engine: str
    page: str
    """The fixture page (HTML output path) that shows it."""
    expect: tuple[str, ...]
    """Regular expressions the page's HTML must match."""
    absent: tuple[str, ...] = ()
    """Regular expressions the page's HTML must not match."""


ROWS = (
    Row("Code echo", "shown by default in HTML", "same; `echo: false`, `echo: fenced`",
        "cells.html",
        (r'<code class="sourceCode python">.*greeting', r"```\{python\}</span>",
         r"output without its code"),
        (r"print</span>\(<span class=\"st\">&quot;output without",)),
    Row("`code-fold`, `code-summary`, `code-line-numbers`", "`<details>` around the code",
        "same", "cells.html",
        (r'<details class="code-fold"><summary>Show the code</summary>',
         r'<details class="code-fold" open><summary>Open code</summary>', r"numberLines")),
    Row("`eval`, `output`, `include`, `warning`", "as documented", "same", "cells.html",
        (r"never run", r"warnings\.warn\(.*a visible warning", r"UserWarning: a visible warning"),
        (r"<code>hidden output", r"included-secret-code",
         r"UserWarning: a silenced")),
    Row("`error: true`", "traceback shown, render goes on", "same", "cells.html",
        (r'cell-output-error"><code>.*ValueError: shown traceback',)),
    Row("`output: asis`", "output read as Markdown", "same", "cells.html",
        (r"<strong>bold from asis</strong>",)),
    Row("Inline `{python}` values", "inserted as text", "same", "cells.html",
        (r"The answer is 42\.",)),
    Row("`.md` and `.ipynb` chapters", "rendered; notebooks from stored outputs",
        "same (`execute: enabled: true` re-runs a notebook)", "notebook.html",
        (r"stats from the notebook</code>", r'<img class="cell-output-image" '
         r'src="figures/notebook/fig-nb-1\.png"')),
    Row("Notebook HTML that loads a CDN", "kept (needs the network)",
        "replaced by the stored Vega-Lite or image, else left out with a note", "notebook.html",
        (r'<figure id="fig-nb-chart" class="book-figure">',), (r'<script src="https://cdn',)),
    Row("Home page", "`index.*` anywhere in `chapters` comes first, titled with the book's "
        "title; its own `#` heading is a numbered section", "same", "index.html",
        (r'<h1 class="book-front-title[^"]*"[^>]*><span class="chapter-title">Quarto Features',
         r'<span class="header-section-number">1</span> Welcome')),
    Row("`part:` in `chapters`", "groups in the sidebar; a part may be a page", "same",
        "cells.html",
        (r'<p class="nav-heading nav-part">Content</p>',
         r'<p class="nav-heading nav-part"><a href="parts/blocks-part\.html">')),
    Row("Front matter title block", "title, subtitle, author, date, abstract", "same",
        "plain.html",
        (r"A Markdown appendix", r'<div class="subtitle">', r"Appendix Author",
         r"An abstract from front matter")),
    Row("Front matter `execute:` options", "override the project's", "same", "figures.html",
        (r'<figure id="fig-png"',), (r"def</span> png",)),
    Row("Front matter `bibliography`", "the page's own bibliography", "same", "plain.html",
        (r'href="crossrefs\.html#ref-lovelace-1843"', r"Notes on the Analytical Engine"),
        (r"Knuth",)),
    Row("`{{< include >}}`", "recursive, relative to the including file",
        "same; included files count as inputs of the page", "shortcodes.html",
        (r"Included text from _include\.qmd", r"Nested include, resolved relative",
         r"The included cell computed 42")),
    Row("`{{< embed >}}`", "a cell by label from a notebook or a `.qmd`, or a whole notebook",
        "same (a `.qmd`'s cells run hidden in the embedding page)", "shortcodes.html",
        (r"stats from the notebook</code>", r"answer from a qmd: 21</code>",
         r'<span class="bu">print</span>\(<span class="ss">f&quot;answer from a qmd')),
    Row("`meta`, `var`, `env`, `kbd`, `pagebreak`, `video`", "as documented",
        "same (a `book-engine: offline` book refuses a video from another host)",
        "shortcodes.html",
        (r"Meta: teal\.", r"Variable: 2\.5\.1", r"Environment: fallback",
         r'<kbd title="Ctrl-C" aria-hidden="true" >Ctrl-C</kbd><span class="visually-hidden">'
         r"Ctrl-C</span>", r'<div class="page-break"></div>',
         r'<video class="video" controls[^>]*title="A local clip"><source src="media/clip\.mp4"',
         r'<source src="https://example\.org/talk\.mp4"')),
    Row("Escaped shortcode `{{{< … >}}}`", "shown as written", "same", "shortcodes.html",
        (r"Escaped: \{\{&lt; var version &gt;\}\}",)),
    Row("Image outputs (PNG, SVG, JPEG)", "written as files", "same", "figures.html",
        (r'<figure id="fig-png"', r'src="figures/figures/fig-png-1\.png"')),
    Row("`fig-subcap` with `layout-ncol`", "sub-figures (a), (b) in a grid", "same",
        "figures.html",
        (r'<figure id="fig-pair" class="[^"]*layout-ncol-2', r'<figure id="fig-pair-2"',
         r'\(b\)</span> Green')),
    Row("DataFrame output with `tbl-cap`", "an HTML table with a numbered caption", "same",
        "figures.html",
        (r'<figure id="tbl-frame"[^>]*caption-top">\s*<figcaption><span class="float-number">'
         r"Table 5\.1:</span> A data frame", r'<table border="1" class="dataframe">')),
    Row("`fig-cap-location`", "top, bottom or margin", "top and bottom", "figures.html",
        (r'<figure id="fig-top"[^>]*caption-top">\s*<figcaption>',)),
    Row("`::: {#fig-…}` and `::: {#tbl-…}` divs", "floats, last paragraph the caption",
        "same, with sub-floats", "figures.html",
        (r'<figure id="fig-div"', r"Figure 5\.4:</span> A figure made with a div",
         r'<figure id="tbl-first"', r"\(a\)</span> First")),
    Row("`![cap](img){#fig-…}`, pipe table `: cap {#tbl-…}`", "numbered floats", "same",
        "figures.html",
        (r'<figure id="fig-image"', r'alt="Markdown image alt text\."',
         r"Table 5\.2:</span> Moons per planet")),
    Row("Cross-reference forms", "`@fig-x`, `@Fig-x`, `[-@fig-x]`, `[Fig @fig-x]`, lists",
        "same", "crossrefs.html",
        (r'<a href="figures\.html#fig-png" class="quarto-xref">Figure\xa0<span>5\.1</span></a>',
         r'number only <a href="figures\.html#fig-png" class="quarto-xref"><span>5\.1</span></a>',
         r'<a href="figures\.html#fig-png" class="quarto-xref">Fig\.\xa0<span>5\.1</span></a>',
         r'<a href="figures\.html#fig-pair-2" class="quarto-xref">Figure\xa0<span>5\.2 \(b\)'
         r'</span></a>')),
    Row("Equations `$$ … $$ {#eq-…}`", "numbered, referable", "same", "crossrefs.html",
        (r'<span id="eq-energy" class="equation">',
         r'<a href="#eq-energy" class="quarto-xref">Equation\xa0<span>6\.1</span></a>')),
    Row("Theorem-like blocks and proofs", "`thm`, `lem`, … numbered per kind", "same",
        "crossrefs.html",
        (r"Theorem 6\.1 \(Main result\)", r"Lemma 6\.1 \(Helper\)", r"<em>Proof\.</em>")),
    Row("`crossref:` titles and prefixes", "`fig-title`, `cnj-title`, …", "same",
        "crossrefs.html", (r"Hypothesis 6\.1",)),
    Row("Callout and listing references", "`@nte-…`, `@lst-…` (code blocks and cells)",
        "same", "crossrefs.html",
        (r'<a href="#nte-remember" class="quarto-xref">Note\xa0<span>6\.1</span></a>',
         r'<figure id="lst-loop"', r"Listing 6\.1:</span> A loop", r'<figure id="lst-cell"',
         r'<a href="#lst-cell" class="quarto-xref">Listing\xa0<span>6\.2</span></a>')),
    Row("`{#refs}`", "the book's bibliography placed there; other pages link to it", "same",
        "crossrefs.html",
        (r'<div id="refs".*Knuth.*Text after the bibliography',)),
    Row("Callouts", "titles, `collapse`, `appearance`, `icon`", "same", "blocks.html",
        (r'<p class="callout-title">A titled tip</p>',
         r'<details class="callout callout-warning[^"]*"><summary class="callout-title">'
         r"Folded warning", r"callout-appearance-simple callout-no-icon",
         r"<details class=\"callout callout-caution[^\"]*\" open>")),
    Row("`.panel-tabset`, `group=`", "tabs; grouped tabsets switch together",
        "same (all panels shown without JavaScript)", "blocks.html",
        (r'role="tablist"', r'<button type="button" role="tab"[^>]*>First tab</button>',
         r'<div class="tab-panel"[^>]*>.*Content of the second tab')),
    Row("`.column-margin`, `.column-page`, `.aside`", "page columns", "same (CSS)",
        "blocks.html",
        (r'<div class="column-margin">', r'<div class="aside">', r'<div class="column-page">')),
    Row("`reference-location: margin` or `block`",
        "each footnote beside (margin) or below (block) the block that cites it",
        "same; `section` is shown as `document`, with a note", "blocks.html",
        (r'footnote beside it\.<a href="#fn1" class="footnote-ref" id="fnref1" '
         r'role="doc-noteref"><sup>1</sup></a></p>\s*<div class="column-margin footnotes-placed">'
         r'\s*<div id="fn1" class="footnote" role="doc-footnote">\s*<p><sup>1</sup>.The footnote',),
        (r'<section[^>]*class="footnotes',)),
    Row("`.content-visible`, `.content-hidden`",
        "by `when-format`/`unless-format` and `when-meta`/`unless-meta`", "same", "blocks.html",
        (r"Visible in HTML", r"Shown because this is HTML", r"Internal edition only"),
        (r"Only in PDF", r"Hidden in HTML", r"Draft only", r"Hidden unless a draft")),
    Row("Raw HTML", "passed through", "same", "blocks.html",
        (r'<p class="raw-html-block">', r'<div class="inline-raw">')),
    Row("`{mermaid}` cells", "drawn in the browser",
        "same, from a pinned self-hosted bundle, over a static SVG drawn at publish by Chromium "
        "for print and no-JS", "diagrams.html",
        (r'<figure id="fig-flow"', r'<pre class="mermaid" hidden>flowchart LR',
         r'<div class="mermaid-static"><svg id="mermaid-static-\w+"[^>]*>.*Write',
         r'<script src="assets/mermaid\.js">')),
    Row("`{dot}` cells", "drawn by Graphviz", "same (Debian's `graphviz`)", "diagrams.html",
        (r'<figure id="fig-graph"', r'<div class="graphviz"><svg')),
)


def table() -> str:
    """The README's table, in Markdown."""
    lines = ["| feature | Quarto | this engine | fixture page |", "|---|---|---|---|"]
    for row in ROWS:
        page = f"`{row.page.replace('.html', '')}`"
        lines.append(f"| {row.feature} | {row.quarto} | {row.engine} | {page} |")
    return "\n".join(lines)


def readme_table(text: str) -> str:
    """The table currently between the README's markers."""
    m = re.search(re.escape(START) + r"\n(.*?)\n?" + re.escape(END), text, re.S)
    return m.group(1).rstrip("\n") if m else ""


def main() -> None:
    text = README.read_text(encoding="utf-8")
    if START not in text:
        raise SystemExit(f"README.md has no {START} marker")
    new = re.sub(re.escape(START) + r"\n.*?" + re.escape(END),
                 lambda _: f"{START}\n{table()}\n{END}", text, flags=re.S)
    README.write_text(new, encoding="utf-8")
    print("README.md compatibility table written")


if __name__ == "__main__":
    main()
