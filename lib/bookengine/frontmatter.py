"""What a page's front matter sets: its title block (title, subtitle, author, date, abstract),
its default cell options, and its own bibliography, each over the project's."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from bookengine import quarto_schema
from bookengine.config import BookConfig
from bookengine.numbering import PageNumbers
from bookengine.qmd import Document, SourceError


def page_config(config: BookConfig, doc: Document) -> BookConfig:
    """The configuration pandoc sees for one page: its own `bibliography` and `csl` from front
    matter take the place of the project's (paths relative to the page)."""
    bib = doc.front.get("bibliography")
    csl = doc.front.get("csl")
    if not bib and not csl:
        return config
    folder = Path(doc.rel).parent
    changes: dict[str, Any] = {}
    if bib:
        items = [bib] if isinstance(bib, str) else list(bib)
        missing = [b for b in items if not (config.root / folder / b).is_file()]
        if missing:
            raise SourceError(doc.rel, 1, f"bibliography {missing[0]} does not exist")
        changes["bibliography"] = tuple((folder / b).as_posix() for b in items)
    if csl:
        changes["csl"] = (folder / str(csl)).as_posix()
    return dataclasses.replace(config, **changes)


def title_block(doc: Document, numbers: PageNumbers) -> str:
    """Quarto's title block from front matter (title, subtitle, author, date, abstract) for a
    page whose text has no `#` heading of its own."""
    if "title" not in doc.front or any(h.level == 1 and not h.within for h in doc.headings):
        return ""
    title = str(doc.front["title"]).replace("\n", " ")
    number = f"[{numbers.number}]{{.chapter-number}} " if numbers.number else ""
    slug = re.sub(r"[^\w]+", "-", title.lower()).strip("-") or "title"
    lines = [f"# {number}{title} {{#{slug}}}", ""]
    for key in ("subtitle", "date"):
        if doc.front.get(key):
            lines += [f"::: {{.{key}}}", str(doc.front[key]), ":::", ""]
    authors = doc.front.get("author")
    if authors:
        items = authors if isinstance(authors, list) else [authors]
        names = [str(a.get("name", "")) if isinstance(a, dict) else str(a) for a in items]
        lines += ["::: {.author}", ", ".join(n for n in names if n), ":::", ""]
    if doc.front.get("abstract"):
        lines += ["::: {.abstract}", str(doc.front["abstract"]), ":::", ""]
    return "\n".join(lines)


def document_options(config: BookConfig, front: dict[str, Any]) -> dict[str, Any]:
    """A page's default cell options: the project's `execute:` and `format: html:`, then the
    page's own front matter (top-level options, `execute:`, `format: html:`)."""
    opts: dict[str, Any] = {"echo": config.echo}
    opts.update(config.execute)
    opts.update(config.html)
    known = quarto_schema.cell_options() - {"label", "title", "id", "file", "code", "classes"}
    opts.update({k: v for k, v in front.items() if k in known})
    if isinstance(front.get("execute"), dict):
        opts.update(front["execute"])
    fmt = front.get("format")
    if isinstance(fmt, dict) and isinstance(fmt.get("html"), dict):
        opts.update(fmt["html"])
    return opts
