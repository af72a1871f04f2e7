"""`make bench`'s figures measured in Chromium: the first paint and the moments a chart page's
charts are interactive, the longest task after the first paint, a prose edit in `make preview`
until the page is painted again, and the bytes one search query fetches."""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bookengine.bench.synthetic import synthetic_book
from bookengine.bench.timing import (
    Table,
    bench_log,
    publish_once,
)
from bookengine.bench.weights import kb
from bookengine.render.numbering import output_href
from bookengine.source.config_load import load_config


def first_paint(copy: Path, config, table: Table, runs: int) -> None:
    """Navigation to the chapter with the most charts: first paint, charts interactive, longest
    task."""
    try:
        from playwright.sync_api import sync_playwright

        from bookengine.core.chromium import find_chromium
        from bookengine.core.localserver import serving
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
    table.add("navigation → every chart interactive", statistics.median(ready), 0.5)
    table.add("longest main-thread task after first paint", statistics.median(longest), unit="ms")


def preview_paint(copy: Path, config, table: Table, runs: int) -> None:
    """`make preview` on the book: a sentence added to a chapter's prose, from the save to the
    first paint of the reloaded page in Chromium (both on the wall clock), median of `runs`."""
    try:
        from playwright.sync_api import sync_playwright

        from bookengine.core.chromium import find_chromium
        from bookengine.preview.server import PreviewServer
        chromium = find_chromium()
    except Exception as exc:  # noqa: BLE001 - the timing is skipped, and says why
        table.add("prose edit → page painted (make preview)", 0, target_text=f"skipped: {exc}")
        return
    rel = next((r for r in config.chapters if r.endswith("ord.qmd")), config.chapters[-1])
    href = output_href(rel)
    source = copy / rel
    server = PreviewServer(copy, port=0, log=bench_log)
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
                bench_log(f"saved {source.name}")
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

def _index_seconds(site: Path) -> float:
    """Seconds Pagefind takes to index a copy of the published `site` (whose book is its
    parent), as publish does."""
    from bookengine.site import search

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

    from bookengine.core.localserver import serving
    from bookengine.pdf import find_chromium

    synthetic = synthetic_book(Path(tempfile.mkdtemp(prefix="book-bench-search-")) / "book",
                               synthetic_chapters)
    publish_once(synthetic)
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
                  f"{kb(sum(fetched)).strip()} in {len(fetched)} requests; "
                  f"index built in {_index_seconds(root):.2f} s")
        browser.close()
    shutil.rmtree(synthetic.parent, ignore_errors=True)
