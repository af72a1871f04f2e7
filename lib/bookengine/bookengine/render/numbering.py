"""Numbers for chapters, sections, floats, equations and theorems, as Quarto gives them in a
book, and the cross-reference targets they make.

The book is numbered once every page has run, from each page's index (`PageIndex`: its
headings and labelled things in document order, read by pandoc from the page's final Markdown,
so headings printed by cells count as Quarto counts them). Quarto's rules, followed here:

- Chapters are numbered in the order `book.chapters` lists them (the home page too, although
  it is shown first), counting only numbered pages; part pages are not numbered; appendices
  count again from A.
- A page is numbered unless its front-matter title, or else its first heading, is
  `{.unnumbered}`.
- A chapter's title is its front-matter `title:`, else its first heading (of any level), which
  leaves the body. The home page is titled with the book's title and keeps its headings.
- Sections are numbered with the chapter's number as offset: a `##` before any `#` is "3.1",
  and a `#` in the body of chapter 3 is "4", with what follows it "4.1" (so a page with both a
  front-matter title and a `#` heading counts as two chapters, as Quarto counts it).
- Floats, equations, theorems and callouts are numbered per kind: "3.2" in a numbered chapter
  (restarting at each `#`), plainly "2" on the home page and on unnumbered pages.
"""

from __future__ import annotations

import posixpath
import string
from dataclasses import dataclass, field
from typing import Any

from bookengine.render import crossref
from bookengine.source.document import split_title

HEADING_NUMBER_CLASS = "header-section-number"


@dataclass
class IndexHeading:
    """A heading as pandoc read it."""

    level: int
    ident: str
    classes: tuple[str, ...]
    text: str
    at: int
    titled: bool = False
    """A callout, tabset or theorem takes this heading as its title: not a section."""


@dataclass
class IndexLabel:
    """A labelled float, equation, theorem or callout."""

    ident: str
    kind: str
    caption: str
    at: int
    parent: str | None = None


@dataclass
class PageIndex:
    """What one page holds, in document order (from `quarto_xref.lua`'s index mode)."""

    headings: list[IndexHeading] = field(default_factory=list)
    labels: list[IndexLabel] = field(default_factory=list)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> PageIndex:
        heads = [IndexHeading(int(h["level"]), str(h.get("id") or ""),
                              tuple(h.get("classes") or ()), str(h.get("text") or ""),
                              int(h.get("at") or 0), bool(h.get("titled")))
                 for h in raw.get("headings") or []]
        labels = [IndexLabel(str(x["id"]), str(x["kind"]), str(x.get("caption") or ""),
                             int(x.get("at") or 0), x.get("parent") or None)
                  for x in raw.get("labels") or []]
        return cls(heads, labels)


@dataclass
class PageSource:
    """What the numbering needs of a page besides its index."""

    rel: str
    front: dict[str, Any]
    index: PageIndex
    appendix: bool = False
    home: bool = False
    part_page: bool = False
    sections: bool = True
    """Section numbers shown (`number-sections` is not false)."""
    depth: int = 6
    """`number-depth`."""
    language: dict[str, str] | None = None
    """The page's own `language:` words, over the project's."""
    document: bool = False
    """A page of a website or default project: no chapter number, its title from front matter
    only, its labels its own (Quarto resolves cross-references across pages in books only)."""


@dataclass
class Target:
    """Something a cross-reference can point at."""

    ident: str
    kind: str  # "sec", or a cross-reference prefix ("fig", "tbl", "thm", …)
    number: str
    """The number a reference shows ("2.3", "5.2 (b)", "A")."""
    caption: str
    """What a reference shows from a page without section numbers (sections only)."""
    href: str
    """The page, relative to the site root."""
    word: str = ""
    """The reference's word ("Figure", "Chapter", or what `crossref:` sets)."""
    chapter: bool = False
    """A chapter's own heading: references link to the page, not to an anchor."""

    def label(self) -> str:
        return f"{self.word} {self.number}".strip()

    def link(self, from_href: str) -> str:
        if from_href == self.href:
            return f"#{self.ident}"
        page = relative_href(from_href, self.href)
        if self.chapter:
            return page or "#"
        return f"{page}#{self.ident}"


@dataclass
class PageNumbers:
    """One page's place in the book."""

    rel: str
    href: str
    number: str | None
    """The chapter's number ("3") or appendix letter ("B"); None when unnumbered."""
    appendix: bool
    title: str
    title_mode: str = "heading"
    """`heading` (the first heading is the title), `front` (front matter) or `home`."""
    sections: bool = True
    headings: list[str] = field(default_factory=list)
    """Per indexed heading, in order: its shown number, "" for none, or "title"."""
    figures: dict[str, str] = field(default_factory=dict)
    """Figure label → its number ("2.3")."""
    xref: dict[str, dict[str, str]] = field(default_factory=dict)
    """Label → {title, number, sub}, for the page's floats, theorems and callouts."""
    equations: dict[str, str] = field(default_factory=dict)
    chapter_id: str | None = None
    local: dict[str, Target] = field(default_factory=dict)
    """Targets this page resolves to its own labels: all of a document's (a website's or default
    project's page), and in a book those whose label another chapter used first."""
    nav_title: str = ""
    """What the sidebar lists the page as, when not `title`: the home page's own title."""

    @property
    def title_label(self) -> str:
        """What precedes the title: "3", "Appendix B —" or nothing."""
        if self.number is None or not self.sections:
            return ""
        return f"Appendix {self.number} —" if self.appendix else self.number

    @property
    def shown_title(self) -> str:
        """The title as a reader sees it at the top of the page."""
        return f"{self.title_label} {self.title}".strip()


def output_href(rel: str) -> str:
    """`chapters/ord.qmd` → `chapters/ord.html`, as Quarto names outputs (`.md`, `.ipynb` too)."""
    return rel.rsplit(".", 1)[0] + ".html"


def front_title(front: dict[str, Any]) -> str | None:
    title = front.get("title")
    return str(title).replace("\n", " ") if isinstance(title, str | int | float) else None


def is_numbered(page: PageSource) -> bool:
    """Quarto's `isNumberedChapter`: the front-matter title's, else the first heading's, class."""
    title = front_title(page.front)
    if title is not None:
        return "unnumbered" not in split_title(title)[2]
    first = page.index.headings[0] if page.index.headings else None
    return first is None or "unnumbered" not in first.classes


def chapter_numbers(listed: list[PageSource], appendices: list[PageSource]) -> dict[str, int]:
    """Each numbered page's number, as Quarto counts them (see the module's docstring)."""
    out: dict[str, int] = {}
    for pages in (listed, appendices):
        n = 1
        for page in pages:
            if page.document or page.part_page or not is_numbered(page):
                continue
            out[page.rel] = n
            n += 1
    return out


def number_book(listed: list[PageSource], appendices: list[PageSource], book_title: str,
                crossref_options: dict | None = None,
                language: dict[str, str] | None = None) -> tuple[dict[str, PageNumbers],
                                                                  dict[str, Target],
                                                                  list[tuple[str, str]]]:
    """Number every page, section and float.

    Returns the pages by source path, every reference target by label, and warnings as
    (page, message) for labels used twice (the first keeps the label, as in Quarto).
    """
    words = crossref.titles(crossref_options or {}, language)
    prefixes = crossref.prefixes(crossref_options or {}, language)
    numbers = chapter_numbers(listed, appendices)
    pages: dict[str, PageNumbers] = {}
    targets: dict[str, Target] = {}
    warnings: list[tuple[str, str]] = []
    for page in [*listed, *appendices]:
        own_words, own_prefixes = words, prefixes
        if page.language:  # the page's own `language:` words
            merged = {**(language or {}), **page.language}
            own_words = crossref.titles(crossref_options or {}, merged)
            own_prefixes = crossref.prefixes(crossref_options or {}, merged)
        num = _number_page(page, numbers.get(page.rel), book_title, own_words, own_prefixes,
                           targets, warnings)
        pages[page.rel] = num
    return pages, targets, warnings


def _number_page(page: PageSource, chapter: int | None, book_title: str,
                 words: dict[str, str], prefixes: dict[str, str], targets: dict[str, Target],
                 warnings: list[tuple[str, str]]) -> PageNumbers:
    href = output_href(page.rel)
    appendix = page.appendix
    label = None
    if chapter is not None and not page.home:
        label = string.ascii_uppercase[(chapter - 1) % 26] if appendix else str(chapter)
    chapters_mode = label is not None
    sections = page.sections and (chapters_mode or page.document
                                  or (page.home and is_numbered(page)))
    heads = page.index.headings
    title = front_title(page.front)
    chapter_id = None
    if page.home:
        mode, shown = "home", book_title
    elif title is not None:
        mode = "front"
        shown, chapter_id, _ = split_title(title)
    elif page.document:
        mode, shown = "none", ""
    elif heads:
        mode, shown, chapter_id = "heading", heads[0].text, heads[0].ident or None
    else:
        mode, shown = "heading", page.rel
    num = PageNumbers(page.rel, href, label, appendix, shown, mode, sections)
    if page.home:
        num.nav_title = split_title(title)[0] if title is not None else (
            heads[0].text if heads else "")
    elif mode == "none":
        num.nav_title = heads[0].text if heads else posixpath.splitext(
            posixpath.basename(page.rel))[0]

    scope = num.local if page.document else targets

    def add(target: Target) -> None:
        if target.ident in scope:
            # Quarto warns of a label used twice in one page; a label another chapter also
            # uses is not reported (references go to the first).
            other = scope[target.ident]
            if other.href == target.href:
                warnings.append((page.rel, f"Duplicate label '{target.ident}'"))
            else:
                num.local[target.ident] = target  # this page's references go to its own
            return
        scope[target.ident] = target

    def letter_or(n: int) -> str:
        return label if appendix and label else str(n)

    if chapter_id and chapter_id.startswith("sec-") and chapters_mode:
        add(Target(chapter_id, "sec", label or "", num.shown_title, href,
                   prefixes["apx" if appendix else "ch"], chapter=True))
    num.chapter_id = chapter_id

    section = [chapter if chapters_mode and chapter else 0] + [0] * 6
    counts: dict[str, int] = {}
    subs: dict[str, int] = {}
    events = sorted([(h.at, "h", i) for i, h in enumerate(heads)]
                    + [(x.at, "l", i) for i, x in enumerate(page.index.labels)])
    shown_numbers: list[str] = [""] * len(heads)
    # A document numbers from its top heading level (`##` alone are 1, 2, …), as Quarto does.
    levels = [h.level for i, h in enumerate(heads)
              if not (i == 0 and mode == "heading") and not h.titled]
    shift = min(levels) - 1 if page.document and levels else 0
    for _, what, i in events:
        if what == "h":
            h = heads[i]
            if i == 0 and mode == "heading":
                shown_numbers[i] = "title"
                continue
            if h.titled or "unnumbered" in h.classes:
                continue
            level = min(h.level - shift, 7)
            for deeper in range(level, 7):
                section[deeper] = 0
            section[level - 1] += 1
            if level == 1 and chapters_mode:
                counts.clear()
            last = max((j for j in range(1, level) if section[j] > 0), default=0)
            shown = ".".join([letter_or(section[0])] + [str(section[j])
                                                        for j in range(1, last + 1)])
            if sections and level <= page.depth:
                shown_numbers[i] = shown
            if h.ident.startswith("sec-"):
                ref = shown if page.document else _section_ref(section, appendix, label,
                                                                chapters_mode)
                is_chapter = all(v == 0 for v in section[1:])
                word = prefixes["sec"]
                if is_chapter and chapters_mode:
                    word = prefixes["apx" if appendix else "ch"]
                add(Target(h.ident, "sec", ref, h.text, href, word, chapter=is_chapter))
            continue
        item = page.index.labels[i]
        parent = num.xref.get(item.parent) if item.parent else None
        if parent is not None:
            subs[item.parent] = subs.get(item.parent, 0) + 1
            sub = string.ascii_lowercase[(subs[item.parent] - 1) % 26]
            ref_number = f"{parent['number']} ({sub})"
            entry = {**parent, "sub": sub}
        else:
            counts[item.kind] = counts.get(item.kind, 0) + 1
            ref_number = (f"{letter_or(section[0])}.{counts[item.kind]}"
                          if chapters_mode and section[0] else str(counts[item.kind]))
            entry = {"title": words.get(item.kind, ""), "number": ref_number, "sub": ""}
        if item.ident in num.xref or item.ident in scope:
            warnings.append((page.rel, f"Duplicate label '{item.ident}'"))
            continue
        num.xref[item.ident] = entry
        if item.kind == "fig":
            num.figures[item.ident] = ref_number
        if item.kind == "eq":
            num.equations[item.ident] = ref_number
        add(Target(item.ident, item.kind, ref_number, item.caption, href,
                   prefixes.get(item.kind, "")))
    num.headings = shown_numbers
    return num


def _section_ref(section: list[int], appendix: bool, label: str | None,
                 chapters_mode: bool) -> str:
    """The number a reference to a section shows (Quarto's `refNumberOption`)."""
    last = max((j for j in range(1, 7) if section[j] > 0), default=0)
    rest = [str(section[j]) for j in range(1, last + 1)]
    if appendix and label:
        first = label
    elif chapters_mode:
        first = str(section[0])
    else:
        first = ""
    return ".".join(([first] if first else []) + rest)


def relative_href(from_href: str, to_href: str) -> str:
    """A link from one page to another, relative so the site works under any sub-path."""
    if from_href == to_href:
        return ""
    from_parts = from_href.split("/")[:-1]
    to_parts = to_href.split("/")
    common = 0
    while (common < len(from_parts) and common < len(to_parts) - 1
           and from_parts[common] == to_parts[common]):
        common += 1
    return "/".join([".."] * (len(from_parts) - common) + to_parts[common:])


def page_xref(targets: dict[str, Target], page_href: str) -> dict[str, dict[str, str]]:
    """Every target as the page's filter needs it: word, number, caption and address."""
    return {ident: {"word": t.word, "number": t.number, "caption": t.caption,
                    "href": t.link(page_href)}
            for ident, t in targets.items()}
