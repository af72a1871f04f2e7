"""The preview's watcher: a save wakes it at once, in folders made after it started too, and
ignored folders are not watched."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from bookengine.preview.watchfs import Watcher


def _keep(parent: str, name: str) -> bool:
    return name != ".venv"


def test_a_save_wakes_the_watcher_at_once(tmp_path: Path) -> None:
    (tmp_path / "chapters").mkdir()
    (tmp_path / ".venv").mkdir()
    watcher = Watcher(str(tmp_path), _keep)
    try:
        if not watcher.live:
            pytest.skip("no inotify here: the preview polls")
        assert str(tmp_path / ".venv") not in watcher.watched
        assert not watcher.wait(0.2), "nothing changed yet"
        started = time.monotonic()
        (tmp_path / "chapters" / "a.qmd").write_text("# A\n")
        assert watcher.wait(5)
        assert time.monotonic() - started < 1
        (tmp_path / "chapters" / "new").mkdir()
        assert watcher.wait(5)
        while watcher.wait(0.1):  # what the mkdir left
            pass
        (tmp_path / "chapters" / "new" / "b.qmd").write_text("# B\n")
        assert watcher.wait(5), "a folder made after the start is watched"
        (tmp_path / ".venv" / "x.py").write_text("")
        while watcher.wait(0.1):
            pass
        (tmp_path / ".venv" / "y.py").write_text("")
        assert not watcher.wait(0.3), "an ignored folder is not watched"
    finally:
        watcher.close()
