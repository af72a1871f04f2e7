"""The whole book as one PDF: every published page printed by headless Chromium, then joined.

The published site is served from 127.0.0.1 for the duration (so the pages' scripts and styles
load as they do for a reader), each page is printed with the book's print stylesheet (charts as
their static SVG, running heads from book.js), and the page PDFs are joined in chapter order
behind a title page and a table of contents (each entry linked to its page), with one bookmark
per page. Nothing is fetched from another host.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from bookengine.core.chromium import ChromiumMissing, find_chromium
from bookengine.core.localserver import serving
from bookengine.render.numbering import output_href
from bookengine.source.config import BookConfig, ConfigError
from bookengine.source.config_load import load_config

PARALLEL = 2
PRINT_TIMEOUT_S = 180
DEFAULT_OUTPUT = "book.pdf"


class PdfError(Exception):
    """The book could not be printed; the message says why and what to do."""


@dataclass(frozen=True)
class PrintedPage:
    """One page of the book to print: its address in the site and its bookmark title."""

    href: str
    title: str


def book_pages(config: BookConfig) -> list[PrintedPage]:
    """The published pages in chapter order, each titled by its first heading."""
    site = config.output_path
    if not (site / "index.html").is_file():
        raise PdfError(f"no published site at {site}: run `make publish` first.")
    pages, missing = [], []
    for rel in config.pages:
        href = output_href(rel)
        path = site / href
        if not path.is_file():
            missing.append(href)
            continue
        pages.append(PrintedPage(href, page_title(path.read_text(encoding="utf-8"), href)))
    if missing:
        raise PdfError(f"the published site at {site} lacks {', '.join(missing)}: it is older "
                       "than the book's chapter list; run `make publish` first.")
    return pages


class _TitleParser(HTMLParser):
    """The text of the first <h1> (without its anchor link), and the document <title>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.h1: list[str] = []
        self.title: list[str] = []
        self._in: str | None = None
        self._h1_done = False
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "title" and not self.title:
            self._in = "title"
        elif tag == "h1" and not self._h1_done:
            self._in = "h1"
        elif self._in == "h1" and (self._skip_depth or (tag == "a" and "anchor" in classes)):
            self._skip_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self._in == "h1" and self._skip_depth and tag in ("a", "span"):
            self._skip_depth -= 1
        elif tag == self._in:
            if tag == "h1":
                self._h1_done = True
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title.append(data)
        elif self._in == "h1" and not self._skip_depth:
            self.h1.append(data)


def page_title(html_text: str, fallback: str) -> str:
    """A page's title as its first heading shows it ("1 Toby Ord: …"), else its <title>."""
    parser = _TitleParser()
    parser.feed(html_text)
    for parts in (parser.h1, parser.title):
        text = " ".join("".join(parts).split())
        if text:
            return text
    return fallback


def chromium_command(chromium: str, profile: Path, pdf: Path, url: str) -> list[str]:
    """The headless Chromium call that prints one address to one PDF, offline."""
    return [
        chromium, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", f"--user-data-dir={profile}",
        # Any host but the local server resolves to nothing, so a stray load cannot go out.
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
        "--virtual-time-budget=10000", f"--print-to-pdf={pdf}", url,
    ]


def print_page(chromium: str, url: str, pdf: Path, work: Path) -> None:
    """Print one address to `pdf` with a fresh Chromium profile; PdfError if nothing came out."""
    profile = Path(tempfile.mkdtemp(prefix="profile-", dir=work))
    env = {**os.environ, "HOME": str(profile)}
    try:
        proc = subprocess.run(chromium_command(chromium, profile, pdf, url), env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=PRINT_TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        raise PdfError(f"Chromium did not finish printing {url} in {PRINT_TIMEOUT_S} s") from exc
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if proc.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        tail = "\n".join((proc.stderr or "").strip().splitlines()[-5:])
        raise PdfError(f"Chromium failed to print {url} (exit status {proc.returncode})"
                       + (f":\n{tail}" if tail else ""))


FRONT_STYLE = """
@page { size: A4; margin: 25mm 22mm; }
body { font: 11pt/1.5 Charter, "Bitstream Charter", Cambria, Georgia, serif; color: #000; }
.title-page { break-after: page; padding-top: 30mm; }
.title-page h1 { font-size: 28pt; line-height: 1.15; margin: 0 0 6mm; }
.title-page .subtitle { font-size: 15pt; margin: 0 0 14mm; }
.title-page .authors { font-size: 13pt; margin: 0 0 4mm; }
.title-page .colophon { margin-top: 60mm; font-size: 9.5pt; color: #333; }
.contents h2 { font-size: 18pt; margin: 0 0 8mm; }
.contents ol { list-style: none; padding: 0; margin: 0; }
.contents li { display: flex; gap: 4mm; padding: 1.6mm 0; border-bottom: .3pt dotted #999; }
.contents .title { flex: 1; }
.contents .page { font-variant-numeric: tabular-nums; }
"""


def front_matter_html(config: BookConfig, entries: list[tuple[str, int]]) -> str:
    """The PDF's title page and table of contents: the book's title, subtitle, authors, date and
    address, then each page's title and the PDF page it starts on."""
    esc = html.escape
    authors = ", ".join(a.name for a in config.authors)
    colophon = [x for x in (config.date and f"Version of {config.date}.",
                            config.site_url and f"Online, with interactive charts and the data "
                                                f"behind each: {config.site_url}",
                            config.license and f"Licence: {config.license}.") if x]
    rows = "".join(f'<li><span class="title">{esc(title)}</span>'
                   f'<span class="page">{page}</span></li>' for title, page in entries)
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{esc(config.title)}</title><style>{FRONT_STYLE}</style></head><body>"
            f'<section class="title-page"><h1>{esc(config.title)}</h1>'
            + (f'<p class="subtitle">{esc(config.subtitle)}</p>' if config.subtitle else "")
            + (f'<p class="authors">{esc(authors)}</p>' if authors else "")
            + "".join(f'<p class="colophon">{esc(c)}</p>' for c in colophon[:1])
            + "".join(f"<p>{esc(c)}</p>" for c in colophon[1:])
            + f'</section><section class="contents"><h2>Contents</h2><ol>{rows}</ol></section>'
            "</body></html>")


def print_front_matter(chromium: str, config: BookConfig, parts: list[tuple[PrintedPage, Path]],
                       work: Path) -> Path:
    """Print the title page and contents; the contents' page numbers count the front matter's
    own pages (printed again if a first guess at its length was wrong)."""
    from pypdf import PdfReader

    counts = [len(PdfReader(path).pages) for _, path in parts]
    front_pages, pdf = 2, work / "front.pdf"
    for _ in range(3):
        entries, start = [], front_pages + 1
        for (page, _), count in zip(parts, counts, strict=True):
            entries.append((page.title, start))
            start += count
        source = work / "front.html"
        source.write_text(front_matter_html(config, entries), encoding="utf-8")
        print_page(chromium, source.as_uri(), pdf, work)
        printed = len(PdfReader(pdf).pages)
        if printed == front_pages:
            break
        front_pages = printed
    return pdf


def join_pdfs(parts: list[tuple[PrintedPage, Path]], config: BookConfig, output: Path,
              front: Path | None = None) -> int:
    """Join the page PDFs in order behind the front matter, one bookmark per page and a link
    from each contents entry to its page, with the book's metadata; the page count."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link
    from pypdf.generic import Fit

    writer = PdfWriter()
    front_count = 0
    if front is not None:
        writer.append(PdfReader(front), import_outline=False)
        front_count = len(writer.pages)
    starts = []
    for page, path in parts:
        start = len(writer.pages)
        starts.append(start)
        writer.append(PdfReader(path), import_outline=False)
        writer.add_outline_item(title=page.title, page_number=start)
    if front_count:
        _link_contents(writer, front_count, starts, Link, Fit)
    metadata = {"/Title": config.title,
                "/Author": ", ".join(a.name for a in config.authors)}
    if config.subtitle:
        metadata["/Subject"] = config.subtitle
    writer.add_metadata(metadata)
    writer.page_mode = "/UseOutlines"
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            writer.write(fh)
        tmp.replace(output)
    finally:
        tmp.unlink(missing_ok=True)
    return len(writer.pages)


def _link_contents(writer, front_count: int, starts: list[int], link_type, fit_type) -> None:
    """Make each line of the contents a link to its page: the contents' entries are found by
    the page numbers printed at their right ends, in order."""
    import re

    wanted = [str(s + 1) for s in starts]
    found = 0
    for index in range(front_count):
        page = writer.pages[index]
        spans: list[tuple[str, float]] = []

        def visit(text, cm, tm, font, size, spans=spans):
            if text.strip():
                spans.append((text.strip(), tm[5] * cm[3] + cm[5] if cm else tm[5]))

        page.extract_text(visitor_text=visit)
        width = float(page.mediabox.width)
        for text, y in spans:
            if found < len(wanted) and re.fullmatch(r"\d+", text) and text == wanted[found]:
                rect = (50, y - 4, width - 50, y + 12)
                writer.add_annotation(page_number=index, annotation=link_type(
                    rect=rect, target_page_index=starts[found], fit=fit_type.fit()))
                found += 1


def print_book(book: Path | str, output: str | Path | None = None) -> tuple[Path, int, int]:
    """Print the published book to one PDF; return its path, its page count and the book pages."""
    try:
        config = load_config(book)
    except ConfigError as exc:
        raise PdfError(str(exc)) from exc
    pages = book_pages(config)
    try:
        chromium = find_chromium()
    except ChromiumMissing as exc:
        raise PdfError(str(exc)) from exc
    target = Path(output) if output else config.root / DEFAULT_OUTPUT
    with tempfile.TemporaryDirectory(prefix="book-pdf-") as tmp:
        work = Path(tmp)
        parts = [(page, work / f"{i:03d}.pdf") for i, page in enumerate(pages)]
        with serving(config.output_path) as base, \
                ThreadPoolExecutor(max_workers=PARALLEL) as pool:
            jobs = [pool.submit(print_page, chromium, f"{base}/{page.href}", pdf, work)
                    for page, pdf in parts]
            for job in jobs:
                job.result()
        front = print_front_matter(chromium, config, parts, work)
        count = join_pdfs(parts, config, target, front)
    return target, count, len(pages)


def make_pdf(book: Path, output: str | None) -> int:
    """`make pdf`: print the published book to `book.pdf` (or `output`); exit status."""
    started = time.perf_counter()
    try:
        target, count, n_pages = print_book(book, output)
    except PdfError as exc:
        print(f"PDF not written: {exc}", file=sys.stderr)
        return 1
    print(f"Wrote {target}: {count} PDF pages from {n_pages} book pages in "
          f"{time.perf_counter() - started:.1f} s")
    return 0
