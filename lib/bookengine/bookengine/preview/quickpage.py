"""The preview's fast path: one edited page, converted and laid out alone, as the next full
build will write it.

`make preview` calls `render_page` when exactly one page's source changed. The page is made by
the build's own stages (parse, the stored results, book-wide numbering, the site key and version,
conversion, citation extras, layout), so its files are those a full build writes for it; only the
other pages are left out: they are neither converted nor laid out (the navigation needs just
their numbers and titles). Nothing is written to `site/` or `.book/builds/`: the files come back
in memory for the preview to serve until the full build that follows has published.

`render_page` raises `NotQuick` whenever the shortcut could give a different page: a page that
must execute, a listing page (it lists the others' bodies), the book's references page (it lists
what every page cites), a page whose cross-references do not all resolve, or one that warns.

What a preview process did last is kept to save time, never to change a result: the parsed pages
(by the hash of each page and of the files it includes), the page's drawings (by their specs),
the compiled template, and the book's last numbering. With that numbering the edited page is
converted while pandoc reads the page's headings and labels for the new numbering; when the new
numbering is the same (a prose edit), that conversion is the page's, else it is converted again.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from bookengine.core.report import BuildReport
from bookengine.core.state import BookState
from bookengine.render import listing
from bookengine.render.chart_render import StaticRenderer
from bookengine.render.charts import drawings, live_views, vega_bundle
from bookengine.render.conversions import (
    Conversions,
    Prepared,
    link_to_references,
    references_page,
)
from bookengine.render.convert import ConvertedPage, page_markdown
from bookengine.render.figures import Figure
from bookengine.render.numbering import output_href
from bookengine.run.cache import file_hash
from bookengine.run.pages import execute_pages
from bookengine.site.layout import Layout
from bookengine.site.sitekey import site_key
from bookengine.site.write import write_page
from bookengine.source.config import BookConfig
from bookengine.source.config_load import load_config
from bookengine.source.document import Document, SourceError
from bookengine.source.pageoptions import page_options
from bookengine.source.qmd import heading_as_title, parse
from bookengine.versions import history, records
from bookengine.versions.bookversion import BookVersion

_DOCS: dict[tuple[str, str], tuple[str, Document]] = {}
_DRAWINGS: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
_NUMBERING: dict[str, tuple[Any, Any]] = {}
_TEMPLATES: dict[str, jinja2.Environment] = {}


class NotQuick(Exception):
    """The page cannot be made alone; a full build makes it."""


@dataclass
class QuickPage:
    """One page's files as the next full build will write them."""

    href: str
    files: dict[str, bytes] = field(default_factory=dict)
    """Site path → contents: the page's HTML, its figures' SVG and CSV, its citation files."""


def render_page(root: Path | str, rel: str, renderer: StaticRenderer | None = None) -> QuickPage:
    """Convert and lay out the page `rel` of the book at `root` alone (see the module)."""
    config = load_config(root)
    if rel not in config.pages:
        raise NotQuick(f"{rel} is not a page of the book")
    try:
        docs = _parsed_pages(config)
    except Exception as exc:  # noqa: BLE001 - the full build reports it
        raise NotQuick(str(exc)) from exc
    doc = next(d for d in docs if d.rel == rel)
    if doc.warnings:
        raise NotQuick(f"{rel} warns")

    def stale() -> None:
        raise NotQuick("a page must execute")

    results = execute_pages(config, docs, BuildReport(), 1, lambda line: None, on_stale=stale)
    conversions = Conversions(config, docs)
    warned: list[str] = []
    if listing.read_listings(doc.front):
        raise NotQuick(f"{rel} is a listing page")
    try:
        early = _convert_early(config, conversions, doc, results[rel])
        numbers, targets = conversions.number(results, warned.append)
        prepared = conversions.prepared(results)
        refs = references_page(docs, prepared) if config.bibliography else None
        if refs == rel:
            raise NotQuick(f"{rel} is the book's references page")
        previous = _NUMBERING.get(str(config.root))
        _NUMBERING[str(config.root)] = (numbers, targets)
        done = early[1].result() if early is not None and previous is not None and \
            early[0] == prepared[rel].markdown and previous == (numbers, targets) else None
        if done is None:
            done = conversions._convert(doc, prepared[rel], numbers[rel], targets)
    finally:
        conversions.close()
    if isinstance(done, str):
        raise NotQuick(done)
    page, unresolved, missing = done
    if warned or unresolved or missing or prepared[rel].notes:
        raise NotQuick(f"{rel} warns")
    if refs is not None:
        page.body = link_to_references(page.body, numbers[rel].href, numbers[refs].href)
    key, _ = site_key(config, docs)
    version = BookVersion.of(config, key)
    page.body = records.fill_token(history.fill_placeholder(page.body, config), version.id)
    pages = [page if d.rel == rel else
             ConvertedPage(d.rel, numbers[d.rel].href, numbers[d.rel].title,
                           numbers[d.rel].number, numbers[d.rel].appendix, d.front,
                           nav_title=numbers[d.rel].nav_title)
             for d in docs]
    layout = Layout(config, pages)
    layout.env = _TEMPLATES.setdefault(str(config.root), layout.env)  # compiled once
    own = renderer or StaticRenderer(BookState(config.root).render, workers=1)
    try:
        if page.figures:
            vega_bundle(own, BookState(config.root).assets, wait=True)
        rendered, downloads = _page_drawings(own, page.figures)
        live_views(own, [page])
    finally:
        if renderer is None:
            own.close()
    with tempfile.TemporaryDirectory(prefix="bookengine-quick-") as tmp:
        out = Path(tmp)
        write_page(out, page, layout, rendered, config, version, warned.append, downloads)
        if warned:
            raise NotQuick(f"{rel} warns")
        files = {p.relative_to(out).as_posix(): p.read_bytes()
                 for p in sorted(out.rglob("*")) if p.is_file()}
    return QuickPage(page.href, files)


def _parsed_pages(config: BookConfig) -> list[Document]:
    """`qmd.parse_pages`, reusing the pages parsed last time whose source and included files
    hold what they held then (a book's: a website's pages are changed after parsing)."""
    docs: list[Document] = []
    setting = json.dumps(config.execute, sort_keys=True, default=str)
    for rel in config.pages:
        digest = file_hash(config.root / rel)
        kept = _DOCS.get((str(config.root), rel))
        if kept is None or kept[0] != _parse_key(digest, setting, kept[1]):
            try:
                doc = parse(config.root / rel, rel, config.root, execute=config.execute)
            except SourceError as exc:
                raise NotQuick(str(exc)) from exc
            if not config.is_book:
                heading_as_title(doc)
            else:
                _DOCS[(str(config.root), rel)] = (_parse_key(digest, setting, doc), doc)
        else:
            doc = kept[1]
        doc.options = page_options(config, doc.front)
        doc.source_hash = digest
        docs.append(doc)
    return docs


def _parse_key(digest: str, setting: str, doc: Document) -> str:
    included = [f"{p}:{file_hash(p) if p.is_file() else '-'}" for p in doc.included]
    return hashlib.sha256(json.dumps([digest, setting, included]).encode()).hexdigest()


def _convert_early(config: BookConfig, conversions: Conversions, doc: Document,
                   result: Any) -> tuple[str, Any] | None:
    """Start converting the page with the book's last numbering (see the module); its Markdown
    and the conversion's future, or None before any numbering."""
    previous = _NUMBERING.get(str(config.root))
    if previous is None or doc.rel not in previous[0]:
        return None
    notes: list[str] = []
    files: dict[str, bytes] = {}
    markdown, figures = page_markdown(doc, result, output_href(doc.rel), config, notes, files)
    if notes:
        return None
    prep = Prepared(markdown, figures, files, None)  # type: ignore[arg-type]
    numbers, targets = previous
    return markdown, conversions.pool.submit(conversions._convert, doc, prep, numbers[doc.rel],
                                             targets)


def _page_drawings(renderer: StaticRenderer, figures: list[Figure]
                   ) -> tuple[dict[str, str], dict[str, str]]:
    """`charts.drawings`, kept by the figures' labels and specs."""
    key = hashlib.sha256(json.dumps([[f.label, f.spec] for f in figures], sort_keys=True,
                                    default=str).encode()).hexdigest()
    if key not in _DRAWINGS:
        _DRAWINGS.clear()  # one page's at a time
        _DRAWINGS[key] = drawings(renderer, figures)
    return _DRAWINGS[key]
