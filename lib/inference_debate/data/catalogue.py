"""The "Data and sources" appendix as Markdown: every source and every table, with versions."""

from __future__ import annotations

import re

from inference_debate.data.schemas import TABLES
from inference_debate.data.sources import load_sources
from inference_debate.data.tables import load_table, table_hash

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def escape_cell(text: object) -> str:
    """Data text that Markdown shows as typed: every ASCII punctuation mark backslash-escaped
    (so no HTML, link, code, maths, citation or table syntax in data ever takes effect), and
    newlines folded, so it is safe in a table cell or a paragraph."""
    value = str(text).replace("\r", " ").replace("\n", " ")
    return _PUNCTUATION.sub(r"\\\1", value)


def code_span(text: object) -> str:
    """Data text set as code: a raw `<code>` element around the escaped text (a Markdown code
    span cannot hold a `|` inside a table cell)."""
    return f"<code>{escape_cell(text)}</code>"


def _link(url: str) -> str:
    if re.fullmatch(r"https?://[^\s<>\\`|]+", url):
        return f"<{url}>"
    return escape_cell(url)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def sources_markdown() -> str:
    """A Markdown table of every source: id, author, title, date, address, licence, what taken."""
    lines = [_row(["Id", "Author", "Title", "Date", "Address", "Licence", "Taken"]),
             _row(["---"] * 7)]
    for source in load_sources().values():
        lines.append(_row([code_span(source.id), escape_cell(source.author),
                           escape_cell(source.title), escape_cell(source.date),
                           _link(source.url), escape_cell(source.licence),
                           escape_cell(source.taken)]))
    return "\n".join(lines)


def tables_markdown() -> str:
    """A Markdown table of every table: name, rows, columns with units, sources, version hash."""
    lines = [_row(["Table", "Rows", "Columns (units)", "Sources", "Version"]), _row(["---"] * 5)]
    for name in sorted(TABLES):
        spec = TABLES[name]
        frame = load_table(name)
        columns = ", ".join(
            escape_cell(col.name) + (f" ({escape_cell(col.unit)})" if col.unit else "")
            for col in spec.columns
        )
        sources = ", ".join(code_span(sid) for sid in dict.fromkeys(frame["source_id"].astype(str)))
        lines.append(_row([f"`data/{name}.csv`: {escape_cell(spec.description)}",
                           str(len(frame)), columns, sources, f"`{table_hash(name)}`"]))
    return "\n".join(lines)


def catalogue_markdown() -> str:
    """The appendix body: the sources table, then the tables table."""
    return "\n\n".join([
        "## Sources {#sec-data-sources-sources}",
        "Every figure in the book names one of these sources by its id.",
        sources_markdown(),
        "## Tables {#sec-data-sources-tables}",
        "Each table is a CSV file in `data/`, checked against its schema whenever it is read. "
        "The version is the first eight characters of the SHA-256 of the file; charts print it.",
        tables_markdown(),
    ]) + "\n"
