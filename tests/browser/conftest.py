"""Headless Chromium (Debian's package) driven by Playwright, against sites served on 127.0.0.1."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import browser_required

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002
        return


class Served:
    """A directory served on 127.0.0.1 for as long as the fixture lives."""

    def __init__(self, directory: Path):
        handler = functools.partial(_Quiet, directory=str(directory.resolve()))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, href: str) -> str:
        return self.base + href

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


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
    served = Served(built_project / "site")
    yield served
    served.close()


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
