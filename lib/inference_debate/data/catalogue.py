"""The "Data and sources" appendix as Markdown: every source and every table, with versions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

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


def markdown_table(header: Sequence[str], widths: Sequence[int],
                   rows: Iterable[Sequence[str]]) -> str:
    """A pipe table whose columns take `widths` shares of the page: pandoc reads the shares from
    the lengths of the separator's dashes once a row is longer than a line, which every table
    of prose here is."""
    def row(cells: Sequence[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    return "\n".join([row(header), row(["-" * w for w in widths]), *map(row, rows)])


def _titled_link(title: str, url: str) -> str:
    """The title as a link to the source's address (the address itself when it is not a web
    address this table can link)."""
    if re.fullmatch(r"https?://[^\s<>\\`|()]+", url):
        return f"[{escape_cell(title)}]({url})"
    return f"{escape_cell(title)} ({escape_cell(url)})"


def sources_markdown() -> str:
    """A Markdown table of every source: id, the source (its title linked to its address, its
    author and date), licence and what was taken; four columns, so it fits the page."""
    return markdown_table(
        ["Id", "Source", "Licence", "Taken"], [14, 40, 20, 26],
        ([code_span(source.id),
          f"{_titled_link(source.title, source.url)}. "
          f"{escape_cell(source.author)}, {escape_cell(source.date)}",
          escape_cell(source.licence), escape_cell(source.taken)]
         for source in load_sources().values()))


def tables_markdown() -> str:
    """A Markdown table of every table: name, rows, columns with units, sources, version hash."""
    rows = []
    for name in sorted(TABLES):
        spec = TABLES[name]
        frame = load_table(name)
        columns = ", ".join(
            escape_cell(col.name) + (f" ({escape_cell(col.unit)})" if col.unit else "")
            for col in spec.columns
        )
        sources = ", ".join(code_span(sid) for sid in dict.fromkeys(frame["source_id"].astype(str)))
        rows.append([f"`data/{name}.csv`: {escape_cell(spec.description)}",
                     str(len(frame)), columns, sources, f"`{table_hash(name)}`"])
    return markdown_table(["Table", "Rows", "Columns (units)", "Sources", "Version"],
                          [28, 6, 38, 16, 12], rows)


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
