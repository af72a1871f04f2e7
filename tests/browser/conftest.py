"""Headless Chromium (Debian's package) driven by Playwright, against sites served on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from bookengine.core.chromium import ChromiumMissing, find_chromium
from bookengine.core.localserver import serving

from tests.conftest import browser_required

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


def chromium_path() -> str | None:
    try:
        return find_chromium()
    except ChromiumMissing:
        return None


class Served:
    """The address of a site served on 127.0.0.1."""

    def __init__(self, base: str):
        self.base = base + "/"

    def url(self, href: str) -> str:
        return self.base + href


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """A Chromium browser; missing Chromium fails in CI and skips elsewhere."""
    path = chromium_path()
    if path is None:
        if browser_required():
            pytest.fail("Debian's chromium is required for the browser tests (apt-get install "
                        "chromium)")
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def book_site(built_project: Path) -> Iterator[Served]:
    with serving(built_project / "site") as base:
        yield Served(base)


class PageWatch:
    """A page with its console errors and every request it made."""

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))


@pytest.fixture
def watched(browser) -> Iterator[PageWatch]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield PageWatch(page)
    context.close()


WAIT_FOR_CHARTS = """() => {
  const frames = document.querySelectorAll('.chart-frame');
  return Array.from(frames).every(f => {
    const s = window.bookCharts && window.bookCharts[f.dataset.figure];
    return s && s.view;
  });
}"""


def wait_for_charts(page) -> None:
    page.wait_for_function(WAIT_FOR_CHARTS, timeout=20_000)
