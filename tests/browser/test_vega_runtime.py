"""The live charts run on Vega alone, compiled at publish: a chart page loads no Vega-Lite and no
vega-embed, and the page's own tooltip handler shows each chart's tooltips, in both themes and
after the log/linear switch."""

from __future__ import annotations

import gzip
import urllib.request

from tests.browser.conftest import wait_for_charts

LABEL = "fig-ord-log-x"

# The page position of the centre of the chart's last point (a symbol mark the tooltip is on).
POINT = """(label) => {
  const frame = window.bookCharts[label].frame;
  const marks = frame.querySelectorAll('.chart-live svg g.mark-symbol path');
  const r = marks[marks.length - 1].getBoundingClientRect();
  return [r.left + r.width / 2, r.top + r.height / 2];
}"""

TOOLTIP = """() => {
  const el = document.getElementById('vg-tooltip-element');
  if (!el) { return null; }
  return {visible: el.classList.contains('visible') &&
            getComputedStyle(el).visibility === 'visible',
          role: el.getAttribute('role'), classes: el.className,
          keys: Array.from(el.querySelectorAll('td.key')).map(td => td.textContent),
          html: el.innerHTML, background: getComputedStyle(el).backgroundColor};
}"""


def _hover_point(page) -> dict:
    """Move the pointer onto the chart's last point and return the tooltip it shows."""
    page.mouse.move(5, 5)
    x, y = page.evaluate(POINT, LABEL)
    page.mouse.move(x - 3, y)
    page.mouse.move(x, y)
    page.wait_for_function(f"() => {{ const t = ({TOOLTIP})(); return !!t && t.visible; }}",
                           timeout=5000)
    return page.evaluate(TOOLTIP)


def test_a_chart_page_loads_vega_alone(book_site, watched) -> None:
    page = watched.page
    page.goto(book_site.url("chapters/ord.html"))
    wait_for_charts(page)
    scripts = [u for u in watched.requests if u.endswith(".js")]
    assert [u for u in scripts if "vega" in u] == [book_site.url("assets/vega.js")], scripts
    loaded = page.evaluate("[typeof window.vega.View, typeof window.vega.expressionInterpreter,"
                           " typeof window.vegaEmbed, typeof window.vegaLite]")
    assert loaded == ["function", "object", "undefined", "undefined"]
    gzipped = sum(len(gzip.compress(urllib.request.urlopen(u).read(), 6)) for u in scripts)
    assert gzipped < 200_000, f"a chart page loads {gzipped} bytes of JavaScript (gzip)"
    assert watched.errors == []


def test_tooltips_in_both_themes_and_after_the_scale_switch(book_site, watched) -> None:
    page = watched.page
    page.goto(book_site.url("chapters/ord.html"))
    wait_for_charts(page)
    page.locator(f'.chart-frame[data-figure="{LABEL}"]').scroll_into_view_if_needed()
    tip = _hover_point(page)
    assert tip["role"] == "tooltip" and "light-theme" in tip["classes"], tip
    assert tip["keys"] == ["compute multiplier:", "accuracy (%):"], tip
    page.mouse.move(2, 2)
    page.wait_for_function(f"() => !({TOOLTIP})().visible", timeout=5000)

    frame = page.locator(f'.chart-frame[data-figure="{LABEL}"]')
    frame.locator('button[data-scale="linear"]').click()
    wait_for_charts(page)
    assert page.evaluate("(l) => window.bookCharts[l].view.scale('x').type", LABEL) == "linear"
    assert _hover_point(page)["keys"] == ["compute multiplier:", "accuracy (%):"]

    page.click(".theme-toggle")
    page.wait_for_function("(l) => window.bookCharts[l].theme === 'dark' && "
                           "window.bookCharts[l].view", arg=LABEL)
    wait_for_charts(page)
    tip = _hover_point(page)
    assert "dark-theme" in tip["classes"] and tip["background"].startswith("rgba(32, 32, 32"), tip
    assert watched.errors == []
