"""What the preview knows between requests: the status a page waits on (the build it shows, the
pages shown ahead of it, an error), and the snapshot of the book's sources the watcher compares."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from bookengine.core.state import IGNORED_DIRS

WAIT_SECONDS = 20.0
"""The longest the status address holds a request that waits for a change."""

WATCHED_SUFFIXES = {".qmd", ".md", ".ipynb", ".py", ".csv", ".yml", ".yaml", ".bib", ".json",
                    ".csl"}

class PreviewState:
    """What the pages are told, shared by the watcher and the server: the count of full builds,
    the last error, and the change counter `seq` with the pages the last change touched
    (`pages`: a list of site paths, or None for every page; `same`: pages the last build left
    as the reader already sees them)."""

    def __init__(self) -> None:
        self.build = 0
        self.seq = 0
        self.error: str | None = None
        self.pages: list[str] | None = None
        self.same: list[str] = []
        self.overlay: dict[str, bytes] = {}
        """Site path → contents of the pages made alone, served until the full build is in."""
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.waiting = 0
        """Pages waiting on the status address."""
        self.fetched = threading.Event()
        """Set when a page made alone has been served since it was announced."""

    def as_json(self) -> bytes:
        with self.lock:
            return self._json()

    def _json(self) -> bytes:
        return json.dumps({"build": self.build, "error": self.error, "seq": self.seq,
                           "pages": self.pages, "same": self.same}).encode()

    def wait_json(self, seen: int, seconds: float = WAIT_SECONDS) -> bytes:
        """The status once `seq` differs from `seen` (or after `seconds`)."""
        with self.changed:
            self.waiting += 1
            try:
                self.changed.wait_for(lambda: self.seq != seen, timeout=seconds)
            finally:
                self.waiting -= 1
            return self._json()

    def announce(self, pages: list[str] | None, same: list[str] | None = None) -> None:
        """Count one change (the caller holds the lock) and wake the waiting pages."""
        self.seq += 1
        self.pages = pages
        self.same = same or []
        self.changed.notify_all()


def snapshot_of(path: Path) -> float | None:
    """A file's modification time as `snapshot` records it (None when it is gone)."""
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def snapshot(root: Path, output_dir: str = "site") -> dict[str, float]:
    """Modification times of every source the book is built from (not its output).

    The walk never enters an ignored folder (`.venv` alone holds thousands of files) or the
    output, so a poll costs milliseconds.
    """
    out: dict[str, float] = {}
    for folder, dirs, files in os.walk(root):
        top = folder == str(root)
        dirs[:] = [d for d in dirs if d not in IGNORED_DIRS and not (top and d == output_dir)]
        for name in files:
            if os.path.splitext(name)[1] not in WATCHED_SUFFIXES:
                continue
            path = os.path.join(folder, name)
            try:
                out[os.path.relpath(path, root)] = os.stat(path).st_mtime_ns
            except FileNotFoundError:
                continue
    return out
