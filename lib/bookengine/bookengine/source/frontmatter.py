"""What a page's front matter sets: its title block (title, subtitle, author, date, abstract),
its default cell options, and its own bibliography, each over the project's."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from bookengine.source import quarto_schema
from bookengine.source.config import BookConfig, iso_date
from bookengine.source.document import Document, SourceError, split_title
from bookengine.source.pageoptions import NOT_OPTIONS, html_format


def page_config(config: BookConfig, doc: Document) -> BookConfig:
    """The configuration pandoc sees for one page: its own `bibliography`, `csl` and
    `cite-method` from front matter take the place of the project's (paths relative to the
    page)."""
    bib = doc.front.get("bibliography")
    csl = doc.front.get("csl")
    method = doc.front.get("cite-method")
    if not bib and not csl and not method:
        return config
    folder = Path(doc.rel).parent
    changes: dict[str, Any] = {}
    if method:  # natbib or biblatex: citations are left to LaTeX, not resolved for HTML
        changes["metadata"] = {**config.metadata, "cite-method": method}
    if bib:
        items = [bib] if isinstance(bib, str) else list(bib)
        missing = [b for b in items if not (config.root / folder / b).is_file()]
        if missing:
            raise SourceError(doc.rel, 1, f"bibliography {missing[0]} does not exist")
        changes["bibliography"] = tuple((folder / b).as_posix() for b in items)
    if csl:
        changes["csl"] = (folder / str(csl)).as_posix()
    return dataclasses.replace(config, **changes)


FRONT_TITLE_CLASS = "book-front-title"
TITLE_ID = "title-block-header"
TITLE_BLOCK_CLASSES = ("subtitle", "date", "author", "abstract")
"""The classes of the title block's divs under its heading."""


def title_block(doc: Document, config: BookConfig) -> str:
    """Quarto's title block: the front matter's title (the book's on the home page), subtitle,
    author, date and abstract. Its heading carries FRONT_TITLE_CLASS: it is numbered as the
    chapter's title, never as a section (see `quarto_xref.lua`)."""
    home = config.is_book and bool(config.chapters) and doc.rel == config.chapters[0]
    front = doc.front
    if home:
        front = {"title": config.title, "subtitle": config.subtitle,
                 **{k: v for k, v in doc.front.items() if k in ("subtitle", "date", "author",
                                                                 "abstract")}}
    if not front.get("title"):
        return ""
    text, ident, _ = split_title(str(front["title"]).replace("\n", " "))
    # Quarto's title has no id of its own: an automatic one would take the id of a heading
    # with the same text in the body.
    attrs = " ".join(filter(None, [f"#{ident or TITLE_ID}", f".{FRONT_TITLE_CLASS}",
                                   ".unnumbered", ".unlisted"]))
    lines = [f"# {text} {{{attrs}}}", ""]
    for key in ("subtitle", "date"):
        if front.get(key):
            value = iso_date(front[key]) if key == "date" else str(front[key])
            lines += [f"::: {{.{key}}}", value, ":::", ""]
    authors = front.get("author")
    if authors:
        items = authors if isinstance(authors, list) else [authors]
        names = [str(a.get("name", "")) if isinstance(a, dict) else str(a) for a in items]
        lines += ["::: {.author}", ", ".join(n for n in names if n), ":::", ""]
    if front.get("abstract"):
        lines += ["::: {.abstract}", str(front["abstract"]), ":::", ""]
    return "\n".join(lines)


def document_options(config: BookConfig, front: dict[str, Any]) -> dict[str, Any]:
    """A page's default cell options: per layer (the project, then the page with its folders'
    metadata), its top-level cell options, its `execute:` and its `format: html:`."""
    opts: dict[str, Any] = {"echo": config.echo}
    known = quarto_schema.cell_options() - {"label", "title", "id", "file", "code", "classes"}
    project = {k: v for k, v in config.metadata.items() if k not in NOT_OPTIONS}
    for top, execute, html in ((project, config.execute, config.html),
                               (front, front.get("execute"), html_format(front))):
        opts.update({k: v for k, v in top.items() if k in known})
        opts.update(execute if isinstance(execute, dict) else {})
        opts.update(html)
    return opts
