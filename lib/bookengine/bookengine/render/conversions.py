"""Every page's conversion, in three steps that the build overlaps with execution:

1. `start(doc, result)`, as soon as a page has run: its Markdown with outputs substituted, and
   what pandoc reads in it (headings, labels) for numbering;
2. `number(…)`, once every page has: the whole book numbered as Quarto numbers it;
3. `finish(…)`: each page converted by pandoc with its numbers and references.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from bookengine.core import generations
from bookengine.core.state import BookState
from bookengine.render import crossref
from bookengine.render.convert import ConvertedPage, line_of, page_markdown
from bookengine.render.convert_pandoc import add_heading_anchors, page_index, run_pandoc
from bookengine.render.figures import Figure
from bookengine.render.numbering import (
    PageIndex,
    PageNumbers,
    PageSource,
    Target,
    number_book,
    output_href,
    page_xref,
)
from bookengine.run.execresult import ExecResult
from bookengine.source.config import HOME_PAGES, BookConfig
from bookengine.source.document import Document, SourceError
from bookengine.source.frontmatter import page_config
from bookengine.source.pageoptions import page_options


@dataclass
class Prepared:
    """A page's Markdown, ready for numbering and conversion."""

    markdown: str
    figures: list[Figure]
    files: dict[str, bytes]
    index: PageIndex
    notes: list[str] = field(default_factory=list)


class ConversionError(Exception):
    """Pages could not be converted; `problems` names each, with file and line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class Conversions:
    """The pages' conversions for one build (see the module's docstring)."""

    def __init__(self, config: BookConfig, docs: list[Document]):
        self.config = config
        self.docs = docs
        self.dir = BookState(config.root).convert
        self.used: list[str] = []
        self.futures: dict[str, Future] = {}
        self.pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1)
        # The project's words (its `lang`, `_language.yml` and `language:`), read once.
        self.project_words = crossref.project_language(config.root,
                                                       config.metadata.get("language"))
        self.language = crossref.language(config.extra.get("lang"), self.project_words)
        self.words = crossref.page_words(self.language)

    def start(self, doc: Document, result: ExecResult) -> None:
        """Prepare a page whose result is in (once)."""
        if doc.rel not in self.futures:
            self.futures[doc.rel] = self.pool.submit(self._prepare, doc, result)

    def _prepare(self, doc: Document, result: ExecResult) -> Prepared | str:
        notes: list[str] = []
        files: dict[str, bytes] = {}
        try:
            markdown, figures = page_markdown(doc, result, output_href(doc.rel), self.config,
                                              notes, files)
            index, key = page_index(markdown, doc.rel, self.dir, notes)
            self.used.append(key)
        except SourceError as exc:
            return str(exc)
        except Exception as exc:  # noqa: BLE001 - any failure is reported with its page
            return f"{doc.rel}: converting the page failed: {type(exc).__name__}: {exc}"
        return Prepared(markdown, figures, files, index, notes)

    def prepared(self, results: dict[str, ExecResult]) -> dict[str, Prepared]:
        """Every page prepared; every page that could not be is a ConversionError."""
        for doc in self.docs:
            self.start(doc, results[doc.rel])
        out = {doc.rel: self.futures[doc.rel].result() for doc in self.docs}
        problems = [p for p in out.values() if isinstance(p, str)]
        if problems:
            raise ConversionError(problems)
        return out  # type: ignore[return-value]

    def number(self, results: dict[str, ExecResult],
               warn: Callable[[str], None]) -> tuple[dict[str, PageNumbers], dict[str, Target]]:
        """Number the book from every page's index; duplicate labels are warnings."""
        prepared = self.prepared(results)
        config = self.config
        by_rel = {doc.rel: doc for doc in self.docs}

        def source(rel: str, appendix: bool) -> PageSource:
            doc = by_rel[rel]
            sections, depth = number_sections(config, doc.front)
            return PageSource(rel, doc.front, prepared[rel].index, appendix=appendix,
                              home=config.is_book and rel in HOME_PAGES
                              and rel == config.chapters[0],
                              part_page=config.parts.get(rel) == rel, sections=sections,
                              depth=depth, document=not config.is_book,
                              language=page_language(doc.front))

        listed = [source(rel, False) for rel in (config.listed or config.chapters)]
        appendices = [source(rel, True) for rel in config.appendices]
        numbers, targets, warnings = number_book(listed, appendices, config.title,
                                                 config.crossref, self.language)
        for rel, message in warnings:
            ident = re.search(r"'([^']+)'", message)
            line = line_of(config.root / rel, "#" + ident.group(1)) if ident else 1
            warn(f"{rel}:{line}: {message}")
        return numbers, targets

    def finish(self, results: dict[str, ExecResult], numbers: dict[str, PageNumbers],
               targets: dict[str, Target], log: Callable[[str], None],
               warn: Callable[[str], None]) -> list[ConvertedPage]:
        """Every page converted, in book order; the conversion cache pruned to two builds."""
        prepared = self.prepared(results)
        refs = references_page(self.docs, prepared) if self.config.bibliography else None
        futures = {doc.rel: self.pool.submit(self._convert, doc, prepared[doc.rel],
                                             numbers[doc.rel], targets)
                   for doc in self.docs if doc.rel != refs}
        if refs is not None:
            # Quarto's book bibliography: every entry the book cites, on the page that holds
            # `::: {#refs}`; the other pages link their citations there and hide their own.
            cited = sorted({key for f in futures.values() if not isinstance(f.result(), str)
                            for key in cited_keys(f.result()[0].body)})
            prep = prepared[refs]
            if cited:
                prep = replace(prep, markdown=prep.markdown + "\n\n---\nnocite: |\n  "
                               + ", ".join("@" + key for key in cited) + "\n---\n")
            refs_doc = next(doc for doc in self.docs if doc.rel == refs)
            futures[refs] = self.pool.submit(self._convert, refs_doc, prep, numbers[refs],
                                             targets)
            refs_href = numbers[refs].href
            for doc in self.docs:
                done = futures[doc.rel].result()
                if doc.rel != refs and not isinstance(done, str):
                    done[0].body = link_to_references(done[0].body, numbers[doc.rel].href,
                                                      refs_href)
        converted = [futures[doc.rel].result() for doc in self.docs]
        for doc in self.docs:
            for note in prepared[doc.rel].notes:
                log(f"note: {note}")
            for message in doc.warnings:
                warn(message)
        problems = [c for c in converted if isinstance(c, str)]
        if problems:
            raise ConversionError(problems)
        pages = []
        for doc, (page, unresolved, missing) in zip(self.docs, converted, strict=True):
            # Quarto's wording for both (pandoc's for citations).
            for ident in unresolved:
                line = line_of(doc.path, "@" + ident)
                warn(f"{doc.rel}:{line}: Unable to resolve crossref @{ident}")
            for key in missing:
                line = line_of(doc.path, "@" + key)
                warn(f"{doc.rel}:{line}: Citeproc: citation {key} not found")
            pages.append(page)
        generations.prune(self.dir, set(self.used) - {""}, "*.*.json")
        return pages

    def _convert(self, doc: Document, prep: Prepared, num: PageNumbers,
                 targets: dict[str, Target]
                 ) -> tuple[ConvertedPage, list[str], list[str]] | str:
        for fig in prep.figures:
            fig.number = num.figures.get(fig.label, "")
        numbering = page_numbering(num, targets)
        words = self.words
        own = page_language(doc.front)
        if own or doc.front.get("lang"):
            words = crossref.page_words(crossref.language(
                doc.front.get("lang") or self.config.extra.get("lang"),
                {**self.project_words, **(own or {})}))
        numbering["book-words"] = words
        try:
            converted = run_pandoc(prep.markdown, page_config(self.config, doc), doc.rel,
                                   self.dir, numbering, prep.notes)
            html = converted.html
            if not self.config.is_book and self.config.html.get("appendix-style") != "none":
                html = appendix_headings(html, words, bool(REFS_DIV_RE.search(prep.markdown)))
            body, toc = add_heading_anchors(html)
        except SourceError as exc:
            return str(exc)
        except Exception as exc:  # noqa: BLE001 - any failure is reported with its page
            return f"{doc.rel}: converting the page failed: {type(exc).__name__}: {exc}"
        self.used.extend(converted.keys)
        page = ConvertedPage(doc.rel, num.href, num.title, num.number, num.appendix, doc.front,
                             body, prep.figures, toc, prep.files,
                             nav_title=num.nav_title)
        return page, converted.unresolved, converted.missing

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


REFS_DIV_RE = re.compile(r"^:::+\s*\{#refs\b", re.M)
DATA_CITES_RE = re.compile(r'<span class="citation" data-cites="([^"]*)"')
BIBLIOREF_RE = re.compile(r'<a href="#(ref-[^"]+)" role="doc-biblioref"')
OWN_REFS_RE = re.compile(r'<div id="refs" class="references')


def references_page(docs: list[Document], prepared: dict[str, Prepared]) -> str | None:
    """The book's references page: the first page, in book order, with a `{#refs}` div."""
    return next((doc.rel for doc in docs if REFS_DIV_RE.search(prepared[doc.rel].markdown)),
                None)


def cited_keys(body: str) -> set[str]:
    """The bibliography keys a converted page cites."""
    return {key for group in DATA_CITES_RE.findall(body) for key in group.split()}


def link_to_references(body: str, page_href: str, refs_href: str) -> str:
    """A page's citations linked to the book's references page, and its own list hidden (as
    Quarto leaves it, for citation previews)."""
    rel = posixpath.relpath(refs_href, posixpath.dirname(page_href) or ".")
    body = BIBLIOREF_RE.sub(lambda m: f'<a href="{rel}#{m.group(1)}" role="doc-biblioref"',
                            body)
    return OWN_REFS_RE.sub('<div id="refs" hidden class="references', body)


FOOTNOTES_RE = re.compile(r'(<section id="footnotes" class="footnotes[^"]*"[^>]*>)\s*(<hr />)?')
REFS_RE = re.compile(r'(<div id="refs" class="references[^"]*"[^>]*>)')


def appendix_headings(html: str, words: dict[str, str], explicit_refs: bool = False) -> str:
    """A document's footnotes and bibliography under the headings Quarto gives them outside
    books ("Footnotes", "References", in the page's language)."""
    html = FOOTNOTES_RE.sub(lambda m: m.group(1) + '<h2 class="anchored quarto-appendix-heading">'
                            + words["footnotes"] + "</h2>", html, count=1)
    if explicit_refs:  # a `{#refs}` div the author placed has no heading added
        return html
    return REFS_RE.sub(lambda m: '<h2 id="quarto-bibliography" class="anchored '
                       'quarto-appendix-heading">' + words["references"] + "</h2>" + m.group(1),
                       html, count=1)


def page_language(front: dict[str, Any]) -> dict[str, str] | None:
    """A page's own `language:` words (`callout-tip-title`, `crossref-fig-title`, …)."""
    own = front.get("language")
    if not isinstance(own, dict):
        return None
    return {str(k): str(v) for k, v in own.items() if isinstance(v, str | int | float)}


def number_sections(config: BookConfig, front: dict[str, Any]) -> tuple[bool, int]:
    """`number-sections` (true in a book unless set false, false elsewhere) and `number-depth`
    for a page, from the options in force on it."""
    options = page_options(config, front)
    sections = options.get("number-sections", config.is_book) is not False
    depth = options.get("number-depth")
    return sections, depth if isinstance(depth, int) else 6


def page_numbering(num: PageNumbers, targets: dict[str, Target]) -> dict[str, Any]:
    """The metadata `quarto_xref.lua` and `quarto_blocks.lua` apply to one page: its heading
    numbers and title, and every target (with the caption word and sub-float letter of the
    page's own)."""
    xref = page_xref({**targets, **num.local}, num.href)
    for ident, own in num.xref.items():
        if ident in xref:
            xref[ident] = {**xref[ident], "title": own["title"], "sub": own["sub"]}
    return {"book-page": {"headings": num.headings, "sections": num.sections,
                          "appendix": num.appendix, "title_label": num.title_label},
            "book-xref": xref}
