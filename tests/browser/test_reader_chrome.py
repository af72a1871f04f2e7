"""The page around the book as a reader meets it: a link to a figure lands below the sticky
header, and search works on a phone (inside the screen, with an excerpt, by arrow keys) and is
not offered without JavaScript, since it runs in the browser."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Served

PHONE = {"width": 375, "height": 740}


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE],
                         ids=["desktop", "phone"])
def test_a_figure_link_lands_below_the_header(browser, book_site: Served, viewport) -> None:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        page.goto(book_site.url("chapters/epoch.html#fig-epoch-frontiermath"))
        page.wait_for_timeout(300)
        header = page.evaluate("document.querySelector('.topbar').getBoundingClientRect().bottom")
        top = page.evaluate(
            "document.getElementById('fig-epoch-frontiermath').getBoundingClientRect().top")
        assert header <= top <= header + 120, (header, top)
    finally:
        context.close()


def test_search_on_a_phone(browser, book_site: Served) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(book_site.url("chapters/ord.html"))
        title = page.locator(".topbar .book-title")
        assert page.evaluate("e => e.scrollWidth <= e.clientWidth", title.element_handle())
        assert title.inner_text().replace("\n", " ") == "The Inference Scaling Debate"
        page.fill("#search-input", "doubling")
        results = page.locator(".search-results")
        results.wait_for(state="visible")
        box = results.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        links = results.locator("a")
        assert links.count() >= 3
        excerpt = links.first.locator(".excerpt").inner_text().lower()
        assert "doubl" in excerpt
        page.press("#search-input", "ArrowDown")
        assert page.evaluate("document.activeElement === document.querySelector("
                             "'.search-results a')")
        page.keyboard.press("ArrowDown")
        assert page.evaluate("document.activeElement === "
                             "document.querySelectorAll('.search-results a')[1]")
        page.keyboard.press("ArrowUp")
        page.keyboard.press("ArrowUp")
        assert page.evaluate("document.activeElement.id") == "search-input"
    finally:
        context.close()


def test_no_search_box_without_javascript(browser, book_site: Served) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(book_site.url("index.html"))
        assert not page.locator("form.search").is_visible()
    finally:
        context.close()


BOOK_PAGES = ["index.html", "chapters/ord.html", "chapters/greenblatt.html",
              "chapters/kokotajlo.html", "chapters/epoch.html", "chapters/synthesis.html",
              "appendices/data-sources.html", "appendices/methods.html",
              "appendices/changelog.html", "appendices/how-to-cite.html"]


def test_no_table_is_clipped_on_a_desktop(browser, book_site: Served) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    clipped = []
    try:
        for href in BOOK_PAGES:
            page.goto(book_site.url(href))
            for width, inner, head in page.evaluate(
                    "() => Array.from(document.querySelectorAll('article table'))"
                    ".map(t => [t.scrollWidth, t.clientWidth,"
                    " (t.querySelector('th') || t).textContent.trim().slice(0, 30)])"):
                if width > inner + 1:
                    clipped.append(f"{href}: table '{head}' is {width} px in {inner} px")
    finally:
        context.close()
    assert not clipped, clipped
