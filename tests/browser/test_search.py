"""Search by Pagefind as a reader uses it: stemmed words and figure numbers lead to the right
anchor, the filters narrow the results, the index holds every section and figure of the book
(read through Pagefind's own pagefind.js), and a page opened from a file says why it cannot
search."""

from __future__ import annotations

import re
from pathlib import Path

from bookengine.site.search import figure_records

from tests.browser.conftest import Served

FIGURE = "Figure 3.2"

ALL_RECORDS = """async () => {
  const pf = await import(new URL('pagefind/pagefind.js', document.baseURI).href);
  const out = {};
  for (const kind of ['prose', 'figure']) {
    const found = await pf.search(null, { filters: { kind } });
    out[kind] = await Promise.all(found.results.map(r => r.data()));
  }
  return {
    prose: out.prose.map(d => ({
      url: d.url, anchors: d.anchors.filter(a => /^h[2-4]$/.test(a.element)).map(a => a.id) })),
    figure: out.figure.map(d => d.url),
  };
}"""


def _first_result(page, query: str):
    page.fill("#search-input", query)
    first = page.locator(".search-list a").first
    first.wait_for()
    return first


def _in_view(page, ident: str) -> bool:
    return page.evaluate("(i) => { const r = document.getElementById(i).getBoundingClientRect();"
                         " return r.top >= -5 && r.top < window.innerHeight; }", ident)


def test_a_stemmed_word_leads_to_its_section(book_site: Served, watched) -> None:
    page = watched.page
    page.goto(book_site.url("chapters/ord.html"))
    first = _first_result(page, "doubling")
    marked = page.eval_on_selector_all(".search-list mark", "ms => ms.map(m => m.textContent)")
    words = {re.sub(r"\W", "", m.lower()) for m in marked}
    assert "doubling" in words and words & {"doubled", "doubles", "double"}, words
    assert first.locator(".where").inner_text()  # the chapter it is in
    href = first.get_attribute("href")
    first.click()
    page.wait_for_url(re.compile(re.escape(href.split("/")[-1]) + "$"))
    assert _in_view(page, href.split("#")[1])
    assert watched.errors == []


def test_a_figure_number_leads_to_the_figure(built_project: Path, book_site: Served,
                                             watched) -> None:
    wanted = next(r for r in figure_records(built_project / "site")
                  if r.title.startswith(f"{FIGURE}:"))
    page = watched.page
    page.goto(book_site.url("index.html"))
    first = _first_result(page, FIGURE)
    assert first.locator(".title").inner_text().startswith(f"{FIGURE}:")
    assert wanted.section in first.locator(".where").inner_text()
    assert first.locator(".excerpt mark").count() >= 1
    first.click()
    page.wait_for_url(book_site.url(wanted.url.lstrip("/")))
    assert _in_view(page, wanted.url.split("#")[1])
    assert watched.errors == []


def test_filters_narrow_to_figures_and_to_a_chapter(book_site: Served, watched) -> None:
    page = watched.page
    page.goto(book_site.url("index.html"))
    _first_result(page, "compute")
    page.select_option('.search-filters select[aria-label="Kind"]', "figure")
    page.wait_for_function("() => [...document.querySelectorAll('.search-list a')].length > 0 &&"
                           " [...document.querySelectorAll('.search-list a')]"
                           ".every(a => a.hash.startsWith('#fig-'))")
    chapter = page.eval_on_selector_all('.search-filters select[aria-label="Chapter"] option',
                                        "os => os.map(o => o.value)")
    ord_chapter = next(c for c in chapter if "Ord" in c)
    assert chapter[1] == next(c for c in chapter if c), "chapters in the book's order"
    page.select_option('.search-filters select[aria-label="Chapter"]', ord_chapter)
    page.wait_for_function("() => [...document.querySelectorAll('.search-list a')].length > 0 &&"
                           " [...document.querySelectorAll('.search-list a')]"
                           ".every(a => a.pathname.endsWith('/chapters/ord.html'))")
    assert watched.errors == []


def test_the_index_holds_every_section_and_figure(built_project: Path, book_site: Served,
                                                  watched) -> None:
    site = built_project / "site"
    sections: dict[str, set[str]] = {}
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        article = re.search(r"<article data-pagefind-body[^>]*>(.*)</article>", text, re.S)
        if article is None:
            continue
        body = re.sub(r'<section class="cite-this".*?</section>', "",
                      article.group(1), flags=re.S)
        sections[f"/{path.relative_to(site).as_posix()}"] = set(
            re.findall(r'<h[2-4]\b[^>]*\sid="([^"]+)"', body))
    figures = set(re.findall(r'<figure id="(fig-[^"]+)"',
                             "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))))
    assert len(sections) == 10 and sum(map(len, sections.values())) > 40 and len(figures) > 15
    page = watched.page
    page.goto(book_site.url("index.html"))
    index = page.evaluate(ALL_RECORDS)
    assert {d["url"]: set(d["anchors"]) for d in index["prose"]} == sections
    assert {u.split("#")[1] for u in index["figure"]} == figures
    assert len(index["figure"]) == len(figures)
    assert watched.errors == []


def test_a_page_opened_from_a_file_says_search_needs_a_server(built_project: Path,
                                                              watched) -> None:
    page = watched.page
    page.goto((built_project / "site" / "chapters" / "ord.html").resolve().as_uri())
    page.click("#search-input")
    status = page.locator(".search-status")
    status.wait_for()
    assert "served over HTTP" in status.inner_text()
    assert page.locator(".search-list a").count() == 0


def test_search_works_in_preview_and_from_the_404_page(minibook: Path, browser) -> None:
    from bookengine.preview.server import PreviewServer

    server = PreviewServer(minibook, port=0, log=lambda line: None)
    server.start()
    try:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"http://127.0.0.1:{server.port}/chapters/no-such-page.html")
        first = _first_result(page, "Figure 1.1")
        assert first.get_attribute("href") == "/chapters/alpha.html#fig-growth"
        first.click()
        page.wait_for_url(f"http://127.0.0.1:{server.port}/chapters/alpha.html#fig-growth")
        assert errors == []
        page.close()
    finally:
        server.stop()
