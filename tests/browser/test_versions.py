"""Old versions in the browser: the banner of an old chapter, and a cited figure address."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from bookengine.core.localserver import serving

from tests.browser.conftest import Served, wait_for_charts
from tests.deployed import Deployed, deploy_three, git

SITE_URL = "https://example.org/minibook"  # book.site-url of tests/fixtures/minibook


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Deployed:
    return deploy_three(tmp_path_factory.mktemp("versions"))


@pytest.fixture(scope="module")
def branch_site(deployed: Deployed, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The deploy branch checked out and served, as a host would serve it."""
    checkout = tmp_path_factory.mktemp("checkout") / "pages"
    git("clone", "-q", "--branch", "gh-pages", str(deployed.remote), str(checkout))
    with serving(Path(checkout)) as base:
        yield Served(base)


PLOTTED = "() => window.bookCharts['fig-growth'].view.data('source_0')"
"""The rows the drawn chart holds (Vega-Lite names a chart's inline data `source_0`)."""


def local(served: Served, address: str) -> str:
    """A cited address of the book, on the local server."""
    assert address.startswith(SITE_URL + "/"), address
    return served.url(address[len(SITE_URL) + 1:])


def test_an_old_chapter_says_what_the_latest_changed(deployed, branch_site, watched):
    page = watched.page
    first = deployed.ids[0]
    page.goto(branch_site.url(f"v/{first}/chapters/alpha.html#sec-alpha-growth"))
    banner = page.locator(".old-version-banner")
    banner.wait_for()
    text = banner.inner_text()
    assert "You are reading the version of 2026-02-01." in text
    assert "The latest version differs:" in text
    items = banner.locator("li").all_inner_texts()
    assert len(items) == 1
    # The first version printed 1,000 (the 2023 row); the latest prints 100,000 (2025).
    assert items[0].startswith("“The last value is 100,000") and items[0].endswith(
        "1,000 → 100,000")
    link = banner.locator("a.latest-link")
    assert link.get_attribute("href") == branch_site.url("chapters/alpha.html#sec-alpha-growth")
    link.click()
    page.wait_for_url(branch_site.url("chapters/alpha.html#sec-alpha-growth"))
    assert page.locator("#sec-alpha-growth").count() == 1
    assert page.locator(".old-version-banner").count() == 0  # the latest has no banner
    footer = page.locator(".version-line").inner_text()
    assert "Version of 2026-04-01" in footer and "all versions" in footer
    assert watched.errors == []


def test_a_revised_page_says_its_text_changed(deployed, branch_site, watched):
    page = watched.page
    page.goto(branch_site.url(f"v/{deployed.ids[1]}/chapters/gamma.html"))
    banner = page.locator(".old-version-banner")
    banner.wait_for()
    assert "You are reading the version of 2026-03-01." in banner.inner_text()
    assert banner.locator("li").all_inner_texts() == [
        "its wording was revised; no value, figure or section changed"]
    assert banner.locator("a.versions-link").get_attribute("href") == branch_site.url(
        f"versions.html#v-{deployed.ids[1]}")
    assert watched.errors == []


def test_the_latest_version_at_its_own_address_has_no_banner(deployed, branch_site, watched):
    page = watched.page
    page.goto(branch_site.url(f"v/{deployed.ids[-1]}/chapters/alpha.html"))
    page.wait_for_load_state("networkidle")
    assert page.locator(".old-version-banner").count() == 0
    assert watched.errors == []


def test_a_cited_figure_opens_with_the_data_of_its_version(deployed, branch_site, watched):
    page = watched.page
    first = deployed.ids[0]
    page.goto(branch_site.url(f"v/{first}/chapters/alpha.html"))
    cite = page.locator('.chart-frame[data-figure="fig-growth"] .figure-cite code').text_content()
    address = re.search(r"url = \{([^}]*)\}", cite).group(1)
    assert address == f"{SITE_URL}/v/{first}/chapters/alpha.html#fig-growth"
    page.goto("about:blank")
    page.goto(local(branch_site, address))
    wait_for_charts(page)
    rows = page.evaluate(PLOTTED)
    assert sorted(int(r["year"]) for r in rows) == [2020, 2021, 2022, 2023]
    assert max(float(r["value"]) for r in rows) == 1000
    top = page.evaluate("() => document.getElementById('fig-growth').getBoundingClientRect().top")
    assert -5 <= top < page.viewport_size["height"]
    # The latest version plots the rows added since.
    page.goto(branch_site.url("chapters/alpha.html#fig-growth"))
    wait_for_charts(page)
    rows = page.evaluate(PLOTTED)
    assert max(int(r["year"]) for r in rows) == 2025
    assert watched.errors == []


def test_search_and_dark_mode_work_in_an_old_version(deployed, branch_site, watched):
    page = watched.page
    page.goto(branch_site.url(f"v/{deployed.ids[0]}/chapters/beta.html"))
    page.fill("#search-input", "growth")
    first = page.locator(".search-results a").first
    first.wait_for()
    assert f"/v/{deployed.ids[0]}/" in first.evaluate("a => a.href")
    page.locator(".theme-toggle").click()
    assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    assert watched.errors == []
