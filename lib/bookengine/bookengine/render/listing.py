"""Quarto's listing pages: `listing:` in a page's front matter lists other pages, or items
written in YAML, as a list (`default`), a grid of cards (`grid`) or a table (`table`), in the
page's `#<id>` div or at its end.

Items are read as Quarto reads them: a document's title, subtitle, date, author, categories,
image and description (`description:` or `abstract:`, else the first paragraph of the page as
built, cut at `max-description-length` characters); `contents:` globs (a folder means every
page below it, the default every page below the listing's own folder), `include:` and
`exclude:` filters, `sort:` (default: `order`, then title), `fields:` (the type's defaults
that the items have), `date-format:` (default Quarto's medium date) and `categories:` (a list
of every category with its count). Sorting, filtering, categories and pages of `page-size`
items work in the browser (`listing.js`); without JavaScript every item is shown.

This module reads the items; `listing_options` holds what a listing asks for and how its items
are ordered, `listing_html` writes them.
"""

from __future__ import annotations

import datetime
import fnmatch
import html
import math
import posixpath
import re
from pathlib import Path
from typing import Any

import yaml

from bookengine.render import crossref
from bookengine.render.listing_html import place
from bookengine.render.listing_options import (
    Listing,
    order_items,
    read_listings,
)
from bookengine.source.config import BookConfig, iso_date
from bookengine.source.frontmatter import TITLE_BLOCK_CLASSES

MAX_DESCRIPTION = 175
WORDS_PER_MINUTE = 200
_PARA_RE = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S)
_IMG_RE = re.compile(r"<img\b[^>]*>", re.S)
_LINK_TAG_RE = re.compile(r"</?a\b[^>]*>", re.S)
_TAG_RE = re.compile(r"(<[^>]+>)")
_HEADER_RE = re.compile(r"<header\b.*?</header>|<div class=\"(?:" + "|".join(TITLE_BLOCK_CLASSES)
                        + r")\">.*?</div>", re.S)
_SRC_RE = re.compile(r'\ssrc="([^"]*)"')
_ALT_RE = re.compile(r'\salt="([^"]*)"')


def fill(config: BookConfig, pages: list[Any], warn: Any = lambda message: None,
         note: Any = lambda message: None) -> list[str]:
    """Put each listing page's listings into its body; the hrefs of the pages that have one.
    What Quarto warns of (contents that match nothing) goes to `warn`; what this engine does
    not do (a listing's `feed:`, a custom `template:`) to `note`."""
    words = crossref.language(config.extra.get("lang"), crossref.project_language(
        config.root, config.metadata.get("language")))
    by_rel = {p.rel: p for p in pages}
    bodies = {p.rel: p.body for p in pages}  # as built, before any listing is added
    filled = []
    for page in pages:
        listings = read_listings(page.front)
        if not listings:
            continue
        for listing in listings:
            listing.items = _items(config, page, listing, by_rel, bodies, warn)
            order_items(listing)
            for key in ("feed", "template"):
                if listing.options.get(key):
                    note(f"{page.rel}: the listing '{listing.id}' asks for `{key}:`, which this "
                         "engine does not write; the listing is shown as its type")
        page.body = place(page.body, listings, page, words)
        filled.append(page.href)
    return filled


def _items(config: BookConfig, page: Any, listing: Listing, by_rel: dict[str, Any],
           bodies: dict[str, str], note: Any) -> list[dict[str, Any]]:
    here = posixpath.dirname(page.rel)
    items: list[dict[str, Any]] = []
    globs = [c for c in listing.contents if isinstance(c, str)]
    for rel in _matches(config.root, here, globs, [r for r in by_rel if r != page.rel]):
        if rel.endswith((".yml", ".yaml")):
            for meta in _yaml_items(config.root / rel):
                items.append(_meta_item(config, meta, posixpath.dirname(rel), by_rel, bodies,
                                        listing))
            continue
        other = by_rel.get(rel)
        if other is None or other.front.get("draft") is True:
            continue
        items.append(_document_item(config, other, bodies[rel], listing))
    if globs and not items:
        note(f"{page.rel}: the listing '{listing.id}' using the contents "
             f"{', '.join(globs)} doesn't match any files or folders")
    for meta in (c for c in listing.contents if isinstance(c, dict)):
        items.append(_meta_item(config, meta, here, by_rel, bodies, listing))
    return [i for i in items if i is not None and _included(i, listing.options)]


def _matches(root: Path, here: str, globs: list[str], rels: list[str]) -> list[str]:
    """The project's pages (and YAML files) that `contents:` globs name, in order, each once;
    relative globs match anywhere below the listing's folder, `/…` from the project's root."""
    found: list[str] = []
    for glob in globs:
        base = "" if glob.startswith("/") else here
        pattern = glob.lstrip("/")
        if pattern in ("*", "."):
            pattern = "**/*"
        elif (root / base / pattern).is_dir():
            pattern = pattern.rstrip("/") + "/**/*"
        full = posixpath.join(base, pattern) if base else pattern
        candidates = list(rels)
        if not any(c in pattern for c in "*?[") or pattern.endswith((".yml", ".yaml")):
            candidates += [str(p.relative_to(root)) for p in (root / base).glob(pattern)
                           if p.is_file() and p.suffix in (".yml", ".yaml")
                           and not p.name.startswith(("_", "."))]
        for rel in sorted(set(candidates)):
            inner = rel[len(base) + 1:] if base and rel.startswith(base + "/") else rel
            if base and not rel.startswith(base + "/"):
                continue
            if _glob_match(inner, pattern) or _glob_match(rel, full):
                found.append(rel)
    return list(dict.fromkeys(found))


def _glob_match(path: str, pattern: str) -> bool:
    """Quarto's smart globs: `**/` spans folders, and a relative glob may match below."""
    regex = fnmatch.translate(pattern).replace(".*.*/", "(?:.*/)?")
    return re.match(regex, path) is not None or re.match(
        fnmatch.translate("**/" + pattern).replace(".*.*/", "(?:.*/)?"), path) is not None


def _yaml_items(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(data, dict):
        return [data]
    return [d for d in data or [] if isinstance(d, dict)]


def _document_item(config: BookConfig, page: Any, body: str, listing: Listing) -> dict[str, Any]:
    front = page.front
    words = _WORD_RE.findall(_source_text(config, page.rel))
    description = front.get("description") or front.get("abstract")
    max_len = listing.options.get("max-description-length") or MAX_DESCRIPTION
    item: dict[str, Any] = {k: v for k, v in front.items() if isinstance(k, str)}
    item.update({
        "source": "document",
        "path": page.href,
        "title": page.title or page.nav_title,
        "date": _date(front.get("date")),
        "author": _authors(front.get("author")),
        "categories": _listed(front.get("categories")),
        "description": (f"<p>{html.escape(str(description))}</p>" if description else
                        _first_paragraph(body, int(max_len))),
        "description-placeholder": not description,
        "image": _image(front.get("image"), page.rel) or _first_image(body, page.href),
        "filename": posixpath.basename(page.rel),
        "reading-time": math.ceil(len(words) / WORDS_PER_MINUTE) if words else None,
        "word-count": len(words) or None,
    })
    return item


_WORD_RE = re.compile(r"\S+")


def _source_text(config: BookConfig, rel: str) -> str:
    try:
        return (config.root / rel).read_text(encoding="utf-8")
    except OSError:
        return ""


def _meta_item(config: BookConfig, meta: dict[str, Any], base: str, by_rel: dict[str, Any],
               bodies: dict[str, str], listing: Listing) -> dict[str, Any] | None:
    """An item written in YAML; one whose `path` is a page of the project is that page's
    item with the YAML's fields over it (a draft is left out)."""
    path = str(meta.get("path") or "")
    item: dict[str, Any] = {"source": "metadata", "path": path}
    if path and "://" not in path and not path.startswith(("#", "mailto:")):
        rel = posixpath.normpath(path.lstrip("/") if path.startswith("/") else
                                 posixpath.join(base, path))
        page = by_rel.get(rel)
        if page is not None:
            if page.front.get("draft") is True:
                return None
            item = _document_item(config, page, bodies[rel], listing)
        item["path"] = page.href if page is not None else rel
    item.update({str(k): v for k, v in meta.items() if k != "path"})
    for key, read in (("date", _date), ("author", _authors), ("categories", _listed)):
        if key in meta:
            item[key] = read(meta[key])
    if meta.get("description") is not None:
        item["description"] = f"<p>{html.escape(str(meta['description']))}</p>"
    if isinstance(meta.get("image"), str):
        item["image"] = _image(meta["image"], posixpath.join(base, "x"))
    return item


def _included(item: dict[str, Any], options: dict[str, Any]) -> bool:
    def matches(name: str, wanted: Any) -> bool:
        values = item.get(name)
        values = values if isinstance(values, list) else [values]
        wants = wanted if isinstance(wanted, list) else [wanted]
        return any(fnmatch.fnmatchcase(str(v), str(w)) if isinstance(v, str) else v == w
                   for v in values for w in wants)

    include = options.get("include")
    if isinstance(include, dict) and not all(matches(k, v) for k, v in include.items()):
        return False
    exclude = options.get("exclude")
    return not (isinstance(exclude, dict) and any(matches(k, v) for k, v in exclude.items()))


def _listed(value: Any) -> list[str]:
    if value is None or value is False:
        return []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def _authors(value: Any) -> list[str]:
    names = []
    for author in value if isinstance(value, list) else ([value] if value else []):
        name = author.get("name", author) if isinstance(author, dict) else author
        if isinstance(name, dict):
            name = name.get("literal") or " ".join(
                str(name[k]) for k in ("given", "family") if name.get(k))
        if name and str(name) not in names:
            names.append(str(name))
    return names


def _date(value: Any) -> datetime.date | str | None:
    if value in (None, ""):
        return None
    text = iso_date(value)
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        return text


def _image(value: Any, rel: str) -> str | None:
    """A front-matter `image:` as a site path (or an address elsewhere)."""
    if not isinstance(value, str) or not value:
        return None
    if "://" in value or value.startswith("data:"):
        return value
    if value.startswith("/"):
        return value.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(rel), value))


def _first_image(body: str, href: str) -> str | None:
    """The page's preview image: its first image with class `preview-image`, else its first."""
    images = _IMG_RE.findall(_HEADER_RE.sub("", body))
    chosen = next((i for i in images if "preview-image" in i), images[0] if images else None)
    if chosen is None:
        return None
    src = _SRC_RE.search(chosen)
    if src is None or src.group(1).startswith("data:"):
        return None
    return _image(html.unescape(src.group(1)), href)


def _first_paragraph(body: str, max_len: int) -> str:
    """The first paragraph of a page as built that is not empty once its links and images are
    taken out, cut at `max_len` characters of text on a space, as Quarto's listing does."""
    for match in _PARA_RE.finditer(_HEADER_RE.sub("", body)):
        inner = _LINK_TAG_RE.sub("", _IMG_RE.sub("", match.group(1)))
        inner = _truncate_html(inner, max_len).strip()
        if inner:
            return inner
    return ""


def _truncate_html(fragment: str, max_len: int) -> str:
    out, length = [], 0
    for part in _TAG_RE.split(fragment):
        if part.startswith("<"):
            out.append(part)
            continue
        text = html.unescape(part)
        if length > max_len:
            text = ""
        elif length + len(text) > max_len:
            text = truncate_text(text, max_len - length)
        length += len(html.unescape(part))
        out.append(html.escape(text, quote=False))
    return "".join(out)


def truncate_text(text: str, length: int) -> str:
    """Quarto's `truncateText(text, length, "space")`: cut at `length`, then back to the last
    space, drop a trailing `,`, `/` or `:` and add an ellipsis."""
    if len(text) < length:
        return text
    cut = text[:length][:-1]
    space = cut.rfind(" ")
    if space > 0:
        cut = cut[:space]
    if cut[-1:] in (",", "/", ":"):
        cut = cut[:-1]
    return cut + "…"


# Writing the HTML -------------------------------------------------------------------------


# Dates ------------------------------------------------------------------------------------
