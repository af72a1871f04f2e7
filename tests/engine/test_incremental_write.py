"""A publish lays out again only the pages whose output changed; the others are hard links to the
live build's files, and the site stays complete and correct."""

from __future__ import annotations

import shutil
from pathlib import Path

from bookengine.build import build

from tests.conftest import tree_hash


def test_a_change_rewrites_what_it_changes_and_matches_a_fresh_build(minibook: Path,
                                                                    tmp_path: Path) -> None:
    """Every page cites its version, and any change makes a new version, so after a change
    every page is laid out again (none may keep the old version's id); the figure files keep
    their bytes, and the result is byte for byte a build from scratch."""
    build(minibook, log=lambda line: None)
    figures = ["figures/chapters/alpha/fig-growth.svg", "figures/chapters/alpha/fig-growth.csv"]
    before = {f: (minibook / "site" / f).read_bytes() for f in figures}
    old_index = (minibook / "site" / "index.html").read_text()

    gamma = minibook / "chapters" / "gamma.qmd"
    gamma.write_text(gamma.read_text() + "\nA sentence only gamma has.\n")
    build(minibook, log=lambda line: None)
    assert "A sentence only gamma has." in (minibook / "site/chapters/gamma.html").read_text()
    new_index = (minibook / "site" / "index.html").read_text()
    assert new_index != old_index, "the home page names the new version"
    for f in figures:
        assert (minibook / "site" / f).read_bytes() == before[f], f"{f} keeps its bytes"

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
