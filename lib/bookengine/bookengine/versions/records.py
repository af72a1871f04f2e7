"""The record each build keeps of its version, for deploy, and the `{book-version}` token.

The version itself (its id, date, data hash and changelog) is `versions.bookversion`'s. Beside
each build's manifest, `<build>.version.json` holds what `make deploy` needs to add the build to
the deploy branch (`BookVersion.record`): the id, the date, the data version, a one-line summary
of the changelog's newest rows, the page addresses, the hash of each page's source and the
snapshot of every inline value, figure data version and section (`history.snapshot`), from which
the branch lists what changed between versions.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

SUFFIX = ".version.json"
TOKEN = "{book-version}"
"""Written in a page's text (or printed by its code), replaced by the version id when the page
is converted: the one way a page can name its own version, which exists only after execution."""


def fill_token(body: str, version: str | None) -> str:
    """Replace every `{book-version}` in a converted page with the version id."""
    return body.replace(TOKEN, version) if version and TOKEN in body else body


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
