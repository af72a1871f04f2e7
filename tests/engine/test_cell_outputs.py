"""Every kind of cell output reaches the page as Quarto shows it, and none crashes the build."""

from __future__ import annotations

from pathlib import Path

from bookengine.build import build


def _page(book: Path, rel: str) -> str:
    return (book / "site" / rel).read_text(encoding="utf-8")


def test_print_stderr_error_and_unknown_outputs(minibook: Path) -> None:
    gamma = minibook / "chapters" / "gamma.qmd"
    gamma.write_text(
        "# Gamma {#sec-gamma}\n\n"
        "```{python}\nprint('hello from stdout')\n```\n\n"
        "```{python}\nimport sys\nprint('careful: stderr', file=sys.stderr)\n```\n\n"
        "```{python}\n#| warning: false\nimport sys\n"
        "print('hidden stderr', file=sys.stderr)\n```\n\n"
        "```{python}\n#| error: true\nraise ValueError('shown, not fatal')\n```\n\n"
        "```{python}\nfrom IPython.display import display\n"
        "display({'application/x-unknown-thing': 'x'}, raw=True)\n```\n\n"
        "After the cells: `{python} 6 * 7`.\n")
    lines: list[str] = []
    build(minibook, log=lines.append)
    page = _page(minibook, "chapters/gamma.html")
    assert "hello from stdout" in page
    assert "careful: stderr" in page and "cell-output-stderr" in page
    assert "hidden stderr" not in page
    assert "ValueError" in page and "shown, not fatal" in page and "cell-output-error" in page
    assert "After the cells: 42" in page.replace("<code>", "").replace("</code>", "")
    unknown_line = gamma.read_text().split("\n").index("from IPython.display import display")
    notes = [line for line in lines if line.startswith("note:")]
    assert any(f"chapters/gamma.qmd:{unknown_line}" in n and "application/x-unknown-thing" in n
               for n in notes), notes


def test_print_in_a_figure_cell_does_not_crash(minibook: Path) -> None:
    alpha = minibook / "chapters" / "alpha.qmd"
    lines = alpha.read_text().split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("#| label: fig-"))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("```"))
    body_start = max(i for i in range(start, end) if lines[i].startswith("#|")) + 1
    lines.insert(body_start, "print('debug output')")
    alpha.write_text("\n".join(lines))
    build(minibook, log=lambda line: None)
    page = _page(minibook, "chapters/alpha.html")
    assert 'id="fig-growth"' in page and "debug output" in page


def test_footnotes_follow_reference_location(minibook: Path) -> None:
    (minibook / "chapters" / "gamma.qmd").write_text(
        "---\nformat:\n  html:\n    reference-location: block\n---\n\n# Gamma {#sec-gamma}\n\n"
        "::: {.callout-note}\nInside a callout.[^in]\n:::\n\n"
        "First paragraph.[^a] Same paragraph.^[An inline note.]\n\nSecond paragraph.\n\n"
        "[^a]: The first note.\n[^in]: The callout's note.\n")
    beta = minibook / "chapters" / "beta.qmd"
    beta.write_text("---\nreference-location: section\n---\n\n" + beta.read_text()
                    + "\n\nA claim.[^s]\n\n[^s]: A sectioned note.\n")
    lines: list[str] = []
    build(minibook, log=lines.append)
    gamma = _page(minibook, "chapters/gamma.html")
    # each note right after the block that cites it, numbered through the page
    callout = gamma.index("Inside a callout.")
    first = gamma.index("First paragraph.")
    second = gamma.index("Second paragraph.")
    assert callout < gamma.index('id="fn1"') < first < gamma.index('id="fn2"') \
        < gamma.index('id="fn3"') < second
    assert "The callout&#39;s note." in gamma or "The callout’s note." in gamma
    assert gamma.count('class="footnote-block footnotes-placed"') == 2
    assert 'class="footnotes' not in gamma and "column-margin" not in gamma
    beta_page = _page(minibook, "chapters/beta.html")
    assert 'class="footnotes footnotes-end-of-document"' in beta_page
    assert any("chapters/beta.qmd:1: `reference-location: section` is not acted on" in line
               for line in lines), lines
