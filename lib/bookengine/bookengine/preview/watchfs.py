"""Wake the preview as soon as a file under the book changes: Linux's inotify through libc, or,
where that is missing, a plain sleep (the caller then polls).

The watch covers every folder under the root except the ignored ones, and folders created later
are added as they appear. It says only that something changed; the preview compares snapshots
to find what.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import select
import time
from collections.abc import Callable

_IN_MODIFY, _IN_ATTRIB, _IN_CLOSE_WRITE = 0x002, 0x004, 0x008
_IN_MOVED_FROM, _IN_MOVED_TO, _IN_CREATE, _IN_DELETE = 0x040, 0x080, 0x100, 0x200
_MASK = (_IN_MODIFY | _IN_ATTRIB | _IN_CLOSE_WRITE | _IN_MOVED_FROM | _IN_MOVED_TO
         | _IN_CREATE | _IN_DELETE)
_IN_NONBLOCK, _IN_CLOEXEC = 0o4000, 0o2000000


class Watcher:
    """`wait(seconds)` returns True once something under `root` changed (at once with inotify;
    after `seconds` without it, when the caller should look anyway)."""

    def __init__(self, root: str, keep: Callable[[str, str], bool]):
        """`keep(parent, name)` says whether to watch the folder `name` inside `parent`."""
        self.root = root
        self.keep = keep
        self.fd = -1
        self.watched: set[str] = set()
        with contextlib.suppress(OSError, AttributeError):
            self._libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6",
                                     use_errno=True)
            fd = self._libc.inotify_init1(_IN_NONBLOCK | _IN_CLOEXEC)
            if fd >= 0:
                self.fd = fd
                self._add_all()

    @property
    def live(self) -> bool:
        """True when changes wake the watcher (inotify), False when it only sleeps."""
        return self.fd >= 0

    def _add_all(self) -> None:
        for folder, dirs, _ in os.walk(self.root):
            dirs[:] = [d for d in dirs if self.keep(folder, d)]
            if folder not in self.watched:
                wd = self._libc.inotify_add_watch(self.fd, os.fsencode(folder), _MASK)
                if wd >= 0:
                    self.watched.add(folder)

    def wait(self, seconds: float) -> bool:
        """Wait up to `seconds` for a change; True if one came (or without inotify, always)."""
        if not self.live:
            time.sleep(seconds)
            return True
        ready, _, _ = select.select([self.fd], [], [], seconds)
        if not ready:
            return False
        with contextlib.suppress(BlockingIOError, OSError):
            while os.read(self.fd, 65536):
                pass
        self._add_all()  # folders made since
        return True

    def close(self) -> None:
        """Stop watching."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
