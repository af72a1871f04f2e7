"""Numbers for chapters, sections, floats, equations and theorems, and the targets they make.

Numbering is computed once for the whole book before any page is converted, so references
resolve the same way from every page, across chapters too. Floats and the like are numbered per
chapter ("Figure 2.3"), as Quarto numbers books.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

from bookengine import crossref
from bookengine.qmd import Document

HEADING_NUMBER_CLASS = "header-section-number"
TITLE_DIVS = ("callout-", "panel-tabset", "#thm-", "#lem-", "#cor-", "#prp-", "#cnj-", "#def-",
              "#exm-", "#exr-", "#sol-", "#rem-", "#alg-", "proof")


@dataclass
class Target:
    """Something a cross-reference can point at."""

    ident: str
    kind: str  # "chapter", "section", or a cross-reference prefix ("fig", "tbl", "thm", …)
    number: str | None
    title: str
    href: str  # page path relative to the site root
    appendix: bool = False
    prefix: str = ""
    """The reference's word ("Figure", or what `crossref:` sets)."""

    def parts(self) -> tuple[str, str]:
        """(word, number) as a reference shows them; a target without a number shows its title."""
        if self.number is None:
            return self.title, ""
        if self.kind == "chapter":
            return ("Appendix" if self.appendix else "Chapter"), self.number
        if self.kind == "section":
            return self.prefix or "Section", self.number
        return self.prefix, self.number

    def label(self) -> str:
        word, number = self.parts()
        return f"{word} {number}".strip()


@dataclass
class PageNumbers:
    """One page's place in the book."""

    rel: str
    href: str
    number: str | None
    appendix: bool
    title: str
    headings: dict[int, str] = field(default_factory=dict)
    """Heading line → its number ("2.1")."""
    figures: dict[str, str] = field(default_factory=dict)
    """Figure label → its number ("2.3")."""
    xref: dict[str, dict[str, str]] = field(default_factory=dict)
    """Label → {title, number, sub}, for the page's floats, theorems and callouts."""
    equations: dict[str, str] = field(default_factory=dict)
    """Equation label → its number."""


def output_href(rel: str) -> str:
    """`chapters/ord.qmd` → `chapters/ord.html`, as Quarto names outputs (`.md`, `.ipynb` too)."""
    return rel.rsplit(".", 1)[0] + ".html"


def number_book(docs: list[Document], n_chapters: int,
                crossref_options: dict | None = None) -> tuple[list[PageNumbers],
                                                              dict[str, Target]]:
    """Number every page, section and float; return the pages and all reference targets."""
    titles = crossref.titles(crossref_options or {})
    pages: list[PageNumbers] = []
    targets: dict[str, Target] = {}
    chapter_no = 0
    appendix_no = 0

    def add(target: Target, doc: Document, line: int) -> None:
        if target.ident in targets:
            other = targets[target.ident]
            raise doc.error(line, f"label #{target.ident} is already used in "
                            f"{other.href.replace('.html', '')}")
        targets[target.ident] = target

    for i, doc in enumerate(docs):
        appendix = i >= n_chapters
        number: str | None = None
        if doc.numbered:
            if appendix:
                number = string.ascii_uppercase[appendix_no]
                appendix_no += 1
            else:
                chapter_no += 1
                number = str(chapter_no)
        page = PageNumbers(doc.rel, output_href(doc.rel), number, appendix, doc.title)
        counters = [0] * 7
        for h in doc.headings:
            if any(w.startswith(TITLE_DIVS) for w in h.within):
                continue  # a callout's, tab's or theorem's title, not a section
            if h.level == 1:
                if h.ident:
                    add(Target(h.ident, "chapter", number, h.text, page.href, appendix),
                        doc, h.line)
                continue
            num = None
            if number is not None and "unnumbered" not in h.classes:
                counters[h.level] += 1
                for deeper in range(h.level + 1, 7):
                    counters[deeper] = 0
                num = ".".join([number] + [str(counters[lv]) for lv in range(2, h.level + 1)])
                page.headings[h.line] = num
            if h.ident:
                add(Target(h.ident, "section", num, h.text, page.href, prefix=titles["sec"]),
                    doc, h.line)
        counts: dict[str, int] = {}
        subs: dict[str, int] = {}
        for item in crossref.scan(doc):
            parent = page.xref.get(item.parent) if item.parent else None
            if parent is not None:
                subs[item.parent] = subs.get(item.parent, 0) + 1
                sub = string.ascii_lowercase[(subs[item.parent] - 1) % 26]
                num, entry = f"{parent['number']}({sub})", {**parent, "sub": sub}
            else:
                counts[item.kind] = counts.get(item.kind, 0) + 1
                num = f"{number}.{counts[item.kind]}" if number else str(counts[item.kind])
                entry = {"title": titles[item.kind], "number": num, "sub": ""}
            page.xref[item.ident] = entry
            if item.kind == "fig":
                page.figures[item.ident] = num
            if item.kind == "eq":
                page.equations[item.ident] = num
            add(Target(item.ident, item.kind, num, item.caption, page.href,
                       prefix=titles[item.kind]), doc, item.line)
        pages.append(page)
    return pages, targets


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


def resolve_refs(text: str, page_href: str, targets: dict[str, Target], doc: Document,
                 first_line: int) -> str:
    """Replace cross-references in Markdown with numbered links; unknown labels are errors."""
    def lookup(ident: str) -> tuple[str, str, str] | None:
        target = targets.get(ident)
        if target is None:
            return None
        word, number = target.parts()
        return word, number, f"{relative_href(page_href, target.href)}#{ident}"

    return crossref.resolve(text, lookup,
                            lambda offset, message: doc.error(first_line + offset, message))
