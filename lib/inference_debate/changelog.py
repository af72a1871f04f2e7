"""The changelog of the book's data (`data/changelog.csv`) as the Changelog appendix shows it.

Each row records what one curation or refresh changed in one table for one source: rows added,
removed and changed, and the release it came from. The newest date in the file is the book's data
version date.
"""

from __future__ import annotations

from inference_debate.data.catalogue import code_span, escape_cell
from inference_debate.data.sources import load_sources, source_text
from inference_debate.data.tables import load_table

HEADER = ("Date", "Table", "Source", "Release", "Added", "Removed", "Changed", "Note")


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def changelog_markdown() -> str:
    """A Markdown table of the changelog, newest first, each row with its source's title."""
    frame = load_table("changelog")
    sources = load_sources()
    frame = frame.assign(_order=range(len(frame)))
    frame = frame.sort_values(["date", "_order"], ascending=[False, True], kind="stable")
    lines = [_row(list(HEADER)), _row(["---"] * len(HEADER))]
    for row in frame.itertuples(index=False):
        source = source_text(row.source_id) if row.source_id in sources else row.source_id
        lines.append(_row([
            row.date.strftime("%Y-%m-%d"), code_span(row.file), escape_cell(source),
            escape_cell(row.release), str(row.rows_added), str(row.rows_removed),
            str(row.rows_changed), escape_cell(row.note or ""),
        ]))
    return "\n".join(lines)


def latest_date() -> str:
    """The newest date in the changelog (ISO): the version date of the book's data."""
    return load_table("changelog")["date"].max().strftime("%Y-%m-%d")
