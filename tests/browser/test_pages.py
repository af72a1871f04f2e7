"""Every page of the real book in headless Chromium: charts drawn, no errors, nothing external."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.request
from pathlib import Path

import pytest
from bookengine.render.numbering import output_href
from bookengine.source.config_load import load_config

from tests.browser.conftest import wait_for_charts

MARK_COUNT = """(label) => {
  const view = window.bookCharts[label].view;
  let n = 0;
  (function walk(node) {
    if (!node) return;
    if (node.marktype && node.items) n += node.items.length;
    (node.items || []).forEach(walk);
  })(view.scenegraph().root);
  return n;
}"""


def pages(project: Path) -> list[str]:
    return [output_href(rel) for rel in load_config(project).pages]


def test_every_page_draws_its_charts_without_errors(built_project, book_site, watched) -> None:
    page = watched.page
    drawn = 0
    for href in pages(built_project):
        page.goto(book_site.url(href))
        wait_for_charts(page)
        labels = page.eval_on_selector_all(".chart-frame", "fs => fs.map(f => f.dataset.figure)")
        for label in labels:
            assert page.evaluate(MARK_COUNT, label) > 0, f"{href}: {label} drew no marks"
            drawn += 1
    assert drawn >= 16
    assert watched.errors == []
    outside = [u for u in watched.requests if not u.startswith(book_site.base)]
    assert outside == [], "no request may leave 127.0.0.1"


def scale_type(page, label: str, channel: str) -> str:
    return page.evaluate(
        "([l, c]) => window.bookCharts[l].view.scale(c).type", [label, channel])


def test_log_linear_switch_and_address(book_site, watched) -> None:
    page = watched.page
    page.goto(book_site.url("chapters/ord.html"))
    wait_for_charts(page)
    label = "fig-ord-log-x"
    frame = page.locator(f'.chart-frame[data-figure="{label}"]')
    assert scale_type(page, label, "x") == "log"
    frame.locator('button[data-scale="linear"]').click()
    wait_for_charts(page)
    assert scale_type(page, label, "x") == "linear"
    assert frame.locator('button[data-scale="linear"]').get_attribute("aria-pressed") == "true"
    shared = page.url
    assert f"{label}.scale=linear" in shared
    fresh = page.context.new_page()
    fresh.goto(shared)
    wait_for_charts(fresh)
    assert scale_type(fresh, label, "x") == "linear", "a copied address restores the view"
    fresh.close()


def test_slider_state_in_address(book_site, watched) -> None:
    page = watched.page
    page.goto(book_site.url("chapters/synthesis.html"))
    wait_for_charts(page)
    label = page.eval_on_selector(".chart-frame", "f => f.dataset.figure")
    slider = page.locator(f'.chart-frame[data-figure="{label}"] input[type="range"]').first
    name = slider.get_attribute("name")
    slider.evaluate("(el) => { el.value = el.min; el.dispatchEvent(new Event('input')); }")
    page.wait_for_function("(k) => location.search.includes(k)", arg=f"{label}.{name}=")
    value = page.evaluate("([l, n]) => window.bookCharts[l].view.signal(n)", [label, name])
    other = page.context.new_page()
    other.goto(page.url)
    wait_for_charts(other)
    assert other.evaluate("([l, n]) => window.bookCharts[l].view.signal(n)", [label, name]) == value
    other.close()


def test_table_view_and_csv_equal_the_live_chart(book_site, watched) -> None:
    page = watched.page
    page.goto(book_site.url("chapters/greenblatt.html"))
    wait_for_charts(page)
    label = "fig-greenblatt-metr"
    live = page.evaluate("(l) => window.bookChartRows(l)", label)
    frame = page.locator(f'.chart-frame[data-figure="{label}"]')
    frame.locator(".figure-data summary").click()
    table = frame.locator(".data-table table")
    table.wait_for()
    header = table.locator("thead th").all_inner_texts()
    body = [r.locator("td").all_inner_texts() for r in table.locator("tbody tr").all()]
    assert len(body) == len(live) > 0
    for row, want in zip(body, live, strict=True):
        assert row == ["" if want.get(c) is None else _js_text(want.get(c)) for c in header]
    href = frame.locator("a", has_text="Data (CSV)").get_attribute("href")
    csv_text = urllib.request.urlopen(book_site.url("chapters/" + href)).read().decode()
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert len(rows) == len(live)
    for row, want in zip(rows, live, strict=True):
        assert set(want) <= set(row), "the CSV has every column the live chart holds"
        for key in set(row) | set(want):
            value = want.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool):
                assert float(row[key]) == pytest.approx(value)
            else:
                assert row[key] == ("" if value is None else _py_text(value)), key


def _js_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _py_text(value) -> str:
    return str(value)


def test_cite_block_and_meta_tags(book_site, watched) -> None:
    page = watched.page
    page.goto(book_site.url("chapters/ord.html"))
    meta = page.eval_on_selector_all(
        "meta[name^='citation_']", "ms => ms.map(m => [m.name, m.content])")
    names = dict(meta)
    assert names["citation_title"].startswith("Toby Ord")
    assert names["citation_inbook_title"] == "The Inference Scaling Debate"
    assert names["citation_author"]
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}", names["citation_publication_date"])
    assert names["citation_public_url"].endswith("/chapters/ord.html")
    block = page.locator(".cite-this")
    assert "Cite this chapter" in block.inner_text()
    plain = block.locator(".cite-plain").inner_text()
    assert "The Inference Scaling Debate" in plain and "chapters/ord.html" in plain
    bib = block.locator(".cite-bibtex code").text_content()
    assert bib.startswith("@incollection{") and "booktitle = {The Inference Scaling Debate}" in bib
    ld = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert ld["@type"] == "Chapter" and ld["isPartOf"]["@type"] == "Book"


def test_figure_link_scrolls_to_the_figure(book_site, watched) -> None:
    page = watched.page
    page.goto(book_site.url("chapters/epoch.html"))
    wait_for_charts(page)
    label = page.eval_on_selector_all(".chart-frame", "fs => fs.map(f => f.dataset.figure)")[-1]
    page.evaluate("window.scrollTo(0, 0)")
    page.locator(f'.chart-frame[data-figure="{label}"] a.figure-link').click()
    assert page.url.endswith(f"#{label}")
    page.wait_for_function(
        "(l) => { const r = document.getElementById(l).getBoundingClientRect();"
        " return r.top >= -5 && r.top < window.innerHeight; }", arg=label)
    cite = page.locator(f'.chart-frame[data-figure="{label}"] .figure-cite code').text_content()
    version = page.locator(f'.chart-frame[data-figure="{label}"]').get_attribute("data-version")
    assert f"Data version {version}" in cite and f"#{label}" in cite


def test_search_finds_a_figure_caption(book_site, watched) -> None:
    page = watched.page
    page.goto(book_site.url("index.html"))
    page.fill("#search-input", "suite coloured release year")
    first = page.locator(".search-results a").first
    first.wait_for()
    hrefs = page.eval_on_selector_all(".search-results a", "as => as.map(a => a.href)")
    assert any(h.endswith("index.html#fig-intro-cost") for h in hrefs)


def test_dark_mode_redraws_charts(book_site, watched) -> None:
    page = watched.page
    page.goto(book_site.url("index.html"))
    wait_for_charts(page)
    label = "fig-intro-cost"
    light = page.evaluate("(l) => window.bookCharts[l].view.background()", label)
    page.click(".theme-toggle")
    page.wait_for_function("(l) => window.bookCharts[l].theme === 'dark' && "
                           "window.bookCharts[l].view", arg=label)
    dark = page.evaluate("(l) => window.bookCharts[l].view.background()", label)
    assert light != dark
    page.reload()
    wait_for_charts(page)
    assert page.evaluate("document.documentElement.dataset.theme") == "dark", "remembered"


def test_no_sideways_scroll_at_375px(built_project, book_site, browser) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    for href in pages(built_project):
        page.goto(book_site.url(href))
        wait_for_charts(page)
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] == widths[1], f"{href} scrolls sideways at 375 px: {widths}"
    context.close()


def test_without_javascript_charts_show_their_svg(built_project, book_site, browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(book_site.url("chapters/kokotajlo.html"))
    statics = page.locator("svg.chart-static")
    assert statics.count() >= 3
    for i in range(statics.count()):
        svg = statics.nth(i)
        assert svg.is_visible()
        box = svg.bounding_box()
        assert box["width"] > 100 and box["height"] > 50
    assert page.locator(".chart-source a", has_text="Data (CSV)").count() == statics.count()
    assert page.locator(".chart-source a", has_text="SVG").count() == statics.count()
    assert not page.locator(".chart-source button[data-png]").first.is_visible()
    context.close()


SCENE_DATUMS = """(label) => {
  const out = [];
  (function walk(node) {
    if (!node) return;
    if (node.datum && node.datum.year !== undefined) out.push(node.datum);
    (node.items || []).forEach(walk);
  })(window.bookCharts[label].view.scenegraph().root);
  return out.map(d => Object.assign({}, d));
}"""


def test_sliders_compute_what_the_python_model_computes(book_site, watched) -> None:
    page = watched.page
    checked = 0
    for href in ("chapters/synthesis.html", "chapters/epoch.html"):
        page.goto(book_site.url(href))
        wait_for_charts(page)
        specs = page.eval_on_selector_all(
            ".chart-spec", "ss => ss.map(s => JSON.parse(s.textContent))")
        for payload in specs:
            spec = next(iter(payload["specs"].values()))
            checks = (spec.get("usermeta") or {}).get("model_check")
            if not checks:
                continue
            label = payload["label"]
            for check in checks:
                page.evaluate("async ([l, params]) => { const v = window.bookCharts[l].view;"
                              " for (const [k, x] of Object.entries(params)) v.signal(k, x);"
                              " await v.runAsync(); }", [label, check["params"]])
                datums = page.evaluate(SCENE_DATUMS, label)
                for want in check["expected"]:
                    keys = [k for k in want if not isinstance(want[k], float) or k == "year"]
                    value_keys = [k for k in want if k not in keys]
                    match = [d for d in datums if all(d.get(k) == want[k] for k in keys)]
                    assert match, f"{label}: no drawn point for {want}"
                    for k in value_keys:
                        assert match[0][k] == pytest.approx(want[k], rel=1e-6), (label, want)
                checked += 1
    assert checked >= 4, "two settings for each of the two charts with sliders"
