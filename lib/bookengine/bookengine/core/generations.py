"""Bounded build caches: a cache folder keeps only the files the current and previous build used.

Each cache folder holds `used.json`, the names the last build used; pruning after a build keeps
those and the names this build used, and deletes the rest.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

RECORD = "used.json"


def prune(directory: Path, used: set[str], pattern: str | tuple[str, ...]) -> None:
    """Delete files matching `pattern` (or any of several) in `directory` that neither this
    build (`used`) nor the previous one used; record `used` for the next build."""
    if not directory.is_dir():
        return
    record = directory / RECORD
    try:
        previous = set(json.loads(record.read_text(encoding="utf-8"))["current"])
    except (OSError, ValueError, KeyError, TypeError):
        previous = set()
    keep = used | previous
    for each in (pattern,) if isinstance(pattern, str) else pattern:
        for path in directory.glob(each):
            if path.name not in keep:
                path.unlink(missing_ok=True)
    tmp = record.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps({"current": sorted(used)}), encoding="utf-8")
    tmp.replace(record)


def names_holding(directory: Path, texts: list[str], pattern: str) -> set[str]:
    """Names of the files in `directory` whose text is one of `texts` (the entries a
    content-keyed cache returned), found without knowing the cache's key."""
    wanted = {t.encode("utf-8") for t in texts}
    sizes = {len(t) for t in wanted}
    found = set()
    for path in directory.glob(pattern):
        try:
            if path.stat().st_size in sizes and path.read_bytes() in wanted:
                found.add(path.name)
        except OSError:
            continue
    return found
