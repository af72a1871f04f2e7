"""Every chart of the real book on a 375 px phone, light and dark, log and linear: the plot keeps
most of the width, no axis title or label is cut off, and nothing overflows the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from bookengine.config import load_config
from bookengine.numbering import output_href

from tests.browser.conftest import wait_for_charts

PHONE = {"width": 375, "height": 800}
MIN_PLOT_SHARE = 0.6

#: For each chart: the width of its SVG, the width of its plot (the x axis's extent), and the
#: text of every axis title, axis label, legend title or legend label that sticks out of the
#: chart, its frame or the window.
MEASURE = """(label) => {
  const frame = document.querySelector(`.chart-frame[data-figure="${label}"]`);
  const svg = frame.querySelector('.chart .chart-live svg') || frame.querySelector('.chart svg');
  const sb = svg.getBoundingClientRect();
  const fb = frame.getBoundingClientRect();
  let plot = 0;
  svg.querySelectorAll('g.role-axis').forEach(g => {
    if (!(g.getAttribute('aria-label') || '').startsWith('X-axis')) return;
    const line = g.querySelector('.role-axis-domain') || g.querySelector('.role-axis-grid') || g;
    plot = Math.max(plot, line.getBoundingClientRect().width);
  });
  const left = Math.max(sb.left, fb.left, 0);
  const right = Math.min(sb.right, fb.right, window.innerWidth);
  const clipped = [];
  svg.querySelectorAll('.role-axis-title text, .role-axis-label text, .role-legend-title text, '
                       + '.role-legend-label text').forEach(t => {
    const b = t.getBoundingClientRect();
    if (b.width > 0 && (b.left < left - 1 || b.right > right + 1)) {
      clipped.push(t.textContent);
    }
  });
  return {width: sb.width, plot: plot, clipped: clipped};
}"""


def pages(project: Path) -> list[str]:
    return [output_href(rel) for rel in load_config(project).pages]


def _problems(page, href: str, label: str, variant: str) -> list[str]:
    m = page.evaluate(MEASURE, label)
    where = f"{href} {label} ({variant})"
    problems = []
    if m["width"] <= 0 or m["plot"] / m["width"] < MIN_PLOT_SHARE:
        problems.append(f"{where}: plot {m['plot']:.0f} of {m['width']:.0f} px")
    problems += [f"{where}: cut off: {text!r}" for text in m["clipped"]]
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
    assert problems == []
