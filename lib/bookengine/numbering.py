"""Numbers for chapters, sections and figures, and the cross-reference targets they make.

Numbering is computed once for the whole book before any page is converted, so `@fig-` and
`@sec-` references resolve the same way from every page, across chapters too.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

from bookengine.qmd import Document, SourceError

HEADING_NUMBER_CLASS = "header-section-number"
REF_RE = re.compile(r"\[?(?<![\w@./-])@((?:fig|sec)-[\w-]*\w)\]?")


@dataclass
class Target:
    """Something a cross-reference can point at."""

    ident: str
    kind: str  # "chapter", "section" or "figure"
    number: str | None
    title: str
    href: str  # page path relative to the site root
    appendix: bool = False

    def label(self) -> str:
        if self.kind == "figure":
            return f"Figure {self.number}"
        if self.number is None:
            return self.title
        if self.kind == "chapter":
            return f"Appendix {self.number}" if self.appendix else f"Chapter {self.number}"
        return f"Section {self.number}"


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


def output_href(rel: str) -> str:
    """`chapters/ord.qmd` → `chapters/ord.html`, as Quarto names outputs."""
    return rel[: -len(".qmd")] + ".html"


def number_book(docs: list[Document],
                n_chapters: int) -> tuple[list[PageNumbers], dict[str, Target]]:
    """Number every page, section and figure; return the pages and all reference targets."""
    pages: list[PageNumbers] = []
    targets: dict[str, Target] = {}
    chapter_no = 0
    appendix_no = 0

    def add(target: Target, doc: Document, line: int) -> None:
        if target.ident in targets:
            other = targets[target.ident]
            raise SourceError(doc.rel, line, f"label #{target.ident} is already used in "
                              f"{other.href.replace('.html', '.qmd')}")
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
                add(Target(h.ident, "section", num, h.text, page.href), doc, h.line)
        k = 0
        for cell in doc.cells:
            if cell.is_figure:
                k += 1
                fig_no = f"{number}.{k}" if number else str(k)
                page.figures[cell.label] = fig_no
                caption = str(cell.options.get("fig-cap", ""))
                add(Target(cell.label, "figure", fig_no, caption, page.href), doc, cell.line)
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


def resolve_refs(text: str, page_href: str, targets: dict[str, Target], rel: str,
                 first_line: int) -> str:
    """Replace `@fig-…`/`@sec-…` in Markdown with numbered links; unknown labels are errors."""
    out_lines = []
    in_fence = False
    for offset, line in enumerate(text.split("\n")):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        if in_fence or "@" not in line:
            out_lines.append(line)
            continue

        def sub(m: re.Match, lineno: int = first_line + offset) -> str:
            ident = m.group(1)
            target = targets.get(ident)
            if target is None:
                raise SourceError(rel, lineno, f"unknown cross-reference @{ident}")
            return f"[{target.label()}]({relative_href(page_href, target.href)}#{ident})"

        out_lines.append(REF_RE.sub(sub, line))
    return "\n".join(out_lines)
