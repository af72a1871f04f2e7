"""The live build is verified against its manifest: "unchanged" only when true, damage repaired."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bookengine.build import build
from bookengine.core.manifest import manifest_path, verify

from tests.conftest import REPO


def _publish(book: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bookengine", "publish", str(book)], cwd=REPO,
                          capture_output=True, text=True, timeout=300)


def _pages(book: Path) -> set[str]:
    site = (book / "site").resolve()
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def test_every_build_has_a_manifest_that_matches(minibook: Path) -> None:
    build(minibook, log=lambda line: None)
    live = (minibook / "site").resolve()
    assert manifest_path(live).is_file()
    assert verify(live) == []
    (live / "chapters" / "alpha.html").write_text("changed")
    assert any("chapters/alpha.html" in p for p in verify(live))


def test_a_cell_that_damages_the_site_then_fails_is_not_called_unchanged(minibook: Path) -> None:
    assert _publish(minibook).returncode == 0
    pages = _pages(minibook)
    gamma = minibook / "chapters" / "gamma.qmd"
    good = gamma.read_text()
    gamma.write_text("# Gamma\n\n```{python}\nimport os, shutil\n"
                     "shutil.rmtree(os.path.join(os.environ['QUARTO_PROJECT_DIR'], 'site', "
                     "'chapters'))\n1 / 0\n```\n")
    failed = _publish(minibook)
    assert failed.returncode == 1
    assert "unchanged" not in failed.stderr
    assert "damaged" in failed.stderr and "chapters/alpha.html: missing" in failed.stderr
    gamma.write_text(good)
    repaired = _publish(minibook)
    assert repaired.returncode == 0, repaired.stderr
    assert _pages(minibook) == pages
    assert verify((minibook / "site").resolve()) == []


def test_a_damaged_live_build_is_rebuilt_not_reported_as_current(minibook: Path) -> None:
    assert _publish(minibook).returncode == 0
    pages = _pages(minibook)
    (minibook / "site" / "chapters" / "beta.html").unlink()
    again = _publish(minibook)
    assert again.returncode == 0, again.stderr
    assert "rebuilding" in again.stdout and "chapters/beta.html: missing" in again.stdout
    assert _pages(minibook) == pages
    assert verify((minibook / "site").resolve()) == []
    quiet = _publish(minibook)  # and now, nothing to do
    assert "rebuilding" not in quiet.stdout


def test_a_same_size_change_inside_the_live_build_leaves_the_noop(minibook: Path) -> None:
    """The no-op trusts a built file's size and time, so a change that keeps the size (and so
    moves the time) is hashed, found, and rebuilt."""
    assert _publish(minibook).returncode == 0
    page = (minibook / "site" / "chapters" / "alpha.html").resolve()
    text = page.read_text()
    page.write_text(text.replace("<p>", "<b>", 1).replace("</p>", "</b>", 1))
    assert len(page.read_text()) == len(text)
    again = _publish(minibook)
    assert "nothing changed" not in again.stdout
    assert "chapters/alpha.html: content changed" in again.stdout
    assert verify((minibook / "site").resolve()) == []


def test_trusting_times_skips_only_settled_unchanged_files(tmp_path: Path) -> None:
    import os
    import time

    from bookengine.core.manifest import settled_before, write_manifest

    build_dir = tmp_path / "b1"
    build_dir.mkdir()
    page = build_dir / "page.html"
    page.write_text("<p>one</p>")
    old = time.time_ns() - 10 * 10**9
    os.utime(page, ns=(old, old))
    write_manifest(build_dir)
    assert verify(build_dir, trust_times=True) == []  # settled and unchanged: trusted
    # Same size, content changed, time put back: the inode's change time, which no one can set
    # back, has moved, so even trusting times the file is hashed and found.
    page.write_text("<p>two</p>")
    os.utime(page, ns=(old, old))
    assert verify(build_dir) == ["page.html: content changed since the build"]
    assert verify(build_dir, trust_times=True) == ["page.html: content changed since the build"]
    # A file written just before its manifest is always hashed.
    fresh = tmp_path / "b2"
    fresh.mkdir()
    (fresh / "page.html").write_text("<p>one</p>")
    write_manifest(fresh)
    mtime = (fresh / "page.html").stat().st_mtime_ns
    (fresh / "page.html").write_text("<p>two</p>")
    os.utime(fresh / "page.html", ns=(mtime, mtime))
    assert verify(fresh, trust_times=True) == ["page.html: content changed since the build"]
    # The margin follows the filesystem's granularity.
    assert settled_before(10 * 10**9, [3 * 10**9, 4 * 10**9]) == 8 * 10**9
    assert settled_before(10 * 10**9, [3 * 10**9 + 1, 4 * 10**9]) == 10 * 10**9 - 5 * 10**7
