"""`make bench`: build times, first paint and page weights, each beside its target (printed, not
asserted).

Every build is timed as a whole process (`python -m bookengine publish`), median of `--runs`
(3), on a throw-away copy of the book:

* the book itself: cold publish (no `.book/`, no `site`), no-op publish, one data file changed,
  one chapter edited; then, in Chromium, on the chapter with the most charts: the first paint,
  the moments the charts in the first screen and every chart are interactive, and the longest
  task that holds up the reader's input after the first paint; then page and JavaScript
  weights;
* the small benchmark book (`tests/fixtures/benchbook`: three chapters, two Altair charts
  reading CSVs) cold and with one CSV changed, against Jupyter Book 1 on the same content,
  installed from the fixture's pinned requirements into `.bench-venv` (never into the project's
  environment);
* how long a publish's kernels and the processes their cells started outlive it after
  `kill -9` (`bookengine.bench.cleanup`);
* with `--synthetic` (`make bench SYNTHETIC=1`), generated books of 10, 50 and 100 chapters with
  a chart each: cold (one run), no-op and one chapter changed, so cost can be seen to grow with
  the change, not with the book.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path

from bookengine.bench import cleanup
from bookengine.bench import quarto as real_quarto
from bookengine.bench.browser import bench_search_bytes, first_paint, preview_paint
from bookengine.bench.smallbook import bench_small_book
from bookengine.bench.synthetic import bench_synthetic
from bookengine.bench.timing import (
    SKIPPED,
    Table,
    Timing,
    append_to,
    cold_start,
    no_change,
    publish_once,
    timed,
)
from bookengine.bench.weights import page_weights
from bookengine.source.config_load import load_config


def bench_book(book: Path, runs: int, browser: bool,
               quarto: Path | None = None) -> Path:
    """Time the book itself (and real Quarto on it, when given); return the copy's published
    site for the weights."""
    config = load_config(book)
    tmp = Path(tempfile.mkdtemp(prefix="book-bench-"))
    copy = tmp / "book"
    shutil.copytree(config.root, copy, ignore=shutil.ignore_patterns(*SKIPPED, config.output_dir))
    config = load_config(copy)
    data = sorted((copy / config.data_dir).glob("*.csv")) if config.data_dir else []
    changelog = copy / config.changelog if config.changelog else None
    data_path = next((p for p in data if p != changelog), None)
    chapter = copy / config.chapters[min(1, len(config.chapters) - 1)]
    table = Table(f"The book ({config.title}), whole processes, median of {runs}:")
    run = lambda: publish_once(copy)  # noqa: E731
    cold = timed(run, cold_start(copy), runs)
    table.add("cold publish (`make clean && make publish`)", cold.seconds, 10.0)
    noop = timed(run, no_change, runs)
    table.add("no-op publish", noop.seconds, 0.2)
    if data_path is not None:
        changed = timed(run, append_to(data_path, lambda i: "\n"), runs)
        table.add(f"one data file changed ({data_path.name})", changed.seconds,
                  detail=f"slowest kernel {changed.kernel:.2f} s")
    edited = timed(run, append_to(chapter, lambda i: f"\nA sentence added, run {i + 1}.\n"), runs)
    table.add(f"one chapter edited ({chapter.relative_to(copy)})", edited.seconds,
              detail=f"slowest kernel {edited.kernel:.2f} s")
    if browser:
        first_paint(copy, config, table, runs)
        preview_paint(copy, config, table, runs)
    table.print()
    if quarto is not None:
        ours = {"cold": cold.seconds, "no-op": noop.seconds}
        if data_path is not None:
            ours["one data file changed"] = changed.seconds
        ours["one paragraph edited"] = edited.seconds
        theirs = real_quarto.quarto_times(
            book, data_path.relative_to(copy).as_posix() if data_path else None,
            chapter.relative_to(copy).as_posix(), quarto)
        real_quarto.print_comparison(f"The book beside real Quarto ({quarto}), seconds "
                                      "(Quarto: one run each; the engine: median of "
                                      f"{runs}):", ours, theirs)
        _cold_ratio(cold, theirs.get("cold"))
    return config.output_path


def _cold_ratio(cold: Timing, quarto_cold: float | None) -> None:
    """The whole book cold as a ratio to real Quarto's cold, on the same book and machine."""
    if not quarto_cold:
        return
    table = Table("The whole book cold, beside real Quarto's:")
    table.add("whole book cold / Quarto cold", cold.seconds / quarto_cold, 0.08, unit="×",
              detail=f"{cold.seconds:.2f} s / {quarto_cold:.2f} s")
    table.print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bookengine.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("book", nargs="?", default=".")
    parser.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", "3")))
    parser.add_argument("--synthetic", action="store_true",
                        help="time generated books of 10, 50 and 100 chapters instead")
    parser.add_argument("--sizes", default="10,50,100", help="chapters of the synthetic books")
    parser.add_argument("--no-jupyter-book", action="store_true",
                        help="leave out the Jupyter Book 1 comparison")
    parser.add_argument("--no-browser", action="store_true", help="leave out the Chromium timing")
    parser.add_argument("--no-quarto", action="store_true",
                        help="leave out real Quarto's times")
    args = parser.parse_args(argv)
    print(f"bench: {os.cpu_count()} processors, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if args.synthetic:
        bench_synthetic(args.runs, tuple(int(s) for s in args.sizes.split(",")))
        return 0
    quarto = None if args.no_quarto else real_quarto.quarto_launcher(Path(args.book))
    if quarto is None and not args.no_quarto:
        print("bench: real Quarto not found ($QUARTO, PATH, ../shared/quarto): its rows are "
              "left out")
    site = bench_book(Path(args.book), args.runs, browser=not args.no_browser, quarto=quarto)
    bench_small_book(args.runs, with_jb1=not args.no_jupyter_book, quarto=quarto)
    cleanup.report(args.runs)
    page_weights(site, site.parent)
    if not args.no_browser:
        bench_search_bytes(site)
    shutil.rmtree(site.parent.parent, ignore_errors=True)
    return 0

