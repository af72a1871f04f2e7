"""Charts at first paint: each chart's static SVG is in the page from the first byte, the live
view replaces it without moving anything, and a page without charts loads no Vega."""

from __future__ import annotations

from pathlib import Path

from bookengine.render.numbering import output_href
from bookengine.source.config_load import load_config

from tests.browser.conftest import wait_for_charts

LAYOUT_SHIFTS = """
window.__shifts = [];
window.__firstEmbed = null;
// The moment the first live view starts (book.js's "chart-view-start"): no live view can move
// anything before it.
document.addEventListener("chart-view-start", () => {
  if (window.__firstEmbed === null) { window.__firstEmbed = performance.now(); }
});
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    window.__shifts.push({value: e.value, input: e.hadRecentInput, at: e.startTime,
      nodes: e.sources.map(s => (s.node ? (s.node.className || s.node.nodeName) : "") + " " +
        JSON.stringify([s.previousRect.y, s.previousRect.height,
                        s.currentRect.y, s.currentRect.height]))});
  }
}).observe({type: "layout-shift", buffered: true});
"""

STATIC_BOXES = """() => Array.from(document.querySelectorAll('.chart-frame')).map(f => {
  const svg = f.querySelector('svg.chart-static');
  const r = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  const style = svg ? getComputedStyle(svg) : null;
  return {label: f.dataset.figure, width: r.width, height: r.height,
          shown: !!style && style.visibility === 'visible' && style.display !== 'none',
          marks: svg ? svg.querySelectorAll('path, text, line, rect').length : 0};
})"""


def chart_pages(project: Path) -> list[str]:
    site = project / "site"
    return [output_href(rel) for rel in load_config(project).pages
            if 'class="chart-frame"' in (site / output_href(rel)).read_text(encoding="utf-8")]


def test_every_chart_is_drawn_without_vega(built_project, book_site, browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    blocked: list[str] = []

    def block(route) -> None:
        blocked.append(route.request.url)
        route.abort()

    page.route("**/vega.js", block)
    hrefs = chart_pages(built_project)
    assert len(hrefs) >= 5
    seen = 0
    for href in hrefs:
        page.goto(book_site.url(href))
        page.wait_for_load_state("load")
        boxes = page.evaluate(STATIC_BOXES)
        assert boxes, href
        for box in boxes:
            assert box["shown"] and box["width"] > 100 and box["height"] > 50, (href, box)
            assert box["marks"] > 10, f"{href}: {box['label']} has an empty drawing"
            seen += 1
        assert page.evaluate("Object.values(window.bookCharts).every(s => !s.view)")
    assert blocked, "the pages asked for vega.js (and were refused)"
    assert seen >= 16
    context.close()


def test_no_layout_shift_when_the_live_views_arrive(built_project, book_site, browser) -> None:
    """The viewport is as tall as the page, so every element is on screen when the live views
    replace their drawings: a view that moved anything, above or below itself, would count."""
    for width in (1280, 375):
        for href in chart_pages(built_project):
            probe = browser.new_context(viewport={"width": width, "height": 800})
            page = probe.new_page()
            page.route("**/vega.js", lambda route: route.abort())
            page.goto(book_site.url(href))
            height = page.evaluate("document.documentElement.scrollHeight")
            probe.close()
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            page.add_init_script(LAYOUT_SHIFTS)
            page.goto(book_site.url(href))
            wait_for_charts(page)
            page.wait_for_timeout(200)
            drawn = page.evaluate("Array.from(document.querySelectorAll('.chart-frame'))"
                                  ".every(f => f.classList.contains('chart-ready'))")
            assert drawn, f"{href}: every live view replaced its drawing"
            shifts, first = page.evaluate("[window.__shifts, window.__firstEmbed]")
            assert first is not None, f"{href}: no live view was started"
            # Shifts while the page still loads (a table's columns settling as its rows arrive,
            # under load) come before any live view and are not what this test is about.
            late = [s for s in shifts if s["at"] >= first]
            assert sum(s["value"] for s in late) == 0, (
                f"{href} at {width} px, first live view at {first:.0f} ms: {shifts}")
            context.close()


def test_live_view_fills_the_reserved_box(built_project, book_site, watched) -> None:
    page = watched.page
    page.goto(book_site.url("chapters/synthesis.html"))
    wait_for_charts(page)
    sizes = page.evaluate("""() => Array.from(document.querySelectorAll('.chart-frame')).map(f => {
      const box = f.querySelector('.chart').getBoundingClientRect();
      const live = f.querySelector('.chart-live svg').getBoundingClientRect();
      return [box.width, box.height, live.width, live.height];
    })""")
    for box_w, box_h, live_w, live_h in sizes:
        assert abs(box_h - live_h) <= 1 and abs(box_w - live_w) <= 1, sizes
    assert watched.errors == []


def test_a_page_without_charts_loads_no_vega(built_project, book_site, watched) -> None:
    site = built_project / "site"
    plain = [output_href(rel) for rel in load_config(built_project).pages
             if 'class="chart-frame"' not in (site / output_href(rel)).read_text()]
    assert plain
    page = watched.page
    for href in plain:
        page.goto(book_site.url(href))
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)
    assert not [u for u in watched.requests if "vega" in u]
    page.goto(book_site.url(chart_pages(built_project)[0]))
    wait_for_charts(page)
    assert [u for u in watched.requests if u.endswith("assets/vega.js")]


def test_png_is_made_from_the_live_view(book_site, watched) -> None:
    page = watched.page
    page.goto(book_site.url("chapters/ord.html"))
    wait_for_charts(page)
    with page.expect_download() as info:
        page.locator('.chart-frame[data-figure="fig-ord-log-x"] button[data-png]').click()
    download = info.value
    assert download.suggested_filename == "fig-ord-log-x.png"
    data = Path(download.path()).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


# Every live view the page makes, in order, and how many were being made at once at most.
EMBEDS = """
window.__embeds = {order: [], inFlight: 0, most: 0};
// book.js announces each live view it starts making ("chart-view-start") and each it has made
// ("chart-rendered").
document.addEventListener("chart-view-start", (e) => {
  const log = window.__embeds;
  log.order.push(e.target.dataset.figure);
  log.most = Math.max(log.most, ++log.inFlight);
});
document.addEventListener("chart-rendered", () => { window.__embeds.inFlight--; });
"""

NEAR = """() => Array.from(document.querySelectorAll('.chart-frame')).filter(f => {
  const r = f.getBoundingClientRect();
  return r.bottom > -300 && r.top < innerHeight + 300;
}).map(f => f.dataset.figure)"""


def test_live_views_are_made_one_at_a_time_those_in_view_first(book_site, browser) -> None:
    """A reader who scrolls to a chart before Vega has loaded gets that chart's live view before
    the charts they skipped; and no two views are made in the same task, so the page answers
    input between them."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(EMBEDS)
    page = context.new_page()
    held = []
    page.route("**/assets/vega.js", lambda route: held.append(route))
    # The page's load event waits for Vega (an async script of its head), held here.
    page.goto(book_site.url("chapters/ord.html"), wait_until="domcontentloaded")
    frames = page.evaluate("Array.from(document.querySelectorAll('.chart-frame'))"
                           ".map(f => f.dataset.figure)")
    near_at_top = page.evaluate(NEAR)
    last = frames[-1]
    assert last not in near_at_top and len(frames) >= 4, (frames, near_at_top)
    page.locator(f'.chart-frame[data-figure="{last}"]').scroll_into_view_if_needed()
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    near = set(near_at_top) | set(page.evaluate(NEAR))
    skipped = [f for f in frames if f not in near]
    assert skipped, (frames, near)
    assert len(held) == 1 and page.evaluate("window.__embeds.order") == []
    held[0].continue_()
    wait_for_charts(page)
    log = page.evaluate("window.__embeds")
    assert sorted(log["order"]) == sorted(frames), log
    assert set(log["order"][: len(near)]) == near, (log["order"], near)
    assert log["most"] == 1, log
    context.close()
