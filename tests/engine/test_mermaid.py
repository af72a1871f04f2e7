"""Static Mermaid drawings made at publish by headless Chromium: drawn, cached by diagram, and a
clear note (with the diagram left to the browser) when Chromium is missing or a diagram is bad."""

from __future__ import annotations

import pytest
from bookengine.render import mermaid

from tests.browser.conftest import chromium_path
from tests.conftest import browser_required


@pytest.fixture(autouse=True)
def chromium() -> None:
    """Missing Chromium fails in CI and skips elsewhere, as for the browser tests."""
    if chromium_path() is None:
        if browser_required():
            pytest.fail("Debian's chromium is required to draw Mermaid diagrams")
        pytest.skip("chromium is not installed")


FLOW = "flowchart LR\n  A[Read data] --> B[Draw chart]"
BODY = f'<p>x</p>\n<pre class="mermaid">{FLOW.replace("<", "&lt;").replace(">", "&gt;")}</pre>'


def test_a_diagram_is_drawn_once_and_then_read_from_the_cache(tmp_path, monkeypatch) -> None:
    assert mermaid.sources(BODY) == [FLOW]
    notes: list[str] = []
    drawn = mermaid.MermaidDrawer(tmp_path).draw([FLOW, FLOW], notes)
    assert notes == []
    svg = drawn[FLOW]
    assert svg.startswith("<svg") and "Read data" in svg and "Draw chart" in svg
    monkeypatch.setenv("PATH", "/nonexistent")  # no Chromium now: the cache must answer
    again = mermaid.MermaidDrawer(tmp_path).draw([FLOW], notes)
    assert again == {FLOW: svg} and notes == []
    page = mermaid.with_drawings(BODY, drawn)
    assert '<pre class="mermaid" hidden>flowchart LR' in page
    assert '<div class="mermaid-static"><svg id="mermaid-static-' in page


def test_without_chromium_diagrams_stay_browser_drawn_with_a_note(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    notes: list[str] = []
    drawn = mermaid.MermaidDrawer(tmp_path).draw([FLOW], notes)
    assert drawn == {}
    assert len(notes) == 1 and "Chromium is not installed" in notes[0]
    assert mermaid.with_drawings(BODY, drawn) == BODY


def test_a_diagram_mermaid_cannot_parse_is_named_and_the_others_drawn(tmp_path) -> None:
    bad = "flowchart LR\n  A --> --> B(("
    notes: list[str] = []
    drawn = mermaid.MermaidDrawer(tmp_path).draw([bad, FLOW], notes)
    assert set(drawn) == {FLOW}
    assert len(notes) == 1 and "starting `flowchart LR` could not be drawn" in notes[0], notes
