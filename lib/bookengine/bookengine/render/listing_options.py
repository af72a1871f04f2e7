"""What a page's `listing:` asks for: each listing's type, contents, options and sort, with Quarto's
defaults for its type (fields, page size), and the order and fields of its items."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

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


def order_items(listing: Listing) -> None:
    """Sort a listing's items by its `sort:` (Quarto's default: `order`, then title, for
    documents), missing values last."""
    sort = listing.sort
    if sort is None:
        has_title = "title" in fields_of(listing)
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


def fields_of(listing: Listing) -> list[str]:
    """The fields a listing shows: its `fields:`, else its type's defaults that the items
    have (and `categories` when it lists categories)."""
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
