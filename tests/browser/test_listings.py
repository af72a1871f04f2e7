"""Listing pages in headless Chromium, on the website fixture: a category chosen shows only its
posts (and survives a reload through the address), the table sorts by its menu and its
headers and filters as one types, and a listing longer than `page-size` is shown a page at a
time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from bookengine.build import build
from bookengine.core.localserver import serving

from tests.browser.conftest import Served
from tests.conftest import copy_book
from tests.engine.test_projects import WEBSITE


@pytest.fixture(scope="module")
def website(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    book = copy_book(WEBSITE, tmp_path_factory.mktemp("listing-browser") / "website")
    page = book / "gallery.qmd"  # three posts, two to a page
    page.write_text(page.read_text(encoding="utf-8").replace("type: grid",
                                                             "type: grid\n  page-size: 2"),
                    encoding="utf-8")
    build(book, log=lambda line: None)
    with serving(Path(book / "_site")) as base:
        yield Served(base)


def visible_titles(page, selector: str = ".quarto-post .listing-title") -> list[str]:
    """The titles a reader sees, in order (hidden items have no layout box)."""
    return page.evaluate(
        "sel => Array.from(document.querySelectorAll(sel)).filter(e => e.offsetParent !== null)"
        ".map(e => e.textContent.trim())", selector)


def test_a_category_shows_its_posts(website, watched) -> None:
    page = watched.page
    page.goto(website.url("blog.html"))
    assert visible_titles(page) == ["Cost curves", "First light", "A slow year"]
    page.locator(".quarto-listing-category .category", has_text="analysis").click()
    assert visible_titles(page) == ["Cost curves", "First light"]
    assert page.url.endswith("#category=analysis")
    page.reload()
    assert visible_titles(page) == ["Cost curves", "First light"]
    # A post's own category chip chooses it too; "All" brings every post back.
    page.locator(".quarto-post .listing-category", has_text="news").first.click()
    assert visible_titles(page) == ["First light", "A slow year"]
    page.locator(".quarto-listing-category .category", has_text="All").click()
    assert visible_titles(page) == ["Cost curves", "First light", "A slow year"]
    assert watched.errors == []


def test_a_table_sorts_and_filters(website, watched) -> None:
    page = watched.page
    page.goto(website.url("archive.html"))
    rows = "#listing-table tbody tr .listing-title"
    assert visible_titles(page, rows) == ["A slow year", "First light", "Cost curves"]
    page.select_option("#listing-table select", label="Date - Newest")
    assert visible_titles(page, rows) == ["Cost curves", "First light", "A slow year"]
    page.select_option("#listing-table select", label="Title")
    assert visible_titles(page, rows) == ["A slow year", "Cost curves", "First light"]
    page.locator("#listing-table th a.sort", has_text="Title").click()  # ascending
    page.locator("#listing-table th a.sort", has_text="Title").click()  # then descending
    assert visible_titles(page, rows) == ["First light", "Cost curves", "A slow year"]
    page.fill("#listing-table input.search", "lovelace")
    assert visible_titles(page, rows) == ["First light"]
    page.fill("#listing-table input.search", "no such post")
    assert visible_titles(page, rows) == []
    assert page.locator("#listing-table .listing-no-matching").is_visible()
    assert watched.errors == []


def test_a_long_listing_is_shown_a_page_at_a_time(website, watched) -> None:
    page = watched.page
    page.goto(website.url("gallery.html"))
    cards = ".quarto-grid-item .card-title"
    assert visible_titles(page, cards) == ["A slow year", "Cost curves"]
    page.locator(".listing-pagination button", has_text="2").click()
    assert visible_titles(page, cards) == ["First light"]
    assert watched.errors == []
