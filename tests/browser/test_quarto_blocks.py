"""Quarto's interactive blocks in headless Chromium, on the fixture book: tabsets, collapsed
callouts, folded code and Mermaid diagrams, with no errors and nothing loaded from elsewhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from bookengine.build import build
from bookengine.core.localserver import serving

from tests.browser.conftest import Served
from tests.conftest import REPO, copy_book

FIXTURE = REPO / "tests" / "fixtures" / "quarto-features"


@pytest.fixture(scope="module")
def quarto_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    book = copy_book(FIXTURE, tmp_path_factory.mktemp("quarto-browser") / "book")
    build(book, log=lambda line: None)
    with serving(Path(book / "_book")) as base:
        yield Served(base)


def test_tabset_switches_by_click_and_arrow_keys(quarto_site, watched) -> None:
    page = watched.page
    page.goto(quarto_site.url("blocks.html"))
    first = page.get_by_role("tab", name="First tab")
    second = page.get_by_role("tab", name="Second tab")
    assert page.get_by_text("Content of the first tab.").is_visible()
    assert not page.get_by_text("Content of the second tab.").is_visible()
    second.click()
    assert page.get_by_text("Content of the second tab.").is_visible()
    assert not page.get_by_text("Content of the first tab.").is_visible()
    assert second.get_attribute("aria-selected") == "true"
    second.press("ArrowRight")  # wraps round to the first tab
    assert first.get_attribute("aria-selected") == "true"
    assert page.evaluate("document.activeElement.textContent") == "First tab"
    assert page.get_by_text("Content of the first tab.").is_visible()
    assert watched.errors == []


def test_grouped_tabsets_switch_together(quarto_site, watched) -> None:
    page = watched.page
    page.goto(quarto_site.url("blocks.html"))
    assert page.get_by_text("Python in the second group.").is_visible()
    page.get_by_role("tab", name="Julia").first.click()
    assert page.get_by_text("Julia in the first group.").is_visible()
    assert page.get_by_text("Julia in the second group.").is_visible()
    assert not page.get_by_text("Python in the second group.").is_visible()


def test_collapsed_callout_opens_on_click(quarto_site, watched) -> None:
    page = watched.page
    page.goto(quarto_site.url("blocks.html"))
    hidden = page.get_by_text("Hidden until opened.")
    assert not hidden.is_visible()
    assert page.get_by_text("Open by default.").is_visible()
    page.get_by_text("Folded warning").click()
    assert hidden.is_visible()


def test_folded_code_opens_on_click(quarto_site, watched) -> None:
    page = watched.page
    page.goto(quarto_site.url("cells.html"))
    code = page.locator("details.code-fold").first.locator("pre")
    assert not code.is_visible()
    assert page.get_by_text("42", exact=True).first.is_visible(), "the output stays visible"
    shown = page.locator("details.code-fold[open] pre")
    assert shown.is_visible() and "shown fold" in shown.inner_text(), "code-fold: show is open"
    page.get_by_text("Show the code").click()
    assert code.is_visible() and "folded_value" in code.inner_text()


def test_mermaid_draws_from_the_site_itself(quarto_site, watched) -> None:
    page = watched.page
    page.goto(quarto_site.url("diagrams.html"))
    page.wait_for_selector(".mermaid-static svg[id^=mermaid-live]", timeout=20_000)
    live = page.locator(".mermaid-static svg")
    assert live.count() == 1, "the live drawing replaces the static one"
    assert "Write" in live.text_content() and "Build" in live.text_content()
    assert page.locator("pre.mermaid").is_hidden(), "the source stays hidden"
    assert all(url.startswith(quarto_site.base) or url.startswith("data:")
               for url in watched.requests), watched.requests
    assert watched.errors == []


def test_mermaid_is_drawn_without_javascript(quarto_site, browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(quarto_site.url("diagrams.html"))
        drawing = page.locator(".mermaid-static svg")
        assert drawing.is_visible() and drawing.bounding_box()["width"] > 100
        assert "Write" in drawing.text_content() and "Build" in drawing.text_content()
        assert page.locator("pre.mermaid").is_hidden(), "no raw diagram source is shown"
    finally:
        context.close()
