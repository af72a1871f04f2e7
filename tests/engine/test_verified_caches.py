"""Every cached artefact is verified before it is used: a damaged conversion, drawing or stored
result is a cache miss that says so, and no build shares a file that something outside it can
change (issue 22, faults 1 and 2). Each test damages the state of a real build of the fixture
book, as a prober did."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from bookengine.core.manifest import verify

from tests.conftest import REPO


def _publish(book: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bookengine", "publish", str(book)], cwd=REPO,
                          capture_output=True, text=True, timeout=300)


def _pages(book: Path) -> dict[str, bytes]:
    site = (book / "site").resolve()
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.html"))}


def _change_library(book: Path) -> None:
    """A change to the library's code: every page executes again."""
    module = book / "lib" / "minilib" / "__init__.py"
    module.write_text(module.read_text() + "\n# touched\n")


def _cut_html_entry(path: Path) -> None:
    """Cut the HTML in a conversion entry short, keeping the entry readable (as a truncated
    file of the raw HTML once was)."""
    text = path.read_text(encoding="utf-8")
    head, _, body = text.partition("\n") if text.startswith("book-cache") else ("", "", text)
    entry = json.loads(body)
    entry["html"] = entry["html"][: max(1, len(entry["html"]) // 10)]
    path.write_text((head + "\n" if head else "") + json.dumps(entry), encoding="utf-8")


@pytest.mark.parametrize("damage", ["cut-short", "truncated"])
def test_damaged_conversions_are_converted_again(minibook: Path, damage: str) -> None:
    assert _publish(minibook).returncode == 0
    good = _pages(minibook)
    entries = sorted((minibook / ".book" / "convert").glob("*.html.json"))
    assert entries
    for path in entries:
        if damage == "cut-short":
            _cut_html_entry(path)
        else:
            os.truncate(path, path.stat().st_size // 3)
    _change_library(minibook)
    again = _publish(minibook)
    assert again.returncode == 0, again.stderr
    assert "damaged" in again.stdout and ".book/convert/" in again.stdout
    rebuilt = _pages(minibook)
    assert {k: len(v) for k, v in rebuilt.items()} == {k: len(v) for k, v in good.items()}
    quiet = _publish(minibook)
    assert quiet.returncode == 0 and "was damaged" not in quiet.stdout


def test_a_chapter_edit_over_damaged_conversions_publishes(minibook: Path) -> None:
    """Damaged conversions of the other pages do not turn into link errors."""
    assert _publish(minibook).returncode == 0
    for path in (minibook / ".book" / "convert").glob("*.json"):
        if path.name != "used.json":
            _cut_html_entry(path) if path.name.endswith(".html.json") else os.truncate(path, 5)
    gamma = minibook / "chapters" / "gamma.qmd"
    gamma.write_text(gamma.read_text() + "\nOne more sentence, linking @sec-alpha-growth.\n")
    again = _publish(minibook)
    assert again.returncode == 0, again.stderr
    assert "no #sec" not in again.stderr
    assert "One more sentence" in (minibook / "site" / "chapters" / "gamma.html").read_text()


def test_a_damaged_drawing_is_drawn_again(minibook: Path) -> None:
    assert _publish(minibook).returncode == 0
    drawings = sorted((minibook / ".book" / "render").glob("*.svg"))
    assert drawings
    for path in drawings:
        path.write_text("<svg garbage", encoding="utf-8")
    _change_library(minibook)
    again = _publish(minibook)
    assert again.returncode == 0, again.stderr
    assert "damaged" in again.stdout and ".book/render/" in again.stdout
    alpha = (minibook / "site" / "chapters" / "alpha.html").read_text()
    assert "<svg garbage" not in alpha and "<svg" in alpha
    assert all("<svg garbage" not in p.read_text() for p in drawings if p.exists())


def test_a_damaged_stored_result_executes_again(minibook: Path) -> None:
    assert _publish(minibook).returncode == 0
    entry = minibook / ".book" / "cache" / "chapters__gamma.qmd.json"
    stored = json.loads(entry.read_text())
    stored["result"]["inlines"] = {k: "666" for k in stored["result"]["inlines"]}
    entry.write_text(json.dumps(stored))
    again = _publish(minibook)
    assert again.returncode == 0, again.stderr
    assert "executed chapters/gamma.qmd (stored result damaged" in " ".join(again.stdout.split())
    gamma = (minibook / "site" / "chapters" / "gamma.html").read_text()
    assert "computed 42" in gamma and "666" not in gamma


def _shared_bundles() -> list[Path]:
    """The Vega bundles kept beside the Python environment (shared by every book)."""
    return sorted((Path(sys.prefix) / "share" / "bookengine").glob("vega-bundle-*.js"))


def test_the_vega_bundle_is_the_builds_own_copy(minibook: Path) -> None:
    assert _publish(minibook).returncode == 0
    vega = (minibook / "site" / "assets" / "vega.js").resolve()
    shared = [p for p in _shared_bundles()] + sorted(
        (minibook / ".book" / "assets").glob("vega-bundle-*"))
    assert shared, "no Vega bundle was kept"
    # No file of the build is the same file as the shared bundle: damage to one cannot reach
    # the other (checked before any damage, so that a failure harms nothing).
    assert vega.stat().st_nlink == 1
    assert all(not os.path.samefile(vega, p) for p in shared)
    whole = vega.read_bytes()
    os.truncate(vega, 1000)
    again = _publish(minibook)
    assert again.returncode == 0, again.stderr
    assert "assets/vega.js" in again.stdout and "rebuilding" in again.stdout
    assert (minibook / "site" / "assets" / "vega.js").read_bytes() == whole
    assert verify((minibook / "site").resolve()) == []


def test_a_damaged_store_is_not_copied_into_the_build(minibook: Path, tmp_path: Path) -> None:
    """The kept bundle is checked against its recorded hash before a build takes it."""
    from bookengine.render import vegastore

    store = vegastore.VegaStore(tmp_path / "store")
    bundle = store.path()
    assert store.ensure() == bundle
    whole = bundle.read_bytes()
    os.chmod(bundle, 0o644)
    bundle.write_bytes(whole[:1000])
    notes: list[str] = []
    assert store.ensure(notes) == bundle
    assert bundle.read_bytes() == whole
    assert notes and "damaged" in notes[0]


def test_the_live_builds_files_are_its_own(minibook: Path) -> None:
    """An unchanged page is not a hard link into the previous build: a write through the
    previous build's folder must not reach the live site unnoticed."""
    assert _publish(minibook).returncode == 0
    first = (minibook / "site").resolve()
    gamma = minibook / "chapters" / "gamma.qmd"
    gamma.write_text(gamma.read_text() + "\nAnother sentence.\n")
    assert _publish(minibook).returncode == 0
    live = (minibook / "site").resolve()
    assert live != first and first.is_dir()
    shared = [p for p in live.rglob("*") if p.is_file() and p.stat().st_nlink > 1]
    assert not shared, shared
    old_beta = first / "chapters" / "beta.html"
    text = old_beta.read_text()
    stat = old_beta.stat()
    old_beta.write_text(text.replace("<p>", "<p>X", 1)[: len(text)])
    os.utime(old_beta, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    again = _publish(minibook)
    assert "nothing changed" not in again.stdout or verify(live) == []


def test_a_same_size_change_with_its_time_put_back_is_found(minibook: Path) -> None:
    """The no-op check trusts a file's size and time only while its inode's change time, which
    no one can set back, is the one recorded. The file is one a build writes first (a style
    sheet), long enough before the manifest that its time alone would be trusted."""
    assert _publish(minibook).returncode == 0
    sheet = (minibook / "site" / "assets" / "book.css").resolve()
    text = sheet.read_text()
    stat = sheet.stat()
    sheet.write_text(text.replace("{", "[", 1))
    os.utime(sheet, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert sheet.stat().st_size == stat.st_size and sheet.stat().st_mtime_ns == stat.st_mtime_ns
    again = _publish(minibook)
    assert "nothing changed" not in again.stdout
    assert "assets/book.css: content changed" in again.stdout
    assert verify((minibook / "site").resolve()) == []


def test_a_damaged_link_check_index_is_not_trusted(minibook: Path) -> None:
    """The link check's index records a hash of its own records: one edited without it (a
    planted link that is not there) is ignored and every page parsed again."""
    assert _publish(minibook).returncode == 0
    index = minibook / ".book" / "check-index.json"
    stored = json.loads(index.read_text())
    stored["pages"]["index.html"]["links"].append(["planted.html", 7, "planted.html", ""])
    index.write_text(json.dumps(stored))
    gamma = minibook / "chapters" / "gamma.qmd"
    gamma.write_text(gamma.read_text() + "\nAnother sentence.\n")
    again = _publish(minibook)
    assert again.returncode == 0, again.stderr
    assert "planted.html" not in again.stdout + again.stderr
