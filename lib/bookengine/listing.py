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
"""

from __future__ import annotations

import base64
import datetime
import fnmatch
import html
import math
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bookengine import crossref
from bookengine.config import BookConfig, iso_date
from bookengine.frontmatter import TITLE_BLOCK_CLASSES

TYPES = ("default", "grid", "table")
DEFAULT_FIELDS = {
    "default": ["date", "title", "author", "subtitle", "image", "description"],
    "grid": ["title", "author", "date", "image", "description"],
    "table": ["date", "title", "author"],
}
SORT_UI_FIELDS = ["title", "date", "author", "filename", "file-modified"]
PAGE_SIZE = {"default": 25, "grid": 18, "table": 30}
FIELD_TYPES = {"date": "date", "file-modified": "date", "date-modified": "date",
               "reading-time": "minutes", "word-count": "number"}
FIELD_WORDS = {"date": "listing-page-field-date", "title": "listing-page-field-title",
               "description": "listing-page-field-description",
               "author": "listing-page-field-author", "filename": "listing-page-field-filename",
               "file-modified": "listing-page-field-filemodified",
               "subtitle": "listing-page-field-subtitle",
               "reading-time": "listing-page-field-readingtime",
               "word-count": "listing-page-field-wordcount",
               "categories": "listing-page-field-categories"}
MAX_DESCRIPTION = 175
WORDS_PER_MINUTE = 200
_PARA_RE = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S)
_IMG_RE = re.compile(r"<img\b[^>]*>", re.S)
_LINK_TAG_RE = re.compile(r"</?a\b[^>]*>", re.S)
_TAG_RE = re.compile(r"(<[^>]+>)")
_HEADER_RE = re.compile(r"<header\b.*?</header>|<div class=\"(?:" + "|".join(TITLE_BLOCK_CLASSES)
                        + r")\">.*?</div>", re.S)
_TITLE_END_RE = re.compile(r"<h1\b[^>]*\bid=\"title-block-header\".*?</h1>\s*(?:<div class=\"(?:"
                           + "|".join(TITLE_BLOCK_CLASSES) + r")\">.*?</div>\s*)*", re.S)
_SRC_RE = re.compile(r'\ssrc="([^"]*)"')
_ALT_RE = re.compile(r'\salt="([^"]*)"')


@dataclass
class Listing:
    """One `listing:` entry of a page, with Quarto's defaults for its type."""

    id: str
    type: str
    contents: list[Any]
    options: dict[str, Any]
    sort: list[tuple[str, str]] | None = None
    items: list[dict[str, Any]] = field(default_factory=list)


def read_listings(front: dict[str, Any]) -> list[Listing]:
    """The listings a page's front matter asks for (`listing: true`, a type, one mapping or a
    list of them)."""
    raw = front.get("listing")
    if isinstance(raw, str):
        return [Listing("listing", raw if raw in TYPES else "default", ["*"], {})]
    if isinstance(raw, list):
        entries = [e for e in raw if isinstance(e, dict)]
        return [_from_meta(e, f"listing-{i}") for i, e in enumerate(entries, 1)]
    if isinstance(raw, dict):
        return [_from_meta(raw, "listing")]
    if raw:
        return [Listing("listing", "default", ["*"], {})]
    return []


def _from_meta(meta: dict[str, Any], default_id: str) -> Listing:
    kind = str(meta.get("type") or "default")
    contents = meta.get("contents", ["*"])
    return Listing(id=str(meta.get("id") or default_id), type=kind if kind in TYPES else "default",
                   contents=contents if isinstance(contents, list) else [contents],
                   options=meta, sort=_sort(meta.get("sort")))


def _sort(raw: Any) -> list[tuple[str, str]] | None:
    """`sort:` as (field, direction) pairs; None for Quarto's default, [] for `sort: false`."""
    if raw is None or raw is True:
        return None
    if raw is False:
        return []
    out = []
    for value in raw if isinstance(raw, list) else [raw]:
        parts = str(value).split(" ")
        out.append((parts[0], "asc" if len(parts) < 2 or parts[1] == "asc" else "desc"))
    return out


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
            _order(listing)
            for key in ("feed", "template"):
                if listing.options.get(key):
                    note(f"{page.rel}: the listing '{listing.id}' asks for `{key}:`, which this "
                         "engine does not write; the listing is shown as its type")
        page.body = _place(page.body, listings, page, words)
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


def _order(listing: Listing) -> None:
    sort = listing.sort
    if sort is None:
        has_title = "title" in _fields(listing)
        has_docs = any(i.get("source") == "document" for i in listing.items)
        sort = [("order", "asc"), ("title", "asc")] if has_title and has_docs else []
    for name, direction in reversed(sort):
        def key(item: dict[str, Any], name: str = name, direction: str = direction) -> tuple:
            value = item.get(name)
            if value is None or value == [] or value == "":
                # lodash's orderBy puts missing values last either way; `order` defaults high
                return (1, "")
            if isinstance(value, list):
                value = ", ".join(map(str, value))
            if isinstance(value, datetime.date):
                value = value.toordinal()
            return (0, value if isinstance(value, int | float) else str(value))
        present = [i for i in listing.items if key(i)[0] == 0]
        missing = [i for i in listing.items if key(i)[0] == 1]
        present.sort(key=key, reverse=direction == "desc")
        listing.items[:] = present + missing


def _fields(listing: Listing) -> list[str]:
    wanted = listing.options.get("fields")
    present = {k for i in listing.items for k, v in i.items() if v not in (None, [], "")}
    present |= {"author"} if listing.items else set()  # every document item has an author list
    if isinstance(wanted, list):
        fields = [str(f) for f in wanted]
    else:
        fields = [f for f in DEFAULT_FIELDS[listing.type] if f == "image" or f in present]
    if listing.type in ("default", "grid") and listing.options.get("categories") and \
            "categories" not in fields:
        fields.append("categories")
    return fields


# Writing the HTML -------------------------------------------------------------------------


def _place(body: str, listings: list[Listing], page: Any, words: dict[str, str]) -> str:
    """Each listing in the page's empty `#<id>` div (Quarto's `listing-<id>`), else after the
    page's content."""
    categories = _categories_html(listings, words)
    if categories:  # after the title block
        head = _TITLE_END_RE.search(body)
        at = head.end() if head else 0
        body = body[:at] + categories + body[at:]
    for listing in listings:
        markup = render(listing, page.href, words)
        div = re.compile(r'<div id="' + re.escape(listing.id) + r'"[^>]*>\s*</div>', re.S)
        body, count = div.subn(lambda m, markup=markup: markup, body, count=1)
        if not count:
            body += "\n" + markup
    return body


def render(listing: Listing, href: str, words: dict[str, str]) -> str:
    """One listing's HTML, in Quarto's markup (its classes and data attributes)."""
    fields = _fields(listing)
    size = int(listing.options.get("page-size") or PAGE_SIZE[listing.type])
    sort_ui = listing.options.get("sort-ui", listing.type == "table")
    filter_ui = listing.options.get("filter-ui", listing.type == "table")
    attrs = (f'id="listing-{html.escape(listing.id)}" '
             f'class="quarto-listing quarto-listing-container-{listing.type}" '
             f'data-page-size="{size}"')
    parts = [f"<div {attrs}>"]
    if sort_ui or filter_ui:
        parts.append(_actions(listing, fields, words, bool(sort_ui), bool(filter_ui)))
    rows = [_item_html(listing, i, item, fields, href, words)
            for i, item in enumerate(listing.items)]
    if listing.type == "table":
        heads = "".join(f"<th>{_sort_head(f, words) if sort_ui else _name(f, words)}</th>"
                        for f in fields)
        parts.append(f'<table class="quarto-listing-table table"><thead><tr>{heads}</tr>'
                     f'</thead><tbody class="list">{"".join(rows)}</tbody></table>')
    elif listing.type == "grid":
        cols = int(listing.options.get("grid-columns") or 3)
        parts.append(f'<div class="list grid quarto-listing-cols-{cols}">{"".join(rows)}</div>')
    else:
        parts.append(f'<div class="list quarto-listing-default">{"".join(rows)}</div>')
    parts.append('<div class="listing-no-matching" hidden>'
                 f'{html.escape(words.get("listing-page-no-matches", "No matching items"))}'
                 "</div></div>")
    return "".join(parts)


def _name(name: str, words: dict[str, str]) -> str:
    return html.escape(words.get(FIELD_WORDS.get(name, ""), name) if name != "image" else " ")


def _sort_head(name: str, words: dict[str, str]) -> str:
    return f'<a class="sort" href="#" data-sort="listing-{html.escape(name)}">' \
           f"{_name(name, words)}</a>"


def _actions(listing: Listing, fields: list[str], words: dict[str, str], sort_ui: bool,
             filter_ui: bool) -> str:
    out = ['<div class="listing-actions-group">']
    if sort_ui:
        label = html.escape(words.get("listing-page-order-by", "Order By"))
        opts = [f'<option value="" disabled selected hidden>{label}</option>',
                '<option value="index" data-direction="asc">'
                f'{html.escape(words.get("listing-page-order-by-default", "Default"))}</option>']
        sortable = SORT_UI_FIELDS if listing.type != "table" else fields
        for name in (f for f in sortable if f in fields):
            kind = FIELD_TYPES.get(name)
            if kind == "date":
                for direction, key in (("asc", "date-asc"), ("desc", "date-desc")):
                    text = f"{_name(name, words)} - {words.get('listing-page-order-by-' + key)}"
                    opts.append(f'<option value="listing-{name}" data-direction="{direction}">'
                                f"{html.escape(text)}</option>")
            elif kind in ("number", "minutes"):
                for direction, key in (("asc", "number-asc"), ("desc", "number-desc")):
                    text = f"{_name(name, words)} ({words.get('listing-page-order-by-' + key)})"
                    opts.append(f'<option value="listing-{name}" data-direction="{direction}">'
                                f"{html.escape(text)}</option>")
            else:
                opts.append(f'<option value="listing-{name}" data-direction="asc">'
                            f"{_name(name, words)}</option>")
        out.append(f'<div class="quarto-listing-sort"><select aria-label="{label}">'
                   f'{"".join(opts)}</select></div>')
    if filter_ui:
        text = html.escape(words.get("listing-page-filter", "Filter"))
        out.append('<div class="quarto-listing-filter"><input type="search" class="search" '
                   f'placeholder="{text}" aria-label="{text}"></div>')
    out.append("</div>")
    return "".join(out)


def _value(item: dict[str, Any], name: str, listing: Listing, words: dict[str, str]) -> str:
    """A field's value as shown (HTML)."""
    value = item.get(name)
    if "." in name and value is None:
        value = item
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
    if value is None:
        return ""
    if name == "description":
        return str(value)
    if FIELD_TYPES.get(name) == "date" and isinstance(value, datetime.date):
        fmt = listing.options.get("date-format")
        return html.escape(format_date(value, str(fmt) if fmt else "medium"))
    if name == "reading-time":
        return html.escape(words.get("listing-page-minutes-compact", "{0} min")
                           .replace("{0}", str(value)))
    if name == "word-count":
        return html.escape(words.get("listing-page-words", "{0} words")
                           .replace("{0}", f"{value:,}"))
    if isinstance(value, list):
        return html.escape(", ".join(map(str, value)))
    return str(value) if name == "title" else html.escape(str(value))


def _sort_value(item: dict[str, Any], name: str) -> str:
    value = item.get(name)
    if isinstance(value, datetime.date):
        return str(value.toordinal())
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return "" if value is None else re.sub(r"<[^>]+>", "", str(value))


def _data_attrs(index: int, item: dict[str, Any], fields: list[str]) -> str:
    attrs = [f'data-index="{index}"']
    if item.get("categories"):
        attrs.append(f'data-categories="{_b64(",".join(item["categories"]))}"')
    for name in dict.fromkeys([*fields, "title", "date"]):
        if item.get(name) not in (None, [], ""):
            attrs.append(f'data-listing-{name}="{html.escape(_sort_value(item, name))}"')
    return " ".join(attrs)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _item_html(listing: Listing, index: int, item: dict[str, Any], fields: list[str], href: str,
               words: dict[str, str]) -> str:
    link = html.escape(_link(href, str(item.get("path") or "")), quote=True)
    attrs = _data_attrs(index, item, fields)
    title = _value(item, "title", listing, words)
    if listing.type == "table":
        cells = []
        for name in fields:
            shown = _image_html(item, href, listing) if name == "image" else \
                _value(item, name, listing, words)
            if name in ("title", "filename") and link:
                shown = f'<a class="{name} listing-{name}" href="{link}">{shown}</a>'
            else:
                shown = f'<span class="listing-{name}">{shown}</span>'
            cells.append(f"<td>{shown}</td>")
        return f'<tr {attrs}>{"".join(cells)}</tr>'
    cats = ""
    if "categories" in fields and item.get("categories"):
        cats = '<div class="listing-categories">' + "".join(
            f'<div class="listing-category" data-category="{_b64(c)}">{html.escape(c)}</div>'
            for c in item["categories"]) + "</div>"
    other = [f for f in fields if f not in ("title", "image", "image-alt", "date", "author",
                                            "subtitle", "description", "reading-time",
                                            "categories", "filename", "file-modified")]
    if listing.type == "grid":
        body = []
        if "title" in fields and title:
            body.append(f'<h5 class="no-anchor card-title listing-title">{title}</h5>')
        if "subtitle" in fields and item.get("subtitle"):
            body.append('<div class="card-subtitle listing-subtitle">'
                        f'{_value(item, "subtitle", listing, words)}</div>')
        body.append(cats)
        if "description" in fields and item.get("description"):
            desc = _value(item, "description", listing, words)
            body.append(f'<div class="card-text listing-description">{desc}</div>')
        attribution = [f'<div class="listing-{n}">{_value(item, n, listing, words)}</div>'
                       for n in ("author", "date") if n in fields and item.get(n) is not None]
        if attribution:
            body.append(f'<div class="card-attribution">{"".join(attribution)}</div>')
        if other:
            body.append('<table class="card-other-values">' + "".join(
                f'<tr><td>{_name(n, words)}</td><td class="{html.escape(n)}">'
                f"{_value(item, n, listing, words)}</td></tr>" for n in other) + "</table>")
        image = (f'<p class="card-img-top">{_image_html(item, href, listing)}</p>'
                 if "image" in fields else "")
        return (f'<div class="g-col-1" {attrs}><a href="{link}" class="quarto-grid-link">'
                f'<div class="quarto-grid-item card">{image}'
                f'<div class="card-body post-contents">{"".join(body)}</div></div></a></div>')
    align = html.escape(str(listing.options.get("image-align") or "right"))
    parts = [f'<div class="quarto-post image-{align}" {attrs}>']
    if "image" in fields:
        parts.append(f'<div class="thumbnail"><a href="{link}">'
                     f"{_image_html(item, href, listing)}</a></div>")
    parts.append('<div class="body">')
    if "title" in fields:
        parts.append(f'<h3 class="no-anchor listing-title"><a href="{link}">{title}</a></h3>')
        if "subtitle" in fields and item.get("subtitle"):
            parts.append(f'<div class="listing-subtitle"><a href="{link}">'
                         f'{_value(item, "subtitle", listing, words)}</a></div>')
    parts.append(cats)
    if "description" in fields and item.get("description"):
        parts.append(f'<div class="listing-description"><a href="{link}">'
                     f'{_value(item, "description", listing, words)}</a></div>')
    parts.append(f'</div><div class="metadata"><a href="{link}">')
    for name in ("date", "author", "reading-time", *other):
        if name in fields and item.get(name) not in (None, [], ""):
            parts.append(f'<div class="listing-{html.escape(name)}">'
                         f"{_value(item, name, listing, words)}</div>")
    parts.append("</a></div></div>")
    return "".join(parts)


def _image_html(item: dict[str, Any], href: str, listing: Listing) -> str:
    src = item.get("image")
    height = listing.options.get("image-height") or ("150px" if listing.type == "grid" else None)
    style = f' style="height: {html.escape(str(height))};"' if height else ""
    if not src:
        return f'<div class="listing-item-img-placeholder"{style}></div>'
    alt = html.escape(str(item.get("image-alt") or ""))
    return (f'<img src="{html.escape(_link(href, str(src)))}" alt="{alt}" loading="lazy" '
            f'class="thumbnail-image"{style}>')


def _link(page_href: str, target: str) -> str:
    """`target` (a site path or an address) as a link from the page at `page_href`."""
    if not target or "://" in target or target.startswith(("#", "mailto:", "data:")):
        return target
    rel = posixpath.relpath(target, posixpath.dirname(page_href) or ".")
    return rel if rel.startswith("../") else "./" + rel


def _categories_html(listings: list[Listing], words: dict[str, str]) -> str:
    """Quarto's list of categories with their counts (`categories: true`)."""
    wanted = next((lst.options["categories"] for lst in listings
                   if lst.options.get("categories") is not None), False)
    if not wanted:
        return ""
    counts: dict[str, int] = {}
    items = {id(i): i for lst in listings for i in lst.items}
    for item in items.values():
        for cat in item.get("categories") or []:
            counts[cat] = counts.get(cat, 0) + 1
    style = {"unnumbered": "category-unnumbered", "cloud": "category-cloud"}.get(
        str(wanted), "category-default")
    title = html.escape(words.get("listing-page-field-categories", "Categories"))
    everything = html.escape(words.get("listing-page-category-all", "All"))
    rows = [f'<div class="category" data-category="">{everything} '
            f'<span class="quarto-category-count">({len(items)})</span></div>']
    for cat in sorted(counts):
        count = ("" if style == "category-unnumbered" else
                 f' <span class="quarto-category-count">({counts[cat]})</span>')
        rows.append(f'<div class="category" data-category="{_b64(cat)}">{html.escape(cat)}'
                    f"{count}</div>")
    return (f'<nav class="quarto-listing-categories" aria-label="{title}">'
            f'<h5 class="quarto-listing-category-title">{title}</h5>'
            f'<div class="quarto-listing-category {style}">{"".join(rows)}</div></nav>')


# Dates ------------------------------------------------------------------------------------

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_NAMED = {"short": "M/D/YY", "medium": "MMM D, YYYY", "long": "MMMM D, YYYY",
          "full": "dddd, MMMM D, YYYY", "iso": "YYYY-MM-DD"}
_TOKEN_RE = re.compile(r"\[([^\]]*)\]|YYYY|YY|MMMM|MMM|MM|M|DD|D|dddd|ddd|dd|d")


def format_date(date: datetime.date, fmt: str) -> str:
    """A date in Quarto's `date-format` (dayjs tokens, or short/medium/long/full/iso), with
    English month and day names."""
    fmt = _NAMED.get(fmt, fmt)

    def token(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return m.group(1)
        t = m.group(0)
        return {
            "YYYY": f"{date.year:04d}", "YY": f"{date.year % 100:02d}",
            "MMMM": _MONTHS[date.month - 1], "MMM": _MONTHS[date.month - 1][:3],
            "MM": f"{date.month:02d}", "M": str(date.month),
            "DD": f"{date.day:02d}", "D": str(date.day),
            "dddd": _DAYS[date.weekday()], "ddd": _DAYS[date.weekday()][:3],
            "dd": _DAYS[date.weekday()][:2], "d": str((date.weekday() + 1) % 7),
        }[t]

    return _TOKEN_RE.sub(token, fmt)
