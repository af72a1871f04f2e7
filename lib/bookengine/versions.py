"""Versions of the book: the id fixed at publish, and the record each build keeps for deploy.

A version id is the version date (`citation.version_date`: the later of the book's date and the
newest changelog date) and six hex digits of the build's input hash (`build._site_key`), such as
`2026-11-23-3f9a1c`: any change to what the site is made from, a corrected sentence as much as
new data, makes a new version. Pages cite the id and its permanent address `v/<id>/`.

Beside each build's manifest, `<build>.version.json` holds what `make deploy` needs to add the
build to the deploy branch: the id, the date, the data version, a one-line summary of the
changelog's newest rows, the page addresses, the hash of each page's source and the snapshot of
every inline value, figure data version and section (`history.snapshot`), from which the branch
lists what changed between versions.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

from bookengine import citation
from bookengine.config import BookConfig
from bookengine.history import data_hash

versioned_url = citation.versioned_url

SUFFIX = ".version.json"
NO_DATE = "1970-01-01"
TOKEN = "{book-version}"
"""Written in a page's text (or printed by its code), replaced by the version id when the page
is converted: the one way a page can name its own version, which exists only after execution."""
_SUMMARY_ITEMS = 4


def version_id(config: BookConfig, site_key: str) -> str:
    """The id of the version built from inputs hashed to `site_key`: `<date>-<6 hex>`."""
    return f"{citation.version_date(config) or NO_DATE}-{site_key[:6]}"


def fill_token(body: str, version: str | None) -> str:
    """Replace every `{book-version}` in a converted page with the version id."""
    return body.replace(TOKEN, version) if version and TOKEN in body else body


def changelog_summary(config: BookConfig) -> str:
    """One line from the changelog's newest rows: the date, and each file with its row counts
    and note (as many as fit; the rest counted)."""
    path = config.root / config.changelog if config.changelog else None
    if path is None or not path.is_file():
        return "No changelog entry."
    with open(path, encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh)
                if citation.DATE_RE.match((r.get("date") or "").strip())]
    if not rows:
        return "No changelog entry."
    newest = max(r["date"].strip() for r in rows)
    items = []
    for row in (r for r in rows if r["date"].strip() == newest):
        counts = [f"{row[k].strip()} {word}" for k, word in
                  (("rows_added", "added"), ("rows_removed", "removed"),
                   ("rows_changed", "changed")) if (row.get(k) or "0").strip() not in ("", "0")]
        note = (row.get("note") or "").strip()
        detail = "; ".join(filter(None, [", ".join(counts), note]))
        name = (row.get("file") or "").strip() or "the book"
        items.append(f"{name} ({detail})" if detail else name)
    shown = items[:_SUMMARY_ITEMS]
    more = len(items) - len(shown)
    return f"{newest}: {', '.join(shown)}" + (f", and {more} more" if more > 0 else "") + "."


def record(config: BookConfig, version: str, snapshot: dict[str, Any], pages: dict[str, str],
           sources: dict[str, str] | None = None) -> dict[str, Any]:
    """What deploy keeps of one version: id, date, data version, summary, page addresses
    (source → href), the hash of each page's source, and the snapshot."""
    return {"id": version, "date": citation.version_date(config) or NO_DATE,
            "data_version": data_hash(config), "summary": changelog_summary(config),
            "pages": pages, "sources": sources or {}, "snapshot": snapshot}


def record_path(build: Path) -> Path:
    """Where a build's version record lives: beside it, outside the served files."""
    return build.parent / (build.name + SUFFIX)


def write_record(build: Path, entry: dict[str, Any]) -> Path:
    """Store a build's version record atomically; return its path."""
    path = record_path(build)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(entry, sort_keys=True, indent=1, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    os.replace(tmp, path)
    return path


def read_record(build: Path) -> dict[str, Any] | None:
    """A build's version record, or None if it has none (built before versions existed)."""
    try:
        entry = json.loads(record_path(build).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return entry if isinstance(entry, dict) and entry.get("id") else None
