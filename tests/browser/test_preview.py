"""`make preview`: a broken chapter keeps the last good page served, with the error shown."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

from bookengine.preview.server import RELOAD_SCRIPT, STATUS_PATH, PreviewServer


def status(server: PreviewServer) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{server.port}{STATUS_PATH}") as resp:
        return json.loads(resp.read())


def wait_for(predicate, seconds: float = 90.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError("timed out")


def test_broken_chapter_keeps_last_good_site(minibook: Path, browser) -> None:
    server = PreviewServer(minibook, port=0, log=lambda line: None)
    server.start()
    try:
        assert (status(server)["build"], status(server)["error"]) == (1, None)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{server.port}/chapters/gamma.html")
        assert "Plain text only" in page.inner_text("main")

        gamma = minibook / "chapters" / "gamma.qmd"
        good = gamma.read_text()
        gamma.write_text(good.replace("6 * 7", "1 / 0"))
        wait_for(lambda: status(server)["error"] is not None)
        assert "ZeroDivisionError" in status(server)["error"]
        banner = page.locator("#preview-error")
        banner.wait_for(timeout=15_000)
        assert "chapters/gamma.qmd" in banner.inner_text()
        assert "Plain text only" in page.inner_text("main"), "the last good page stays"
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/chapters/gamma.html") as r:
            assert r.status == 200 and "computed 42" in r.read().decode()

        gamma.write_text(good.replace("Plain text only", "Mended text only"))
        wait_for(lambda: status(server)["error"] is None and status(server)["build"] == 2)
        page.wait_for_function("() => document.body.innerText.includes('Mended text only')",
                               timeout=15_000)
        assert page.locator("#preview-error").count() == 0
        page.close()
    finally:
        server.stop()


def test_printing_cells_and_failures_never_stop_the_watcher(minibook: Path) -> None:
    server = PreviewServer(minibook, port=0, log=lambda line: None)
    server.start()
    try:
        alpha = minibook / "chapters" / "alpha.qmd"
        lines = alpha.read_text().split("\n")
        start = next(i for i, line in enumerate(lines) if line.startswith("#| label: fig-"))
        body = max(i for i in range(start, start + 10) if lines[i].startswith("#|")) + 1
        lines.insert(body, "print('hello')")  # once a crash that stopped all later rebuilds
        alpha.write_text("\n".join(lines))
        wait_for(lambda: status(server)["build"] == 2 or status(server)["error"])
        assert (status(server)["build"], status(server)["error"]) == (2, None)
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/chapters/alpha.html") as r:
            assert "hello" in r.read().decode()

        gamma = minibook / "chapters" / "gamma.qmd"
        good = gamma.read_text()
        gamma.write_text("# Gamma\n\n```{python}\nraise RuntimeError('boom')\n```\n")
        wait_for(lambda: status(server)["error"] is not None)
        gamma.write_text(good.replace("Plain text only", "Still watching"))
        wait_for(lambda: status(server)["error"] is None and status(server)["build"] == 3)
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/chapters/gamma.html") as r:
            assert "Still watching" in r.read().decode()
    finally:
        server.stop()


def test_an_unknown_address_gets_the_books_404_page_styled(minibook: Path, browser) -> None:
    # The minibook is deployed under /minibook/: its 404 page's links start there.
    assert "example.org/minibook" in (minibook / "_quarto.yml").read_text()
    server = PreviewServer(minibook, port=0, log=lambda line: None)
    server.start()
    try:
        page = browser.new_page()
        failed: list[str] = []
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 and
                "no-such" not in r.url else None)
        response = page.goto(f"http://127.0.0.1:{server.port}/chapters/no-such-page.html")
        assert response.status == 404
        assert page.locator("h1#not-found").inner_text() == "Page not found"
        assert page.evaluate("getComputedStyle(document.querySelector('.topbar')).position") \
            == "sticky", "the book's stylesheet loaded"
        assert failed == []
        page.close()
    finally:
        server.stop()


def test_a_prose_edit_shows_its_page_first_then_the_book(minibook: Path, browser) -> None:
    """The edited page is made alone and shown before the full build; the other pages reload
    once that build has renumbered them; the edited page, already right, does not reload."""
    server = PreviewServer(minibook, port=0, log=lambda line: None)
    server.start()
    try:
        beta_page, alpha_page = browser.new_page(), browser.new_page()
        beta_page.goto(f"http://127.0.0.1:{server.port}/chapters/beta.html")
        alpha_page.goto(f"http://127.0.0.1:{server.port}/chapters/alpha.html")
        link = 'a[href="beta.html#sec-beta-prices"]'
        assert "2.1" in alpha_page.inner_text(link)
        beta_page.evaluate("window.__before = true")
        beta = minibook / "chapters" / "beta.qmd"
        beta.write_text(beta.read_text().replace(
            "## Prices {#sec-beta-prices}", "## Costs {#sec-beta-costs}\n\nA new section.\n\n"
            "## Prices {#sec-beta-prices}"))
        beta_page.wait_for_function("() => document.body.innerText.includes('A new section')",
                                    timeout=15_000)
        beta_page.evaluate("window.__after = true")
        wait_for(lambda: status(server)["build"] == 2)
        alpha_page.wait_for_function(
            f"() => document.querySelector('{link}').innerText.includes('2.2')", timeout=15_000)
        time.sleep(0.5)
        assert beta_page.evaluate("window.__after === true"), "the edited page reloaded again"
        site = (minibook / "site").resolve()
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/chapters/beta.html") as r:
            served = r.read().decode()
        assert served.replace(RELOAD_SCRIPT, "") == (site / "chapters/beta.html").read_text()
    finally:
        server.stop()
