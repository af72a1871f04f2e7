"""The "Data and sources" appendix as Markdown: every source and every table."""

from __future__ import annotations

import html


def catalogue_markdown() -> str:
    """Placeholder until the tables exist."""
    return ""


def escape_cell(text: object) -> str:
    """Text safe inside a Markdown table cell: HTML escaped, pipes and newlines neutralised."""
    value = html.escape(str(text), quote=False)
    return value.replace("|", "\\|").replace("\r", " ").replace("\n", " ")
