"""`make bench`: build times and page weights, printed (not asserted).

Each timing is the median of three runs on a throw-away copy of the book: a cold publish (no
execution, conversion or render cache), a publish with nothing changed, a publish after one data
file changed, and a publish after one chapter was edited. Then the size of every page and of the
shared assets, raw and gzipped.
"""

from __future__ import annotations

import argparse
import gzip
import re
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bookengine.build import BuildReport, build
from bookengine.config import load_config
from bookengine.numbering import output_href

SKIP = shutil.ignore_patterns(".book", "site", ".venv", ".git", "__pycache__", "*.egg-info",
                              ".pytest_cache", ".ruff_cache", "tests", "book.pdf")


def _timed(book: Path, prepare: Callable[[int], None], runs: int = 3) -> tuple[float, BuildReport]:
    times, report = [], None
    for i in range(runs):
        prepare(i)
        started = time.perf_counter()
        report = build(book, log=lambda line: None)
        times.append(time.perf_counter() - started)
    return statistics.median(times), report


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def _kb(n: int) -> str:
    return f"{n / 1024:7.1f} KB"


def run(book: Path, data_file: str | None, chapter: str | None) -> None:
    """Print the benchmark for the book at `book`."""
    config = load_config(book)
    with tempfile.TemporaryDirectory(prefix="book-bench-") as tmp:
        copy = Path(tmp) / "book"
        shutil.copytree(config.root, copy, ignore=SKIP)
        data_path = copy / (data_file or sorted(p.relative_to(copy).as_posix()
                                               for p in (copy / "data").glob("*.csv"))[0])
        chapter_path = copy / (chapter or config.chapters[min(1, len(config.chapters) - 1)])

        def cold(i: int) -> None:
            shutil.rmtree(copy / ".book", ignore_errors=True)
            if (copy / "site").is_symlink():
                (copy / "site").unlink()

        def touch_data(i: int) -> None:
            with open(data_path, "a", encoding="utf-8") as fh:
                fh.write("\n")

        def edit_chapter(i: int) -> None:
            with open(chapter_path, "a", encoding="utf-8") as fh:
                fh.write(f"\nA sentence added for the benchmark, run {i + 1}.\n")

        rows = []
        t, report = _timed(copy, cold)
        rows.append(("cold publish (empty cache)", t, report))
        t, report = _timed(copy, lambda i: None)
        rows.append(("no-op publish", t, report))
        t, report = _timed(copy, touch_data)
        rows.append((f"one data file changed ({data_path.relative_to(copy)})", t, report))
        t, report = _timed(copy, edit_chapter)
        rows.append((f"one chapter edited ({chapter_path.relative_to(copy)})", t, report))

        print("Build times (median of 3 runs):")
        for name, seconds, rep in rows:
            executed = [p for p in rep.pages if p.status == "executed"]
            slowest = max((p.seconds for p in executed), default=0.0)
            detail = (f"{len(executed)} page(s) executed, slowest kernel {slowest:.1f} s, "
                      f"publish minus slowest {seconds - slowest:.1f} s")
            print(f"  {name:55} {seconds:6.2f} s   ({detail})")

        site = copy / "site"
        print("\nPage weights (page HTML plus the static SVGs it loads; shared assets apart):")
        worst = 0
        for rel in config.pages:
            page = site / output_href(rel)
            html = page.read_bytes()
            svgs = [page.parent / src for src in re.findall(
                r'<img class="chart-static" src="([^"]+)"', html.decode("utf-8"))]
            raw = len(html) + sum(p.stat().st_size for p in svgs)
            gz = _gz(html) + sum(_gz(p.read_bytes()) for p in svgs)
            worst = max(worst, gz)
            print(f"  {output_href(rel):36} raw {_kb(raw)}   gzipped {_kb(gz)}")
        print(f"  heaviest page gzipped: {_kb(worst).strip()}")
        print("\nShared assets:")
        for asset in sorted((site / "assets").iterdir()):
            data = asset.read_bytes()
            print(f"  assets/{asset.name:29} raw {_kb(len(data))}   gzipped {_kb(_gz(data))}")
        index = site / "search-index.json"
        print(f"  {'search-index.json':36} raw {_kb(index.stat().st_size)}   "
              f"gzipped {_kb(_gz(index.read_bytes()))}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bookengine.bench", description=__doc__)
    parser.add_argument("book", nargs="?", default=".")
    parser.add_argument("--data-file", default=None, help="the data file to change")
    parser.add_argument("--chapter", default=None, help="the chapter to edit")
    args = parser.parse_args(argv)
    run(Path(args.book), args.data_file, args.chapter)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
