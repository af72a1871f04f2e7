"""A listing's HTML, in Quarto's markup: the list, grid or table of items with their fields
(dates in Quarto's date formats), the sort and filter controls and the categories, placed in
the page's `#<id>` div or at its end."""

from __future__ import annotations

import base64
import datetime
import html
import posixpath
import re
from typing import Any

from bookengine.render.listing_options import (
    FIELD_TYPES,
    FIELD_WORDS,
    PAGE_SIZE,
    SORT_UI_FIELDS,
    Listing,
    fields_of,
)
from bookengine.source.frontmatter import TITLE_BLOCK_CLASSES

_TITLE_END_RE = re.compile(r"<h1\b[^>]*\bid=\"title-block-header\".*?</h1>\s*(?:<div class=\"(?:"
                           + "|".join(TITLE_BLOCK_CLASSES) + r")\">.*?</div>\s*)*", re.S)

def place(body: str, listings: list[Listing], page: Any, words: dict[str, str]) -> str:
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
    fields = fields_of(listing)
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
