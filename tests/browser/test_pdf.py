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
    # The chapters follow the title page and the contents.
    assert pages == sorted(pages) and pages[0] == _front_pages(reader)
    # The home page is titled with the book's title, as under Quarto; the others by their
    # first heading.
    assert outline[0].title == config["title"]
    for item, title in zip(outline[1:], titles[1:], strict=True):
        assert item.title.endswith(title)
    assert reader.metadata.title == config["title"]
    assert reader.metadata.author == config["author"]


def _front_pages(reader: PdfReader) -> int:
    """The pages before the first chapter: the title page and the contents."""
    for i, page in enumerate(reader.pages):
        if _flat(page.extract_text()).startswith("Contents"):
            return i + 1
    raise AssertionError("no contents page")


def test_pdf_opens_with_a_title_page_and_contents(printed: tuple[Path, Path]) -> None:
    book, pdf = printed
    config = yaml.safe_load((book / "_quarto.yml").read_text(encoding="utf-8"))["book"]
    reader = PdfReader(pdf)
    title_page = _flat(reader.pages[0].extract_text())
    assert title_page.startswith(config["title"]) and config["author"] in title_page
    front = _front_pages(reader)
    contents = _flat("".join(reader.pages[i].extract_text() for i in range(1, front)))
    outline = [item for item in reader.outline if not isinstance(item, list)]
    links = [a.get_object() for i in range(1, front)
             for a in (reader.pages[i].get("/Annots") or [])]
    targets = [reader.get_page_number(link["/Dest"][0].get_object()) for link in links
               if "/Dest" in link]
    for item in outline:
        page = reader.get_destination_page_number(item)
        # each entry names the page it starts on (as the PDF counts pages) and links to it
        assert f"{_flat(item.title)} {page + 1}" in contents, (item.title, contents)
        assert page in targets, (item.title, targets)


def test_pdf_pages_have_running_heads_and_no_web_footer(printed: tuple[Path, Path]) -> None:
    book, pdf = printed
    config = yaml.safe_load((book / "_quarto.yml").read_text(encoding="utf-8"))["book"]
    reader = PdfReader(pdf)
    front = _front_pages(reader)
    outline = [item for item in reader.outline if not isinstance(item, list)]
    starts = [reader.get_destination_page_number(item) for item in outline] + [len(reader.pages)]
    for item, start, end in zip(outline, starts, starts[1:], strict=False):
        for index in range(start, end):
            head = _flat(reader.pages[index].extract_text())[:200]
            assert head.startswith(config["title"]), (index, head)
            if item.title != config["title"]:
                assert _flat(item.title) in head, (index, item.title, head)
    body = _flat("".join(p.extract_text() for p in reader.pages[front:]))
    assert "127.0.0.1" not in body, "the web footer's page address is printed"
    assert body.count("This version:") == 0


def test_printed_pages_wrap_wide_blocks_and_use_print_words(built_project, book_site,
                                                             browser) -> None:
    """The real book under the print stylesheet: no table or code block runs past the text's
    width, words for the screen are hidden and the printed words shown."""
    from tests.browser.test_phone_charts import pages

    page = browser.new_page(viewport={"width": 794, "height": 1123})
    page.emulate_media(media="print")
    problems, print_words = [], 0
    for href in pages(built_project):
        page.goto(book_site.url(href))
        wide = page.evaluate("""() => { const c = document.querySelector('.content')
            .getBoundingClientRect();
          return Array.from(document.querySelectorAll('.content pre, .content table'))
            .filter(e => e.getBoundingClientRect().right > c.right + 1
                         || e.scrollWidth > e.clientWidth + 1)
            .map(e => e.tagName + ' ' + e.textContent.slice(0, 40)); }""")
        problems += [f"{href}: {w}" for w in wide]
        shown = page.evaluate("""() => [
          Array.from(document.querySelectorAll('.screen-only')).filter(e => e.offsetParent).length,
          Array.from(document.querySelectorAll('.print-only')).filter(e => !e.offsetParent).length,
          document.querySelectorAll('.print-only').length]""")
        if shown[0] or shown[1]:
            problems.append(f"{href}: {shown[0]} screen words shown, {shown[1]} print words hidden")
        print_words += shown[2]
        captions = page.eval_on_selector_all(
            "figcaption", "fs => fs.map(f => f.innerText)")
        problems += [f"{href}: a caption speaks of the screen: {c[:80]}" for c in captions
                     if re.search(r"\b(slider|tooltip|menu|switch)\b", c)
                     and not re.search(r"online", c, re.IGNORECASE)]
    page.close()
    assert print_words >= 6
    assert not problems, "\n".join(problems)


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
