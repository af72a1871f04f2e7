"""axe-core on every page, in both themes: no serious or critical violations."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from bookengine.render.numbering import output_href
from bookengine.source.config_load import load_config

from tests.browser.conftest import wait_for_charts


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_violations(built_project, book_site, browser, scheme: str) -> None:
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    axe = Axe()
    found = []
    for rel in load_config(built_project).pages:
        href = output_href(rel)
        page.goto(book_site.url(href))
        wait_for_charts(page)
        assert page.evaluate("getComputedStyle(document.body).colorScheme") == scheme
        results = axe.run(page)
        for v in results.response["violations"]:
            if v["impact"] in ("serious", "critical"):
                targets = [n["target"] for n in v["nodes"]][:3]
                found.append(f"{href} [{scheme}] {v['id']}: {v['help']} {targets}")
    context.close()
    assert found == []


def test_keyboard_reaches_the_controls(book_site, browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(book_site.url("chapters/ord.html"))
    wait_for_charts(page)
    button = page.locator('.chart-frame[data-figure="fig-ord-log-x"] button[data-scale="linear"]')
    button.focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focused controls show a focus ring"
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.bookCharts['fig-ord-log-x'].view && "
                           "window.bookCharts['fig-ord-log-x'].scale === 'linear'")
    context.close()
