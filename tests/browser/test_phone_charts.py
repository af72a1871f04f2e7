"""Every chart of the real book on a 375 px phone, light and dark, log and linear: the plot keeps
most of the width and is tall enough to read, no text in the chart is cut off, shortened or smaller
than 10 px, and nothing overflows the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from bookengine.render.numbering import output_href
from bookengine.source.config_load import load_config

from tests.browser.conftest import wait_for_charts

PHONE = {"width": 375, "height": 800}
MIN_PLOT_SHARE = 0.6
MIN_PLOT_HEIGHT = 150
MIN_FONT_PX = 10

#: For each chart's live view: the width of its SVG, the width and height of its plot (the root
#: group's background, which Vega sizes to the plot), the text of every piece of chart text
#: (axes, legends, marks) that sticks out of the chart, its frame or the window or that Vega
#: shortened with "…", and any text drawn smaller than 10 px.
MEASURE = """(label) => {
  const frame = document.querySelector(`.chart-frame[data-figure="${label}"]`);
  const svg = frame.querySelector('.chart .chart-live svg');
  if (!svg) return {width: 0, plot: 0, height: 0, clipped: ['no live view'], small: []};
  const sb = svg.getBoundingClientRect();
  const fb = frame.getBoundingClientRect();
  const bg = svg.querySelector('.role-frame.root > g > path.background');
  const pb = bg.getBoundingClientRect();
  const scale = sb.width / svg.width.baseVal.value;
  const left = Math.max(sb.left, fb.left, 0);
  const right = Math.min(sb.right, fb.right, window.innerWidth);
  const clipped = [], small = [];
  svg.querySelectorAll('text').forEach(t => {
    const b = t.getBoundingClientRect();
    if (b.width <= 0 || !t.textContent.trim()) return;
    if (b.left < left - 1 || b.right > right + 1 || t.textContent.endsWith('\u2026')) {
      clipped.push(t.textContent);
    }
    const size = parseFloat(t.getAttribute('font-size') || getComputedStyle(t).fontSize) * scale;
    if (size < 10) small.push(`${t.textContent} (${size.toFixed(1)} px)`);
  });
  return {width: sb.width, plot: pb.width, height: pb.height, clipped: clipped, small: small};
}"""


def pages(project: Path) -> list[str]:
    return [output_href(rel) for rel in load_config(project).pages]


def _problems(page, href: str, label: str, variant: str) -> list[str]:
    m = page.evaluate(MEASURE, label)
    where = f"{href} {label} ({variant})"
    problems = []
    if m["plot"] < MIN_PLOT_SHARE * PHONE["width"]:
        problems.append(f"{where}: plot {m['plot']:.0f} px wide of a {PHONE['width']} px screen")
    if m["height"] < MIN_PLOT_HEIGHT:
        problems.append(f"{where}: plot {m['height']:.0f} px tall")
    problems += [f"{where}: cut off: {text!r}" for text in m["clipped"]]
    problems += [f"{where}: text under {MIN_FONT_PX} px: {text}" for text in m["small"]]
    return problems


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_chart_fits_a_phone(built_project, book_site, browser, scheme) -> None:
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    page = context.new_page()
    problems: list[str] = []
    measured = 0
    for href in pages(built_project):
        page.goto(book_site.url(href))
        wait_for_charts(page)
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            problems.append(f"{href}: the page overflows at 375 px: {widths}")
        outside = page.eval_on_selector_all(
            ".chart-controls input, .chart-controls .vega-bind",
            "els => els.filter(e => { const b = e.getBoundingClientRect();"
            " return b.left < 0 || b.right > window.innerWidth + 0.5; }).length")
        if outside:
            problems.append(f"{href}: {outside} controls run off the screen")
        labels = page.eval_on_selector_all(".chart-frame", "fs => fs.map(f => f.dataset.figure)")
        for label in labels:
            problems += _problems(page, href, label, "as shown")
            measured += 1
            linear = page.locator(f'.chart-frame[data-figure="{label}"] '
                                  'button[data-scale="linear"]')
            if linear.count():
                linear.click()
                page.wait_for_function(
                    "(l) => window.bookCharts[l].scale === 'linear' && window.bookCharts[l].view",
                    arg=label)
                page.evaluate("(l) => window.bookCharts[l].ready.then(() => true)", label)
                problems += _problems(page, href, label, "linear")
                page.locator(f'.chart-frame[data-figure="{label}"] '
                             'button[data-scale="log"]').click()
                page.wait_for_function(
                    "(l) => window.bookCharts[l].scale === 'log' && window.bookCharts[l].view",
                    arg=label)
                page.evaluate("(l) => window.bookCharts[l].ready.then(() => true)", label)
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            problems.append(f"{href}: the page overflows after switching scales: {widths}")
    context.close()
    assert measured >= 19
    assert not problems, "\n".join(problems)
