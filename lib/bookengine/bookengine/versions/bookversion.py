"""The book's version: the one place that says what this build's version is, its date, its data
hash, and what changed since the last.

- **Date**: the newest of the book's `date` and the changelog's `date` column (never the
  clock, so two builds of the same sources are identical).
- **Data hash**: eight hex digits of a sha256 over the data folder's `*.csv`
  (`book-engine: data:`), each file's name, NUL, bytes, NUL, in name order. It names a data
  version in the history, in figure citations' notes and in deploy commits.
- **Id**: the date and six hex digits of the build's input hash (the site key), such as
  `2026-11-23-3f9a1c`: any change to what the site is made from, a corrected sentence as much as
  new data, makes a new version. Pages cite the id and its permanent address `v/<id>/`.
- **Changes**: the changelog's newest date for each file it names (when a figure's tables last
  changed), a one-line summary of its newest rows, and, through the history
  (`bookengine.versions.history`), what the argument's values did since the previous data version.

The history, citations, the Versions page's changes, deploy and the no-op check ask
`BookVersion` and compute none of this themselves.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bookengine.source.config import BookConfig

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NO_DATE = "1970-01-01"
"""The date of a book that records none (in ids and deploy commits)."""
_SUMMARY_ITEMS = 4


def _changelog_rows(config: BookConfig) -> list[dict[str, str]]:
    path = config.root / config.changelog if config.changelog else None
    if path is None or not path.is_file():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if DATE_RE.match((r.get("date") or "").strip())]


def changelog_dates(config: BookConfig) -> dict[str, str]:
    """The newest changelog date for each file the changelog names (`file` column)."""
    newest: dict[str, str] = {}
    for row in _changelog_rows(config):
        value = row["date"].strip()
        name = (row.get("file") or "").strip()
        newest[name] = max(value, newest.get(name, value))
    return newest


def version_date(config: BookConfig, changes: dict[str, str] | None = None) -> str | None:
    """The newest date among the book's date and its changelog entries (ISO).

    `changes` is `changelog_dates(config)` when the caller has already read it.
    """
    if changes is None:
        changes = changelog_dates(config)
    dates = ([config.date] if config.date else []) + list(changes.values())
    return max(dates) if dates else None


def data_hash(config: BookConfig) -> str:
    """First 8 hex characters of a sha256 over the data folder's `*.csv`: each file's name, NUL,
    bytes, NUL, in name order."""
    digest = hashlib.sha256()
    folder = config.root / config.data_dir if config.data_dir else None
    for path in sorted(folder.glob("*.csv")) if folder and folder.is_dir() else []:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:8]


def changelog_summary(config: BookConfig) -> str:
    """One line from the changelog's newest rows: the date, and each file with its row counts
    and note (as many as fit; the rest counted)."""
    rows = _changelog_rows(config)
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


def version_id(date: str | None, site_key: str) -> str:
    """The id of the version dated `date` built from inputs hashed to `site_key`."""
    return f"{date or NO_DATE}-{site_key[:6]}"


def versioned_url(site_url: str | None, version: str | None, href: str) -> str | None:
    """The permanent address of page `href` in `version` (None without a site-url or version)."""
    if not site_url or not version:
        return None
    page = "" if href == "index.html" else href
    return f"{site_url}/v/{version}/{page}"


def data_changed(changes: dict[str, str], tables: list[str]) -> str | None:
    """When the named tables last changed, by the changelog dates `changes` (matched on each
    file's stem)."""
    dates = [d for f, d in changes.items() if Path(f).stem in tables]
    return max(dates) if dates else None


@dataclass(frozen=True)
class BookVersion:
    """One build's version, read once from the book's sources."""

    date: str | None
    """The version date (ISO), or None for a book that records no date."""
    data_hash: str
    changes: dict[str, str] = field(default_factory=dict)
    """The changelog's newest date for each file it names."""
    site_key: str = ""
    """The hash of every input of the site; empty when only the data version is asked for."""

    @classmethod
    def of(cls, config: BookConfig, site_key: str = "") -> BookVersion:
        """The version of the book at `config`, built from inputs hashed to `site_key`."""
        changes = changelog_dates(config)
        return cls(version_date(config, changes), data_hash(config), changes, site_key)

    def keyed(self, site_key: str) -> BookVersion:
        """This version, once the hash of every input of the site is known."""
        return replace(self, site_key=site_key)

    @property
    def id(self) -> str:
        """`<date>-<6 hex of the site key>`, the id pages cite."""
        return version_id(self.date, self.site_key)

    @property
    def dated(self) -> str:
        """The date, or `NO_DATE` for a book that records none."""
        return self.date or NO_DATE

    def data_changed(self, tables: list[str]) -> str | None:
        """When the named tables last changed, by the changelog (matched on the file's stem)."""
        return data_changed(self.changes, tables)

    def record(self, config: BookConfig, snapshot: dict[str, Any], pages: dict[str, str],
               sources: dict[str, str] | None = None) -> dict[str, Any]:
        """What deploy keeps of this version: id, date, data version, the changelog's summary,
        page addresses (source → href), the hash of each page's source, and the snapshot of
        every value (`history.snapshot`), from which the deploy branch lists what changed."""
        return {"id": self.id, "date": self.dated, "data_version": self.data_hash,
                "summary": changelog_summary(config), "pages": pages, "sources": sources or {},
                "snapshot": snapshot}
