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
  `kill -9` (`bookengine.bench_cleanup`);
* with `--synthetic` (`make bench SYNTHETIC=1`), generated books of 10, 50 and 100 chapters with
  a chart each: cold (one run), no-op and one chapter changed, so cost can be seen to grow with
  the change, not with the book.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bookengine import bench_cleanup, bench_quarto
from bookengine.config_load import load_config
from bookengine.numbering import output_href
from bookengine.state import STATE_DIR, BookState

SKIPPED = (STATE_DIR, ".venv", ".bench-venv", ".git", "__pycache__", "*.egg-info", ".pytest_cache",
           ".ruff_cache", "tests", "book.pdf", "_build")
SKIP = shutil.ignore_patterns(*SKIPPED, "site")
REPO = Path(__file__).resolve().parents[2]
BENCHBOOK = REPO / "tests" / "fixtures" / "benchbook"
JB1_REQUIREMENTS = BENCHBOOK / "requirements-jupyter-book.txt"
JB1_VENV = REPO / ".bench-venv"
KERNEL_SECONDS = re.compile(r"^\s+executed \S+ \(.*, ([\d.]+) s\)$", re.M)


class Timing:
    """The median of several whole-process runs, with the slowest page kernel of each run."""

    def __init__(self, seconds: list[float], kernels: list[float]):
        self.seconds = statistics.median(seconds)
        self.kernel = statistics.median(kernels) if kernels else 0.0
        self.runs = seconds
        self.overhead = statistics.median(s - k for s, k in zip(seconds, kernels, strict=True)) \
            if kernels else self.seconds
        """The median, run by run, of the whole process less its slowest page's kernel."""


def _publish(book: Path) -> tuple[float, float, str]:
    """One whole `python -m bookengine publish` process: seconds, slowest kernel, output."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "bookengine", "publish", str(book)],
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"bench: publishing {book} failed:\n{proc.stdout}\n{proc.stderr}")
    kernels = [float(s) for s in KERNEL_SECONDS.findall(proc.stdout)]
    return seconds, max(kernels, default=0.0), proc.stdout


def _timed(run: Callable[[], tuple[float, float, str]], prepare: Callable[[int], None],
           runs: int) -> Timing:
    seconds, kernels = [], []
    for i in range(runs):
        prepare(i)
        s, k, _ = run()
        seconds.append(s)
        kernels.append(k)
    return Timing(seconds, kernels)


def _cold(book: Path) -> Callable[[int], None]:
    def prepare(i: int) -> None:
        shutil.rmtree(BookState(book).dir, ignore_errors=True)
        shutil.rmtree(book / "_build", ignore_errors=True)
        site = load_config(book).output_path
        if site.is_symlink():
            site.unlink()
    return prepare


def _append(path: Path, text: Callable[[int], str]) -> Callable[[int], None]:
    def prepare(i: int) -> None:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text(i))
    return prepare


def _noop(i: int) -> None:
    return None


class Table:
    """Rows of figure, measured value and target, printed aligned."""

    def __init__(self, title: str):
        self.title = title
        self.rows: list[tuple[str, str, str, str]] = []

    def add(self, name: str, value: float, target: float | None = None, unit: str = "s",
            target_text: str = "", detail: str = "") -> None:
        shown = f"{value:.2f} {unit}" if unit in ("s", "×") else f"{value:.0f} {unit}"
        if target is None:
            verdict = ""
            goal = target_text or "—"
        else:
            verdict = "meets" if value <= target else "MISSES"
            goal = f"≤ {target:.2f} {unit}" + (f" ({target_text})" if target_text else "")
        self.rows.append((name, shown, goal, (verdict + (f"  {detail}" if detail else "")).strip()))

    def print(self) -> None:
        print(f"\n{self.title}")
        width = max(len(r[0]) for r in self.rows)
        for name, shown, goal, verdict in self.rows:
            print(f"  {name:{width}}  {shown:>10}   target {goal:34} {verdict}")


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
    run = lambda: _publish(copy)  # noqa: E731
    cold = _timed(run, _cold(copy), runs)
    table.add("cold publish (`make clean && make publish`)", cold.seconds, 10.0)
    noop = _timed(run, _noop, runs)
    table.add("no-op publish", noop.seconds, 0.2)
    if data_path is not None:
        changed = _timed(run, _append(data_path, lambda i: "\n"), runs)
        table.add(f"one data file changed ({data_path.name})", changed.seconds,
                  detail=f"slowest kernel {changed.kernel:.2f} s")
    edited = _timed(run, _append(chapter, lambda i: f"\nA sentence added, run {i + 1}.\n"), runs)
    table.add(f"one chapter edited ({chapter.relative_to(copy)})", edited.seconds,
              detail=f"slowest kernel {edited.kernel:.2f} s")
    if browser:
        _first_paint(copy, config, table, runs)
        _preview_paint(copy, config, table, runs)
    table.print()
    if quarto is not None:
        ours = {"cold": cold.seconds, "no-op": noop.seconds}
        if data_path is not None:
            ours["one data file changed"] = changed.seconds
        ours["one paragraph edited"] = edited.seconds
        theirs = bench_quarto.quarto_times(
            book, data_path.relative_to(copy).as_posix() if data_path else None,
            chapter.relative_to(copy).as_posix(), quarto)
        bench_quarto.print_comparison(f"The book beside real Quarto ({quarto}), seconds "
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


def _first_paint(copy: Path, config, table: Table, runs: int) -> None:
    """Navigation to the chapter with the most charts: first paint, charts interactive, longest
    task."""
    try:
        from playwright.sync_api import sync_playwright

        from bookengine.chromium import find_chromium
        from bookengine.localserver import serving
        chromium = find_chromium()
    except Exception as exc:  # noqa: BLE001 - the timing is skipped, and says why
        table.add("navigation → charts (Chromium)", 0, target_text=f"skipped: {exc}")
        return
    site = config.output_path
    hrefs = [output_href(rel) for rel in config.pages]
    counts = {h: (site / h).read_text(encoding="utf-8").count('class="chart-frame"')
              for h in hrefs}
    href = max(hrefs, key=lambda h: counts[h])
    if not counts[href]:
        return
    paint, in_view, ready, longest = [], [], [], []
    with serving(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.add_init_script(_LONG_TASKS)
            page = context.new_page()
            page.goto(f"{base}/{href}")
            page.wait_for_function(_LIVE.format(frames=_IN_VIEW), timeout=60_000, polling=10)
            in_view.append(page.evaluate("performance.now()") / 1000)
            page.wait_for_function(_LIVE.format(frames=_ALL), timeout=60_000, polling=10)
            ready.append(page.evaluate("performance.now()") / 1000)
            fcp = page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0]"
                                " || {}).startTime || 0")
            drawn = page.evaluate(
                f"{_ALL}.every(f => f.querySelector('svg.chart-static, .chart-live svg'))")
            paint.append(fcp / 1000 if drawn else float("inf"))
            longest.append(page.evaluate(
                f"Math.max(0, ...window.__longTasks.filter(t => t[0] >= {fcp}).map(t => t[1]))"))
            context.close()
        browser.close()
    name = f"{href}: {counts[href]} charts"
    table.add(f"navigation → first paint, every chart drawn ({name})", statistics.median(paint),
              0.3)
    table.add("navigation → the charts in the first screen interactive",
              statistics.median(in_view))
    table.add("navigation → every chart interactive", statistics.median(ready), 0.8)
    table.add("longest main-thread task after first paint", statistics.median(longest), unit="ms")


def _bench_log(line: str) -> None:
    """The preview's lines, with the time, when `BENCH_LOG` is set."""
    if os.environ.get("BENCH_LOG"):
        print(f"  [{time.time():.3f}] {line}")


def _preview_paint(copy: Path, config, table: Table, runs: int) -> None:
    """`make preview` on the book: a sentence added to a chapter's prose, from the save to the
    first paint of the reloaded page in Chromium (both on the wall clock), median of `runs`."""
    try:
        from playwright.sync_api import sync_playwright

        from bookengine.chromium import find_chromium
        from bookengine.preview import PreviewServer
        chromium = find_chromium()
    except Exception as exc:  # noqa: BLE001 - the timing is skipped, and says why
        table.add("prose edit → page painted (make preview)", 0, target_text=f"skipped: {exc}")
        return
    rel = next((r for r in config.chapters if r.endswith("ord.qmd")), config.chapters[-1])
    href = output_href(rel)
    source = copy / rel
    server = PreviewServer(copy, port=0, log=_bench_log)
    server.start()
    server.watching.wait(60)
    seconds, quick = [], 0
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True,
                                        args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"http://127.0.0.1:{server.port}/{href}")
            for i in range(runs):
                builds = server.state.build
                page.wait_for_timeout(300)  # the page's status request is waiting
                marker = f"Preview timing sentence {i + 1}."
                saved = time.time()
                _bench_log(f"saved {source.name}")
                with open(source, "a", encoding="utf-8") as fh:
                    fh.write(f"\n{marker}\n")
                page.wait_for_function(f"() => document.body.innerText.includes({marker!r})",
                                       timeout=60_000, polling=10)
                painted = page.evaluate(
                    "performance.timeOrigin + ((performance.getEntriesByName("
                    "'first-contentful-paint')[0] || {}).startTime || performance.now())")
                seconds.append(painted / 1000 - saved)
                quick += server.state.build == builds  # shown before the full build was in
                deadline = time.monotonic() + 60
                while server.state.build == builds and time.monotonic() < deadline:
                    time.sleep(0.05)
            browser.close()
    finally:
        server.stop()
    table.add(f"prose edit → page painted (make preview, {href})", statistics.median(seconds),
              0.5, detail=f"made alone first in {quick} of {runs}")


# Long tasks (over 50 ms) from the start of the page, as [start, duration] in milliseconds.
_LONG_TASKS = """window.__longTasks = [];
new PerformanceObserver(l => l.getEntries().forEach(
  e => window.__longTasks.push([e.startTime, e.duration])))
  .observe({type: 'longtask', buffered: true});"""
_ALL = "Array.from(document.querySelectorAll('.chart-frame'))"
_IN_VIEW = f"{_ALL}.filter(f => f.getBoundingClientRect().top < innerHeight)"
_LIVE = ("() => {frames}.every(f => window.bookCharts[f.dataset.figure] && "
         "window.bookCharts[f.dataset.figure].view)")


def _weights(site: Path, book: Path) -> None:
    """Page weights and the JavaScript each page loads."""
    config = load_config(book)
    assets = site / "assets"
    book_js = (assets / "book.js").stat().st_size
    vega = (assets / "vega.js").stat().st_size if (assets / "vega.js").is_file() else 0
    print("\nPage weights (HTML with its inline drawings; JavaScript loaded by the page):")
    worst = 0
    for rel in config.pages:
        html = (site / output_href(rel)).read_bytes()
        charts = html.count(b'class="chart-frame"')
        js = book_js + (vega if charts else 0)
        worst = max(worst, _gz(html))
        print(f"  {output_href(rel):36} html {_kb(len(html))} (gzipped {_kb(_gz(html))})   "
              f"JavaScript {_kb(js)}{' (book.js + vega.js)' if charts else ' (book.js only)'}")
    print(f"  heaviest page gzipped: {_kb(worst).strip()}")
    for asset in sorted(assets.iterdir()):
        data = asset.read_bytes()
        print(f"  assets/{asset.name:29} raw {_kb(len(data))}   gzipped {_kb(_gz(data))}")


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def _kb(n: int) -> str:
    return f"{n / 1024:7.1f} KB"


def _one_kernel(page: Path, runs: int) -> float:
    """Seconds to run one page's code (its cells, then its inline expressions) in a fresh stock
    Jupyter kernel started by nbclient, up to its last output: the least a re-execution costs.
    Median of `runs`."""
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    from bookengine.qmd import parse

    doc = parse(page, page.name)
    code = [c.code for c in doc.cells if c.executes] + [i.expr for i in doc.inlines]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in code])
    seconds = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="book-bench-kernel-") as sockets:
            km = KernelManager(kernel_name="python3", transport="ipc", ip=f"{sockets}/k")
            started = time.perf_counter()
            client = NotebookClient(nb, km=km,
                                    resources={"metadata": {"path": str(page.parent)}})
            try:
                client.execute()
                # Up to the last output: Jupyter's graceful shutdown (about a second) is left
                # out, so the baseline is, if anything, low.
                seconds.append(time.perf_counter() - started)
            finally:
                if km.has_kernel:
                    km.shutdown_kernel(now=True)
                if client.kc is not None:  # nbclient leaves it running for a km it was given
                    client.kc.stop_channels()
    return statistics.median(seconds)


def _jb1() -> Path | None:
    """Jupyter Book 1 in `.bench-venv`, installed from the pinned requirements when they change."""
    stamp = JB1_VENV / ".requirements-sha256"
    want = hashlib.sha256(JB1_REQUIREMENTS.read_bytes()).hexdigest()
    exe = JB1_VENV / "bin" / "jupyter-book"
    if exe.is_file() and stamp.is_file() and stamp.read_text().strip() == want:
        return exe
    print(f"bench: installing Jupyter Book 1 into {JB1_VENV} (once) …", flush=True)
    python = shutil.which("python3") or sys.executable
    steps = [[python, "-m", "venv", "--clear", str(JB1_VENV)],
             [str(JB1_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet",
              "--disable-pip-version-check", "-r", str(JB1_REQUIREMENTS)]]
    for step in steps:
        proc = subprocess.run(step, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(f"bench: Jupyter Book 1 could not be installed; its rows are left out:\n"
                  f"{proc.stderr[-2000:]}")
            return None
    stamp.write_text(want + "\n")
    return exe


def _jb1_build(exe: Path, book: Path) -> tuple[float, float, str]:
    started = time.perf_counter()
    proc = subprocess.run([str(exe), "build", str(book)], capture_output=True, text=True,
                          check=False)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"bench: Jupyter Book 1 failed:\n{proc.stdout[-3000:]}\n{proc.stderr}")
    return seconds, 0.0, proc.stdout


def bench_small_book(runs: int, with_jb1: bool, quarto: Path | None = None) -> None:
    """The three-chapter book, against Jupyter Book 1 on the same content."""
    tmp = Path(tempfile.mkdtemp(prefix="book-bench-small-"))
    ours, theirs = tmp / "engine", tmp / "jupyter-book"
    shutil.copytree(BENCHBOOK, ours, ignore=SKIP)
    shutil.copytree(BENCHBOOK, theirs, ignore=SKIP)
    table = Table(f"The small book (tests/fixtures/benchbook), whole processes, median of {runs}:")
    run = lambda: _publish(ours)  # noqa: E731
    cold = _timed(run, _cold(ours), runs)
    noop = _timed(run, _noop, 1)
    changed = _timed(run, _append(ours / "data" / "horizons.csv",
                                  lambda i: f"2026-0{i + 1}-01,m{7 + i},{300 + i}\n"),
                     max(runs, 5))
    edited = _timed(run, _append(ours / "chapters" / "horizons.qmd",
                                 lambda i: f"\nA sentence added, run {i + 1}.\n"), runs)
    jb_cold = jb_changed = None
    exe = _jb1() if with_jb1 else None
    if exe is not None:
        jrun = lambda: _jb1_build(exe, theirs)  # noqa: E731
        jb_cold = _timed(jrun, _cold(theirs), runs)
        _timed(jrun, _noop, 1)
        jb_changed = _timed(jrun, _append(theirs / "data" / "horizons.csv",
                                          lambda i: f"2026-0{i + 1}-01,m{7 + i},{300 + i}\n"), runs)
    if jb_cold is not None:
        table.add("Jupyter Book 1, cold", jb_cold.seconds)
        table.add("this engine, cold", cold.seconds, 0.6 * jb_cold.seconds,
                  target_text="0.6 × Jupyter Book 1")
    else:
        table.add("this engine, cold", cold.seconds, target_text="0.6 × Jupyter Book 1 (not run)")
    page = ours / "chapters" / "horizons.qmd"
    alone = _one_kernel(page, runs)
    table.add("that chapter alone in one Jupyter kernel (nbclient, stock python3 kernel)", alone)
    table.add("this engine, one CSV changed (one chapter re-executes)", changed.seconds,
              alone + 0.5, target_text="that kernel + 0.5 s",
              detail=f"the engine's own kernel {changed.kernel:.2f} s")
    table.add(f"one-CSV overhead (the whole process less its kernel, median of "
              f"{len(changed.runs)})", changed.overhead, 0.5)
    if jb_changed is not None:
        table.add("Jupyter Book 1, one CSV changed", jb_changed.seconds,
                  target_text="re-uses the stale page: it does not notice the CSV")
    table.print()
    if quarto is not None:
        theirs = bench_quarto.quarto_times(BENCHBOOK, "data/horizons.csv",
                                           "chapters/horizons.qmd", quarto,
                                           row="2026-09-01,m9,309\n")
        bench_quarto.print_comparison(
            "The small book beside real Quarto, seconds (Quarto: one run each):",
            {"cold": cold.seconds, "no-op": noop.seconds,
             "one data file changed": changed.seconds, "one paragraph edited": edited.seconds},
            theirs)


SYNTHETIC_CHAPTER = '''# Chapter {n}

```{{python}}
import altair as alt
import pandas as pd

table = pd.read_csv("../data/series{n:03d}.csv")
last = f"{{table.value.iloc[-1]:.1f}}"
```

Chapter {n} ends its series at `{{python}} last`. See @sec-ch{n:03d}-more.

## More {{#sec-ch{n:03d}-more}}

```{{python}}
#| label: fig-ch{n:03d}
#| fig-cap: "Series {n}."
#| fig-alt: "A line over five years."
alt.Chart(table).mark_line(point=True).encode(x="year:O", y="value:Q").properties(
    width="container", height=240)
```
'''


def synthetic_book(dest: Path, chapters: int) -> Path:
    """A generated book of `chapters` chapters, each reading its own CSV and drawing a chart."""
    (dest / "chapters").mkdir(parents=True)
    (dest / "data").mkdir()
    names = [f"chapters/ch{n:03d}.qmd" for n in range(1, chapters + 1)]
    listing = "\n".join(f"    - {name}" for name in names)
    (dest / "_quarto.yml").write_text(
        "project:\n  type: book\n  output-dir: site\nbook:\n  title: \"Synthetic\"\n"
        f"  author: \"Bench\"\n  chapters:\n    - index.qmd\n{listing}\n"
        "execute:\n  echo: false\nbook-engine:\n  library: []\n  lock: null\n"
        "  preload: [pandas, altair]\n", encoding="utf-8")
    (dest / "index.qmd").write_text("# Synthetic {.unnumbered}\n\nA generated book.\n")
    for n in range(1, chapters + 1):
        (dest / f"chapters/ch{n:03d}.qmd").write_text(SYNTHETIC_CHAPTER.format(n=n))
        rows = "\n".join(f"{2020 + y},{n + y * 1.5:.1f}" for y in range(5))
        (dest / f"data/series{n:03d}.csv").write_text(f"year,value\n{rows}\n")
    return dest


def bench_synthetic(runs: int, sizes: tuple[int, ...] = (10, 50, 100)) -> None:
    """Cold, no-op and one-chapter-changed times for generated books of several sizes."""
    table = Table(f"Synthetic books (one chart a chapter), whole processes, median of {runs} "
                  "(cold: one run, the longest build):")
    base: dict[str, float] = {}
    for size in sizes:
        book = synthetic_book(Path(tempfile.mkdtemp(prefix=f"book-bench-{size}-")) / "book", size)
        run = lambda book=book: _publish(book)  # noqa: E731
        cold = _timed(run, _cold(book), 1)
        noop = _timed(run, _noop, runs)
        middle = book / f"chapters/ch{size // 2:03d}.qmd"
        one = _timed(run, _append(middle, lambda i: f"\nAn added sentence {i}.\n"), runs)
        table.add(f"{size} chapters: cold", cold.seconds)
        if not base:
            base = {"noop": noop.seconds, "one": one.seconds}
            table.add(f"{size} chapters: no-op", noop.seconds, 0.2)
            table.add(f"{size} chapters: one chapter changed", one.seconds,
                      detail=f"its kernel {one.kernel:.2f} s")
        else:
            table.add(f"{size} chapters: no-op", noop.seconds, 1.5 * base["noop"],
                      target_text=f"1.5 × {sizes[0]} chapters")
            table.add(f"{size} chapters: one chapter changed", one.seconds, 1.5 * base["one"],
                      target_text=f"1.5 × {sizes[0]} chapters",
                      detail=f"its kernel {one.kernel:.2f} s")
        shutil.rmtree(book.parent, ignore_errors=True)
    table.print()


def _index_seconds(site: Path) -> float:
    """Seconds Pagefind takes to index a copy of the published `site` (whose book is its
    parent), as publish does."""
    from bookengine import search

    with tempfile.TemporaryDirectory(prefix="book-bench-index-") as tmp:
        copy = Path(tmp) / "site"
        shutil.copytree(site.resolve(), copy, ignore=shutil.ignore_patterns(search.BUNDLE))
        started = time.perf_counter()
        search.build_index(load_config(site.parent), copy)
        return time.perf_counter() - started


def _served_size(root: Path, path: str) -> int:
    file = root / path.lstrip("/")
    return file.stat().st_size if file.is_file() else 0


def bench_search_bytes(site: Path, synthetic_chapters: int = 100) -> None:
    """Bytes Chromium fetches for one search query, after the page has loaded: this book's
    site, and a generated book of `synthetic_chapters` chapters (shown, no target)."""
    from playwright.sync_api import sync_playwright

    from bookengine.localserver import serving
    from bookengine.pdf import find_chromium

    synthetic = synthetic_book(Path(tempfile.mkdtemp(prefix="book-bench-search-")) / "book",
                               synthetic_chapters)
    _publish(synthetic)
    books = [("this book", site, "chapters/ord.html", "doubling"),
             (f"synthetic {synthetic_chapters}-chapter book", synthetic / "site",
              "chapters/ch050.html", "series")]
    print("\nSearch (Pagefind) in Chromium, one query typed after the page has loaded:")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        for name, root, href, query in books:
            with serving(root) as base:
                context = browser.new_context()
                page = context.new_page()
                page.goto(f"{base}/{href}", wait_until="networkidle")
                fetched: list[int] = []
                # the file each request names, as the local server sends it (uncompressed);
                # a request a worker makes is counted too
                context.on("requestfinished", lambda r, fetched=fetched, root=root: fetched.append(
                    _served_size(root, r.url.split("?")[0].removeprefix(base))))
                page.fill("#search-input", query)
                page.locator(".search-list a").first.wait_for()
                page.wait_for_load_state("networkidle")
                context.close()
            print(f"  search: bytes fetched for one query, {name} ({query!r}): "
                  f"{_kb(sum(fetched)).strip()} in {len(fetched)} requests; "
                  f"index built in {_index_seconds(root):.2f} s")
        browser.close()
    shutil.rmtree(synthetic.parent, ignore_errors=True)


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
    quarto = None if args.no_quarto else bench_quarto.quarto_launcher(Path(args.book))
    if quarto is None and not args.no_quarto:
        print("bench: real Quarto not found ($QUARTO, PATH, ../shared/quarto): its rows are "
              "left out")
    site = bench_book(Path(args.book), args.runs, browser=not args.no_browser, quarto=quarto)
    bench_small_book(args.runs, with_jb1=not args.no_jupyter_book, quarto=quarto)
    bench_cleanup.report(args.runs)
    _weights(site, site.parent)
    if not args.no_browser:
        bench_search_bytes(site)
    shutil.rmtree(site.parent.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
