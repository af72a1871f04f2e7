"""A publish lays out again only the pages whose output changed; the others are hard links to the
live build's files, and the site stays complete and correct."""

from __future__ import annotations

import shutil
from pathlib import Path

from bookengine.build import build

from tests.conftest import tree_hash


def inode(book: Path, rel: str) -> int:
    return (book / "site" / rel).stat().st_ino


def test_unchanged_pages_are_linked_changed_ones_rewritten(minibook: Path, tmp_path: Path) -> None:
    build(minibook, log=lambda line: None)
    files = ["index.html", "chapters/alpha.html", "chapters/beta.html", "chapters/gamma.html",
             "figures/chapters/alpha/fig-growth.svg", "figures/chapters/alpha/fig-growth.csv"]
    before = {f: inode(minibook, f) for f in files}

    gamma = minibook / "chapters" / "gamma.qmd"
    gamma.write_text(gamma.read_text() + "\nA sentence only gamma has.\n")
    build(minibook, log=lambda line: None)
    after = {f: inode(minibook, f) for f in files}
    assert after["chapters/gamma.html"] != before["chapters/gamma.html"]
    assert "A sentence only gamma has." in (minibook / "site/chapters/gamma.html").read_text()
    for f in files:
        if f != "chapters/gamma.html":
            assert after[f] == before[f], f"{f} was unchanged and is reused"

    # The same site, built from scratch, is byte for byte what the incremental build made.
    fresh = tmp_path / "fresh"
    shutil.copytree(minibook, fresh, ignore=shutil.ignore_patterns(".book", "site"))
    build(fresh, log=lambda line: None)
    assert tree_hash(fresh / "site") == tree_hash(minibook / "site")


def test_a_title_change_reaches_every_page(minibook: Path) -> None:
    build(minibook, log=lambda line: None)
    gamma = minibook / "chapters" / "gamma.qmd"
    text = gamma.read_text()
    heading = next(line for line in text.splitlines() if line.startswith("# "))
    gamma.write_text(text.replace(heading, heading.replace("# ", "# Renamed ", 1), 1))
    build(minibook, log=lambda line: None)
    for rel in ("index.html", "chapters/alpha.html", "chapters/beta.html"):
        assert "Renamed " in (minibook / "site" / rel).read_text(), f"{rel}'s navigation"
