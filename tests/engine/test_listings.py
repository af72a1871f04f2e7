"""Quarto's listing pages on the website fixture: which pages a listing names and in what
order, what each item shows (the first paragraph cut as Quarto cuts it, dates in
`date-format`), categories with their counts, items written in YAML, and where the listing
goes on its page. Real Quarto's own output for the same pages is compared in tests/quarto."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from bookengine.build import build
from bookengine.render import listing, listing_html, listing_options

from tests.conftest import copy_book
from tests.engine.test_projects import WEBSITE


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    book = copy_book(WEBSITE, tmp_path_factory.mktemp("listing") / "website")
    build(book, log=lambda message: None)
    return book / "_site"


def titles(html: str, cls: str = "listing-title") -> list[str]:
    return [re.sub(r"<[^>]+>", "", m) for m in
            re.findall(r'class="[^"]*\b' + cls + r'\b[^"]*"[^>]*>(.*?)</h\d>', html, re.S)]


def test_a_default_listing_sorts_cuts_and_counts(site: Path) -> None:
    blog = (site / "blog.html").read_text(encoding="utf-8")
    # `sort: "date desc"`; the folder `posts/_draft-notes` is not part of the site.
    assert titles(blog) == ["Cost curves", "First light", "A slow year"]
    assert "Not listed" not in blog
    # A post's `description:` is its description; else its first paragraph, cut on a space
    # before 175 characters with an ellipsis (the title block's date is not a paragraph).
    assert "The first post, with its own description." in blog
    assert "This opening paragraph is not the description" not in blog
    cut = re.search(r"Costs fall on a log scale.*?…", blog).group(0)
    assert len(cut) <= 175 and cut.endswith("each new model…")
    assert "Short post, first paragraph only." in blog
    # Quarto's medium date; authors joined; the post's own image, linked from the listing.
    assert '<div class="listing-date">Mar 2, 2024</div>' in blog
    assert '<div class="listing-author">Grace Hopper, Alan Turing</div>' in blog
    assert 'src="./posts/a-slow-year/thumb.png" alt="A blue gradient"' in blog
    assert (site / "posts" / "a-slow-year" / "thumb.png").is_file()
    # Every category with its count, after the title block; the script only where needed.
    cats = re.findall(r'<div class="category" data-category="[^"]*">(.*?)</div>', blog)
    assert [re.sub(r"<[^>]+>", "", c) for c in cats] == ["All (3)", "analysis (2)",
                                                          "blog (3)", "news (2)"]
    assert blog.index('id="title-block-header"') < blog.index("quarto-listing-categories")
    assert 'assets/listing.js' in blog
    assert 'assets/listing.js' not in (site / "analysis.html").read_text(encoding="utf-8")


def test_a_grid_goes_in_its_div_and_a_table_has_its_controls(site: Path) -> None:
    gallery = (site / "gallery.html").read_text(encoding="utf-8")
    assert titles(gallery, "card-title") == ["A slow year", "Cost curves", "First light"]
    at = gallery.index('id="listing-cards"')
    assert gallery.index("The posts as cards") < at < gallery.index("Text after the cards")
    assert '<div id="cards"' not in gallery
    archive = (site / "archive.html").read_text(encoding="utf-8")
    table = re.search(r'<table class="quarto-listing-table.*?</table>', archive, re.S).group(0)
    # `date-format: "D MMMM YYYY"`, oldest first, with Quarto's columns and sort menu.
    assert re.findall(r'<span class="listing-date">(.*?)</span>', table) == [
        "30 November 2023", "15 January 2024", "2 March 2024"]
    assert [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<th>(.*?)</th>", table)] == [
        "Date", "Title", "Author"]
    menu = re.search(r'<select aria-label="Order By">.*?</select>', archive, re.S).group(0)
    assert re.findall(r"<option[^>]*>(.*?)</option>", menu) == [
        "Order By", "Default", "Date - Oldest", "Date - Newest", "Title", "Author"]
    assert 'placeholder="Filter"' in archive


def test_items_written_in_yaml(site: Path) -> None:
    archive = (site / "archive.html").read_text(encoding="utf-8")
    picked = archive[archive.index('id="listing-picked"'):]
    # No `sort:`: by title. A `path:` to a page takes that page's first paragraph.
    assert titles(picked) == ["A local note", "An outside reading"]
    assert 'href="https://example.org/reading.html">An outside reading' in picked
    assert "A plain note with a footnote." in picked
    assert "<div class=\"listing-date\">Dec 24, 2023</div>" in picked


def test_contents_that_match_nothing_are_a_warning(tmp_path: Path) -> None:
    book = copy_book(WEBSITE, tmp_path / "website")
    page = book / "blog.qmd"
    page.write_text(page.read_text(encoding="utf-8").replace("contents: posts",
                                                             "contents: nowhere"),
                    encoding="utf-8")
    log: list[str] = []
    build(book, log=log.append)
    assert any("blog.qmd: the listing 'listing' using the contents nowhere doesn't match "
               "any files or folders" in line for line in log), log


def test_quarto_text_rules() -> None:
    # Quarto's truncateText: cut at the length, back to a space, a trailing ':' dropped.
    assert listing.truncate_text("short", 10) == "short"
    assert listing.truncate_text("one two: three four", 10) == "one two…"
    day = datetime.date(2024, 3, 2)
    assert listing_html.format_date(day, "medium") == "Mar 2, 2024"
    assert listing_html.format_date(day, "dddd D [of] MMMM YY") == "Saturday 2 of March 24"
    assert listing_options.read_listings({"listing": "grid"})[0].type == "grid"
    assert [lst.id for lst in listing_options.read_listings({"listing": [{}, {"id": "x"}]})] == [
        "listing-1", "x"]


def test_toc_location_left_puts_the_contents_beside_the_sidebar(tmp_path: Path) -> None:
    book = copy_book(WEBSITE, tmp_path / "website")
    page = book / "archive.qmd"
    page.write_text(page.read_text(encoding="utf-8").replace(
        'title: "Archive"', 'title: "Archive"\ntoc-location: left'), encoding="utf-8")
    build(book, log=lambda message: None)
    html = (book / "_site" / "archive.html").read_text(encoding="utf-8")
    rail = re.search(r'<div class="left-rail">(.*?)</div>\s*<main', html, re.S).group(1)
    assert '<nav id="sidebar"' in rail and '<aside class="toc toc-left"' in rail
    assert 'href="#all-posts">All posts' in rail
    assert '<div class="layout toc-left">' in html
    assert len(re.findall(r'<(?:aside|nav) class="toc', html)) == 1, "one contents list"


def test_folder_metadata_is_under_each_page_of_the_folder(site: Path) -> None:
    # posts/_metadata.yml: every post is in `blog` (lists joined, as Quarto merges them) and
    # folds its code; a page outside posts/ is untouched.
    blog = (site / "blog.html").read_text(encoding="utf-8")
    cats = re.findall(r'<div class="category" data-category="[^"]*">(.*?)</div>', blog)
    assert "blog <span class=\"quarto-category-count\">(3)</span>" in cats
    first = (site / "posts" / "first-light" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<details[^>]*>\s*<summary>Code</summary>", first)
    second = (site / "notes" / "second.html").read_text(encoding="utf-8")
    assert second.count("<details") == 1, "its own code-fold only"


def test_a_changed_folder_metadata_file_rebuilds_its_pages(tmp_path: Path) -> None:
    book = copy_book(WEBSITE, tmp_path / "website")
    build(book, log=lambda message: None)
    meta = book / "posts" / "_metadata.yml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("code-fold: true",
                                                             "code-fold: false"),
                    encoding="utf-8")
    log: list[str] = []
    build(book, log=log.append)
    executed = sorted(line.split()[1] for line in log if line.strip().startswith("executed"))
    assert executed == ["posts/a-slow-year/index.qmd", "posts/cost-curves/index.qmd",
                        "posts/first-light/index.qmd"], log
    first = (book / "_site" / "posts" / "first-light" / "index.html").read_text(
        encoding="utf-8")
    assert "<details" not in first
