"""What a reader sees in the real book's charts: marks that stand out in dark mode (live and,
without JavaScript, static), time axes that name their years, legends that name every series,
the numbers' table and CSV, the downloads, and the synthesis model's controls and readout."""

from __future__ import annotations

import csv
import io
import math
import re
import urllib.request
from decimal import Decimal

import pytest

from tests.browser.conftest import wait_for_charts
from tests.browser.test_phone_charts import pages

DARK_BG = (0x15, 0x18, 0x1C)
LABELS = "fs => fs.map(f => f.dataset.figure)"
MIN_CONTRAST = 3.0  # WCAG 2.1, 1.4.11: graphical objects
#: Marks drawn fainter than this are context by design (the leaderboard's other entries, bands).
CONTEXT_OPACITY = 0.5


def _lum(rgb: tuple[float, float, float]) -> float:
    def ch(c: float) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (ch(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    la, lb = sorted((_lum(a), _lum(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def parse_rgb(text: str) -> tuple[float, float, float] | None:
    text = text.strip().lower()
    m = re.fullmatch(r"#([0-9a-f]{3}|[0-9a-f]{6})", text)
    if m:
        d = m.group(1)
        d = "".join(c * 2 for c in d) if len(d) == 3 else d
        return int(d[0:2], 16), int(d[2:4], 16), int(d[4:6], 16)
    m = re.fullmatch(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)", text)
    if m:
        return float(m.group(1)), float(m.group(2)), float(m.group(3))
    return {"black": (0, 0, 0), "white": (255, 255, 255)}.get(text)


#: Every data mark of a live view: its type, the colour it is seen by (fill, else stroke), its
#: opacity, and a name for the message.
LIVE_MARKS = """(label) => {
  const out = [];
  (function walk(node, mark) {
    if (!node) return;
    if (node.marktype && node.role === 'mark' && node.marktype !== 'group') mark = node;
    if (mark && node.datum !== undefined && !node.items) {
      const filled = node.fill && node.fill !== 'transparent' && node.fill !== 'none'
                     && !['line', 'rule'].includes(mark.marktype);
      const colour = filled ? node.fill : node.stroke;
      const opacity = (node.opacity ?? 1) * (filled ? (node.fillOpacity ?? 1)
                                                    : (node.strokeOpacity ?? 1));
      if (colour) out.push({type: mark.marktype, name: mark.name || '', colour: String(colour),
                            opacity: opacity,
                            what: JSON.stringify(node.datum).slice(0, 80)});
    }
    (node.items || []).forEach(i => walk(i, mark));
  })(window.bookCharts[label].view.scenegraph().root, null);
  return out;
}"""


def _faint(marks: list[dict], where: str) -> list[str]:
    problems = []
    for m in marks:
        if m["opacity"] < CONTEXT_OPACITY or m["type"] in ("area", "rect"):
            continue  # bands and context points are faint on purpose
        rgb = parse_rgb(m["colour"])
        if rgb is None:
            problems.append(f"{where}: unreadable colour {m['colour']!r}")
            continue
        # a mark at opacity < 1 is seen blended into the background
        seen = tuple(c * m["opacity"] + b * (1 - m["opacity"]) for c, b in zip(rgb, DARK_BG,
                                                                               strict=True))
        ratio = contrast(seen, DARK_BG)
        if ratio < MIN_CONTRAST:
            problems.append(f"{where}: {m['type']} {m['colour']} at {ratio:.2f}:1 ({m['what']})")
    return problems


def test_every_mark_stands_out_in_dark_mode(built_project, book_site, browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    page = context.new_page()
    problems: list[str] = []
    checked = 0
    for href in pages(built_project):
        page.goto(book_site.url(href))
        wait_for_charts(page)
        for label in page.eval_on_selector_all(".chart-frame", LABELS):
            bg = page.evaluate("(l) => window.bookCharts[l].view.background()", label)
            assert parse_rgb(bg) == DARK_BG, f"{label}: background {bg}"
            marks = page.evaluate(LIVE_MARKS, label)
            assert marks, label
            checked += len(marks)
            problems += _faint(marks, f"{href} {label}")
    context.close()
    assert checked > 500
    assert not problems, "\n".join(problems)


#: Without JavaScript: each static drawing's background, and every data mark's colour as the
#: page's stylesheet draws it.
STATIC_MARKS = """() => Array.from(document.querySelectorAll('.chart svg.chart-static'))
.map(svg => {
  const bg = getComputedStyle(svg.querySelector(':scope > rect')).fill;
  const marks = [];
  svg.querySelectorAll('g.role-mark').forEach(g => {
    const type = (g.getAttribute('class').match(/mark-(\\w+)/) || [])[1];
    g.querySelectorAll(':scope > path, :scope > line, :scope > text').forEach(el => {
      const cs = getComputedStyle(el);
      const filled = cs.fill !== 'none' && !['line', 'rule'].includes(type);
      const opacity = parseFloat(cs.opacity)
        * parseFloat(filled ? cs.fillOpacity : cs.strokeOpacity);
      marks.push({type: type, colour: filled ? cs.fill : cs.stroke, opacity: opacity,
                  what: (el.textContent || '').slice(0, 40)});
    });
  });
  return {label: svg.closest('.chart-frame').dataset.figure, bg: bg, marks: marks};
})"""


def test_static_drawings_follow_the_dark_theme_without_javascript(built_project, book_site,
                                                                   browser) -> None:
    context = browser.new_context(java_script_enabled=False, color_scheme="dark",
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    drawings = 0
    for href in pages(built_project):
        page.goto(book_site.url(href))
        for drawing in page.evaluate(STATIC_MARKS):
            drawings += 1
            where = f"{href} {drawing['label']} (static)"
            if parse_rgb(drawing["bg"]) != DARK_BG:
                problems.append(f"{where}: background {drawing['bg']}")
            problems += _faint([m for m in drawing["marks"] if m["colour"] != "none"], where)
    context.close()
    assert drawings >= 19
    assert not problems, "\n".join(problems)


AXIS_LABELS = """(label) => {
  const svg = document.querySelector(`.chart-frame[data-figure="${label}"] .chart-live svg`);
  return Array.from(svg.querySelectorAll('g.role-axis')).map(g => ({
    aria: g.getAttribute('aria-label') || '',
    labels: Array.from(g.querySelectorAll('.role-axis-label text')).map(t => t.textContent)}));
}"""

LEGEND_LABELS = """(label) => {
  const svg = document.querySelector(`.chart-frame[data-figure="${label}"] .chart-live svg`);
  return Array.from(svg.querySelectorAll('.role-legend-label text')).map(t => t.textContent);
}"""


def _time_axis_problems(page, label: str) -> list[str]:
    problems = []
    for axis in page.evaluate(AXIS_LABELS, label):
        if "time scale" not in axis["aria"]:
            continue
        labels = axis["labels"]
        if len(set(labels)) != len(labels):
            problems.append(f"{label}: repeated time labels {labels}")
        problems += [f"{label}: a time label without its year: {t!r}" for t in labels
                     if not re.search(r"\b(19|20)\d\d\b", t)]
    return problems


@pytest.mark.parametrize("width", [375, 1280])
def test_time_axes_name_each_year_once(built_project, book_site, browser, width) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    time_axes = 0
    for href in pages(built_project):
        page.goto(book_site.url(href))
        wait_for_charts(page)
        for label in page.eval_on_selector_all(".chart-frame", LABELS):
            axes = page.evaluate(AXIS_LABELS, label)
            time_axes += sum("time scale" in a["aria"] for a in axes)
            problems += _time_axis_problems(page, label)
    context.close()
    assert time_axes >= 3
    assert not problems, "\n".join(problems)


def test_the_benchmark_menu_names_every_series(book_site, browser) -> None:
    """Figure 4.2 under each benchmark: one legend entry per threshold drawn, each named whole,
    the time axis still naming its years."""
    context = browser.new_context(viewport={"width": 375, "height": 900})
    page = context.new_page()
    page.goto(book_site.url("chapters/epoch.html"))
    wait_for_charts(page)
    label = "fig-epoch-cheapest-prices"
    select = page.locator(f'.chart-frame[data-figure="{label}"] select')
    options = select.locator("option").all_inner_texts()
    assert len(options) >= 5
    for option in options:
        select.select_option(option)
        page.evaluate("(l) => window.bookCharts[l].view.runAsync().then(() => true)", label)
        drawn = page.evaluate(
            """(l) => { const out = new Set();
              (function walk(n) { if (!n) return;
                if (n.datum && n.datum.threshold !== undefined && n.mark
                    && n.mark.role === 'mark') out.add(n.datum.threshold);
                (n.items || []).forEach(walk); })(window.bookCharts[l].view.scenegraph().root);
              return [...out]; }""", label)
        legend = page.evaluate(LEGEND_LABELS, label)
        assert sorted(legend) == sorted(drawn), (option, legend, drawn)
        title = page.eval_on_selector_all(
            f'.chart-frame[data-figure="{label}"] .chart-live .role-legend-title text',
            "ts => ts.map(t => t.textContent)")
        assert title and not any(t.endswith("\u2026") for t in title + legend), (title, legend)
        assert _time_axis_problems(page, label) == []
    context.close()


def test_numbers_table_and_csv_read_as_a_table(built_project, book_site, browser) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    problems: list[str] = []
    for href in pages(built_project):
        page.goto(book_site.url(href))
        wait_for_charts(page)
        for label in page.eval_on_selector_all(".chart-frame", LABELS):
            frame = page.locator(f'.chart-frame[data-figure="{label}"]')
            link = frame.locator("a", has_text="Data (CSV)").get_attribute("href")
            base = href.rsplit("/", 1)[0] + "/" if "/" in href else ""
            text = urllib.request.urlopen(book_site.url(base + link)).read().decode()
            rows = list(csv.reader(io.StringIO(text)))
            header = rows[0]
            if "dataset" in header:
                problems.append(f"{label}: a `dataset` column")
            raw = [h for h in header if "_" in h]
            if raw:
                problems.append(f"{label}: raw column names {raw}")
            if "Source" not in header or "Source date" not in header:
                problems.append(f"{label}: no Source and Source date columns: {header}")
            for row in rows[1:]:
                for cell in row:
                    if re.fullmatch(r"-?[\d.]+(e-?\d+)?", cell) and \
                            len(Decimal(cell).normalize().as_tuple().digits) > 6:
                        problems.append(f"{label}: unrounded value {cell}")
            frame.locator(".figure-data summary").click()
            frame.locator(".data-table table").wait_for()
            box = frame.locator(".data-table").bounding_box()
            if box["x"] < 0 or box["x"] + box["width"] > 375 + 0.5:
                problems.append(f"{label}: the table's box runs off the screen: {box}")
            th = frame.locator(".data-table thead th").all_inner_texts()
            if th != header:
                problems.append(f"{label}: table columns {th} are not the CSV's {header}")
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            problems.append(f"{href}: the page overflows with the tables open: {widths}")
    context.close()
    assert not problems, "\n".join(problems)


def test_svg_download_follows_the_view(book_site, watched) -> None:
    page = watched.page
    page.goto(book_site.url("chapters/ord.html"))
    wait_for_charts(page)
    label = "fig-ord-log-x"
    frame = page.locator(f'.chart-frame[data-figure="{label}"]')
    frame.locator('button[data-scale="linear"]').click()
    page.wait_for_function("(l) => window.bookCharts[l].scale === 'linear' && "
                           "window.bookCharts[l].view", arg=label)
    page.evaluate("(l) => window.bookCharts[l].ready.then(() => true)", label)
    with page.expect_download() as info:
        frame.locator(".chart-source a", has_text="SVG").click()
    svg = open(info.value.path(), encoding="utf-8").read()
    live = page.evaluate("(l) => window.bookCharts[l].view.toSVG()", label)
    assert svg == live
    static = urllib.request.urlopen(book_site.url(
        "chapters/" + frame.locator(".chart-source a", has_text="SVG").get_attribute("href"))
    ).read().decode()
    assert _axis_labels(svg) != _axis_labels(static), "the download is the linear view"


def _axis_labels(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def _legend_parity(page, label: str) -> dict[str, str]:
    out = {}
    for text in page.evaluate(LEGEND_LABELS, label):
        name, _, rest = text.partition(": ")
        out[name] = rest
    return out


def test_synthesis_model_reset_alignment_and_parity_readout(book_site, browser) -> None:
    from inference_debate.models import combined as model

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(book_site.url("chapters/synthesis.html"))
    wait_for_charts(page)
    label = "fig-synthesis-model"
    frame = page.locator(f'.chart-frame[data-figure="{label}"]')
    payload = page.evaluate(f"""JSON.parse(document.querySelector(
        '.chart-frame[data-figure="{label}"] .chart-spec').textContent)""")
    spec = next(iter(payload["specs"].values()))
    scenarios = model.default_scenarios()
    # The readout: each line's crossing, as the Python model computes it, at both settings.
    for check in spec["usermeta"]["model_check"]:
        page.evaluate("async ([l, params]) => { const v = window.bookCharts[l].view;"
                      " for (const [k, x] of Object.entries(params)) v.signal(k, x);"
                      " await v.runAsync(); }", [label, check["params"]])
        shown = _legend_parity(page, label)
        for s in scenarios:
            years = model.years_to_parity(s.resolve(model.Parameters(**check["params"])))
            text = shown[model.short_name(s)]
            if math.isinf(years):
                assert text == "never reaches parity", (s.name, text)
            elif years > model.PARITY_HORIZON_YEARS:
                assert "over" in text, (s.name, text)
            else:
                got = float(re.search(r"parity in ([\d.]+) years", text).group(1))
                assert got == pytest.approx(years, rel=0.05), (s.name, text, years)
    # Reset: every slider back to its start, and the address without settings.
    frame.locator(".chart-reset").click()
    page.evaluate("(l) => window.bookCharts[l].view.runAsync().then(() => true)", label)
    defaults = {s.name: s.default for s in model.default_sliders()}
    values = page.evaluate("(l) => { const v = window.bookCharts[l].view; return "
                           f"Object.fromEntries({list(defaults)!r}.map(n => [n, v.signal(n)])); }}",
                           label)
    assert values == pytest.approx(defaults)
    assert "fig-synthesis-model." not in page.url
    inputs = frame.locator('.chart-controls input[type="range"]')
    assert inputs.count() == 4
    shown = frame.locator(".chart-controls input[type='range'] + span").all_inner_texts()
    assert [float(v) for v in shown] == pytest.approx(list(defaults.values()))
    # Aligned: every slider starts and ends at the same x.
    boxes = [inputs.nth(i).bounding_box() for i in range(inputs.count())]
    assert len({round(b["x"]) for b in boxes}) == 1
    assert len({round(b["width"]) for b in boxes}) == 1
    # No floor: at the steepest settings the lowest line keeps falling to the last year.
    page.evaluate("async (l) => { const v = window.bookCharts[l].view;"
                  " v.signal('cost_decline', 20); v.signal('task_growth', 20);"
                  " await v.runAsync(); }", label)
    ys = page.evaluate("""(l) => { const out = {};
      (function walk(n) { if (!n) return;
        if (n.datum && n.datum.scenario && n.datum.year !== undefined && n.y !== undefined
            && n.mark && n.mark.marktype === 'symbol')
          (out[n.datum.scenario] = out[n.datum.scenario] || []).push([n.datum.year, n.y]);
        (n.items || []).forEach(walk); })(window.bookCharts[l].view.scenegraph().root);
      return out; }""", label)
    lowest = ys["In Greenblatt's spirit"]
    heights = [y for _, y in sorted(lowest)]
    assert all(b > a + 0.5 for a, b in zip(heights, heights[1:], strict=False)), heights
    context.close()


def test_the_chosen_rate_line_is_in_the_legend(book_site, watched) -> None:
    page = watched.page
    page.goto(book_site.url("chapters/ord.html"))
    wait_for_charts(page)
    label = "fig-ord-per-use-cost"
    legend = page.evaluate(LEGEND_LABELS, label)
    assert len(legend) == 3 and any("Chosen" in t for t in legend), legend
    dashes = page.eval_on_selector_all(
        f'.chart-frame[data-figure="{label}"] .chart-live .role-legend-symbol path',
        "ps => ps.map(p => p.getAttribute('stroke-dasharray') || '')")
    assert sum(d not in ("", "1,0") for d in dashes) == 1, dashes
