"""A page's Markdown through pandoc (one long-lived `pandoc lua` server, `pandocserver`): what
pandoc reads in it, for numbering the book (`page_index`), and, once the book is numbered, the
conversion to HTML with numbers, references and citations (`run_pandoc`), each cached by its
input, the filters and this code; then the headings' anchors."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bookengine.core import cacheentry
from bookengine.render import pandocserver
from bookengine.render.convert import CITE_RE, CODE_SPAN_RE, FENCED_RE
from bookengine.render.numbering import PageIndex
from bookengine.render.resources import rewrite_source_links
from bookengine.source.config import BookConfig
from bookengine.source.document import (
    SourceError,
)

BLOCKS_FILTER = Path(__file__).with_name("quarto_blocks.lua")

VISIBLE_FILTER = Path(__file__).with_name("quarto_visible.lua")

XREF_FILTER = Path(__file__).with_name("quarto_xref.lua")

FILTERS = (VISIBLE_FILTER, XREF_FILTER, BLOCKS_FILTER)

FILTER_HELPERS = Path(__file__).with_name("quarto_meta.lua")
"""Shared by the filters (they load it from their own folder)."""

PANDOC_FORMAT = ("markdown+fenced_divs+bracketed_spans+raw_html+footnotes+inline_notes"
                 "+pipe_tables+definition_lists+tex_math_dollars+smart+auto_identifiers")

def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def _cached(cache_dir: Path | None, suffix: str, parts: list[bytes],
            make: Callable[[], str],
            notes: list[str] | None = None) -> tuple[str, str]:
    """`make()`, or what it returned last time for the same parts (kept in `cache_dir`, and
    verified against its recorded hash: a damaged entry is made again, with a note), and the
    name of the cache entry ("" without a cache)."""
    if cache_dir is None:
        return make(), ""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    digest.update(pandoc_path().encode())
    digest.update(Path(__file__).read_bytes())  # a change to this conversion code
    for path in (*FILTERS, FILTER_HELPERS, pandocserver.SCRIPT):
        digest.update(path.read_bytes())
    key_path = cache_dir / f"{digest.hexdigest()[:32]}{suffix}"
    stored = cacheentry.read(key_path, None if notes is None else notes.append)
    if stored is not None:
        return stored, key_path.name
    text = make()
    cacheentry.write(key_path, text)
    return text, key_path.name


def page_index(markdown: str, rel: str, cache_dir: Path | None = None,
               notes: list[str] | None = None) -> tuple[PageIndex, str]:
    """What pandoc reads in a page's Markdown: its headings and labelled things, in order (and
    the cache entry that holds it)."""
    def make() -> str:
        request = {"markdown": markdown.expandtabs(4), "from": PANDOC_FORMAT,
                   "metadata": {"book-mode": "index"},
                   "filters": [str(VISIBLE_FILTER), str(XREF_FILTER)], "index": True}
        try:
            reply = pandocserver.pool(pandoc_path()).request(request)
        except pandocserver.PandocFailed as exc:
            raise SourceError(rel, 1, f"pandoc failed: {exc}") from exc
        return str(reply.get("index") or "{}")

    text, name = _cached(cache_dir, ".index.json", [b"index", markdown.encode("utf-8")], make,
                         notes)
    return PageIndex.from_json(json.loads(text)), name


@dataclass
class Converted:
    """pandoc's HTML for a page, and the cross-references it could not resolve."""

    html: str
    unresolved: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    """The cache entries it came from."""
    missing: list[str] = field(default_factory=list)
    """Citations not in the bibliography (pandoc shows each as `(key?)`)."""


def run_pandoc(markdown: str, config: BookConfig, rel: str, cache_dir: Path | None = None,
               numbering: dict[str, Any] | None = None,
               notes: list[str] | None = None) -> Converted:
    """Convert Markdown to an HTML fragment with numbers, references and citations resolved.

    `numbering` is the metadata the cross-reference filter applies (`book-page`, `book-xref`).
    With `cache_dir`, a conversion whose inputs are all unchanged is reused.
    """
    meta = json.dumps(numbering or {}, sort_keys=True, ensure_ascii=False).encode("utf-8")
    extras = [(config.root / e).read_bytes()
              for e in [*config.bibliography, *([config.csl] if config.csl else [])]]

    def make() -> str:
        converted = _pandoc(markdown, config, rel, numbering or {})
        return json.dumps({"html": converted.html, "unresolved": converted.unresolved,
                           "missing": converted.missing})

    text, name = _cached(cache_dir, ".html.json", [markdown.encode("utf-8"), meta, *extras],
                         make, notes)
    raw = json.loads(text)
    return Converted(raw["html"], list(raw.get("unresolved") or []), [name] if name else [],
                     list(raw.get("missing") or []))


def _pandoc(markdown: str, config: BookConfig, rel: str,
            numbering: dict[str, Any]) -> Converted:
    """The command line's `pandoc --from PANDOC_FORMAT --to html5 --wrap=none --mathml
    --metadata link-citations=true --lua-filter=quarto_visible.lua --lua-filter=quarto_xref.lua
    --lua-filter=quarto_blocks.lua [--citeproc ...]`, run in this process's pandoc server
    (`bookengine.render.pandocserver`)."""
    has_refs_div = re.search(r"^:::+\s*\{#refs\b", markdown, re.M)
    cites = bool(config.bibliography) and bool(
        CITE_RE.search(CODE_SPAN_RE.sub("", FENCED_RE.sub("", markdown))))
    request: dict[str, Any] = {
        # Tabs as the command line reads them (tab stop 4, no --preserve-tabs): it expands them
        # before reading; the server gets the text as is.
        "markdown": markdown.expandtabs(4), "from": PANDOC_FORMAT,
        "metadata": {"link-citations": True, **numbering},
        "filters": [str(f) for f in FILTERS],
        # citeproc costs a page 0.05 s: only pages that cite, or place the bibliography, run it
        "citeproc": bool(config.bibliography and (cites or has_refs_div))
        and str(config.metadata.get("cite-method") or "citeproc") == "citeproc",
        "bibliography": [str(config.root / b) for b in config.bibliography]}
    if config.csl:
        request["csl"] = str(config.root / config.csl)
    try:
        reply = pandocserver.pool(pandoc_path()).request(request)
    except pandocserver.PandocFailed as exc:
        raise SourceError(rel, 1, f"pandoc failed: {exc}") from exc
    warnings = reply.get("warnings") or []
    missing = re.findall(r"Citeproc: citation (\S+) not found", "\n".join(warnings))
    unresolved = str(reply.get("unresolved") or "").split()
    return Converted(rewrite_source_links(str(reply.get("html") or "") + "\n"), unresolved,
                     missing=list(dict.fromkeys(missing)))


HEADING_TAG_RE = re.compile(r'<h([1-6])((?:\s+[\w-]+="[^"]*")*)>(.*?)</h\1>', re.S)

ID_ATTR_RE = re.compile(r'\sid="([^"]+)"')

def add_heading_anchors(body: str) -> tuple[str, list[tuple[int, str, str]]]:
    """Give every section heading an anchor link; collect h1 (but the title), h2 and h3 for the
    page's contents."""
    toc: list[tuple[int, str, str]] = []

    def sub(m: re.Match) -> str:
        level, attrs, inner = int(m.group(1)), m.group(2), m.group(3)
        ident_match = ID_ATTR_RE.search(attrs)
        if not ident_match or 'class="unlisted"' in attrs:
            return m.group(0)
        ident = ident_match.group(1)
        # h1 in a page's body too (a document's sections; a chapter's title is not listed)
        if level in (2, 3) or (level == 1 and "book-page-title" not in attrs):
            toc.append((level, ident, inner))
        link = (f'<a class="anchor" href="#{ident}" aria-label="Link to this section">'
                '<span aria-hidden="true">#</span></a>')
        return f"<h{level}{attrs}>{inner} {link}</h{level}>"

    return HEADING_TAG_RE.sub(sub, body), toc
