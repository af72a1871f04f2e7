"""The corrections to the book's text (`data/corrections.csv`) as the Changelog appendix lists them.

A reader who cites the book needs to see what was corrected since: each row gives the date, the
page and section, what changed, and the source text the correction was checked against.
"""

from __future__ import annotations

from inference_debate.data.catalogue import escape_cell, markdown_table
from inference_debate.data.sources import source_text
from inference_debate.data.tables import load_table

HEADER = ("Date", "Section", "What changed", "Checked against")


def section_link(page: str, section: str) -> str:
    """A link from an appendix to a section: (`chapters/ord.qmd`, `sec-ord`) -> `../chapters/…`."""
    href = "../" + page[: -len(".qmd")] + ".html"
    return f"[{section}]({href}#{section})"


def corrections_markdown() -> str:
    """A Markdown table of the corrections, newest first, in the order of the book within a date."""
    frame = load_table("corrections")
    frame = frame.assign(_order=range(len(frame)))
    frame = frame.sort_values(["date", "_order"], ascending=[False, True], kind="stable")
    return markdown_table(HEADER, [12, 18, 44, 26], (
        [row.date.strftime("%Y-%m-%d"), section_link(row.page, row.section),
         escape_cell(row.change), escape_cell(source_text(row.source_id))]
        for row in frame.itertuples(index=False)))
