"""`make pdf`: the fixture book printed by headless Chromium to one PDF, checked with pypdf."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from bookengine.build import build
from bookengine.pdf import make_pdf
from pypdf import PdfReader

from tests.conftest import MINIBOOK, browser_required, copy_book


def _require_chromium() -> None:
    if shutil.which("chromium") or shutil.which("chromium-browser"):
        return
    message = "Chromium is not installed"
    if browser_required():
        pytest.fail(message)
    pytest.skip(message)


def _chapter_titles(book: Path) -> list[str]:
    """Each page's first heading, read from the sources in the order `_quarto.yml` lists them."""
    config = yaml.safe_load((book / "_quarto.yml").read_text(encoding="utf-8"))["book"]
    titles = []
    for rel in config["chapters"] + config.get("appendices", []):
        text = (book / rel).read_text(encoding="utf-8")
        heading = re.search(r"^# (.+?)\s*(\{[^}]*\})?\s*$", text, re.MULTILINE)
        titles.append(heading.group(1))
    return titles


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The fixture book, published and printed once for this module."""
    _require_chromium()
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("QUARTO_PROJECT_DIR", raising=False)
        book = copy_book(MINIBOOK, tmp_path_factory.mktemp("pdf") / "minibook")
        build(book, log=lambda line: None)
        pdf = book / "out" / "minibook.pdf"
        if make_pdf(book, str(pdf)) != 0:
            pytest.fail("make_pdf failed on the published fixture book")
    return book, pdf


def test_pdf_has_every_chapter_in_order(printed: tuple[Path, Path]) -> None:
    book, pdf = printed
    titles = _chapter_titles(book)
    reader = PdfReader(pdf)
    assert len(reader.pages) >= len(titles)
    text = _flat("\n".join(page.extract_text() for page in reader.pages))
    position = 0
    for title in titles:
        found = text.find(title, position)
        assert found >= 0, f"{title!r} missing from the PDF text after position {position}"
        position = found + len(title)


def test_pdf_bookmarks_and_metadata_follow_the_book(printed: tuple[Path, Path]) -> None:
    book, pdf = printed
    titles = _chapter_titles(book)
    config = yaml.safe_load((book / "_quarto.yml").read_text(encoding="utf-8"))["book"]
    reader = PdfReader(pdf)
    outline = [item for item in reader.outline if not isinstance(item, list)]
    assert len(outline) == len(titles)
    pages = [reader.get_destination_page_number(item) for item in outline]
    assert pages == sorted(pages) and pages[0] == 0
    # The home page is titled with the book's title, as under Quarto; the others by their
    # first heading.
    assert outline[0].title == config["title"]
    for item, title in zip(outline[1:], titles[1:], strict=True):
        assert item.title.endswith(title)
    assert reader.metadata.title == config["title"]
    assert reader.metadata.author == config["author"]


def test_pdf_shows_the_chart_and_its_caption(printed: tuple[Path, Path]) -> None:
    book, pdf = printed
    text = _flat("\n".join(page.extract_text() for page in PdfReader(pdf).pages))
    assert "Figure 1.1" in text
    alpha = (book / "chapters" / "alpha.qmd").read_text(encoding="utf-8")
    caption = re.search(r'#\| fig-cap: "([^"\[]+)', alpha).group(1).strip()
    assert caption in text
    # The static SVG is printed: its axis labels (the plotted years) are text in the PDF.
    years = re.findall(r"^(\d{4}),", (book / "data" / "growth.csv").read_text(), re.MULTILINE)
    assert years and all(year in text for year in years)


def test_pdf_needs_a_published_site(minibook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert make_pdf(minibook, None) == 1
    assert "make publish" in capsys.readouterr().err
    assert not (minibook / "book.pdf").exists()
