"""What each data version said: every inline value and every figure's data version, kept per
version, and what changed between versions.

A book whose numbers come from data changes its argument when the data changes. After the pages
have executed, the build takes a snapshot of every inline value (keyed by its page, its
expression and which occurrence of that expression it is, with the sentence around it) and of
every figure's data version and number. The snapshot is stored as `<history>/<version>.json`
(`book-engine: history:` in `_quarto.yml`; a folder committed with the data, so the record
survives a fresh clone) whenever the data version (the hash of the data folder) has none yet or
its values changed. The differences from the previous version are printed, and a page that holds
an empty `::: {.book-version-changes}` div gets, in its place, the list of changes under each
version, newest first. The list is made after execution, so no page re-executes because of it.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bookengine.render.figures import chart_spec, spec_data_version
from bookengine.render.numbering import PageNumbers
from bookengine.run.execresult import ExecResult
from bookengine.source.config import BookConfig
from bookengine.source.document import INLINE_RE, Document, Markdown
from bookengine.versions.bookversion import BookVersion

PLACEHOLDER_RE = re.compile(r'<div class="book-version-changes">\s*</div>')
_MARK = "\u2063"  # an invisible separator marks the value while its sentence is cut out
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")
_MARKUP = [(re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links keep their text
           (re.compile(r"\[-?@[^\]]*\]"), ""),  # citations
           (re.compile(r"\{[#.][^}]*\}"), ""),  # attributes
           (re.compile(r"[*_`]+"), ""),
           (re.compile(r"\^\[[^\]]*\]"), ""),  # inline footnotes
           (re.compile(r"\s+"), " "),
           (re.compile(r" ([.,;:!?])"), r"\1")]


@dataclass
class Change:
    """One difference between two versions of the book."""

    page: str
    kind: str  # "value", "figure", "section"
    where: str  # the sentence, the figure, or the section id
    old: str | None
    new: str | None

    def describe(self) -> str:
        if self.kind == "value":
            return f"{self.page}: “{self.where}”: {self.old} → {self.new}"
        if self.kind == "figure":
            return f"{self.page}: {self.where}: data version {self.old} → {self.new}"
        return f"{self.page}: section #{self.where} {'added' if self.new else 'removed'}"


def _plain(text: str) -> str:
    for pattern, repl in _MARKUP:
        text = pattern.sub(repl, text)
    return text.strip()


def _sentence(block: Markdown, target: int, values: dict[int, str]) -> str:
    """The sentence of `block` around the inline value numbered `target`, as plain text."""
    lines = block.text.split("\n")
    where = next(i.line for i in block.inlines if i.index == target) - block.line
    start, end = where, where
    while start > 0 and lines[start - 1].strip():
        start -= 1
    while end + 1 < len(lines) and lines[end + 1].strip():
        end += 1
    indices = iter(i.index for i in block.inlines if start + block.line <= i.line
                   <= end + block.line)

    def value(match: re.Match) -> str:
        index = next(indices)
        text = values.get(index, "")
        return f"{_MARK}{text}{_MARK}" if index == target else text

    paragraph = INLINE_RE.sub(value, "\n".join(lines[start:end + 1]))
    paragraph = re.sub(r"^\s*(#+|[-*+]|\d+\.|\|)\s*", "", paragraph)
    for sentence in _SENTENCE_END.split(paragraph):
        if _MARK in sentence:
            return _plain(sentence.replace(_MARK, ""))[:400]
    return _plain(paragraph.replace(_MARK, ""))[:400]


def snapshot(docs: list[Document], results: dict[str, ExecResult],
             numbers: list[PageNumbers]) -> dict[str, Any]:
    """Every page's inline values (with sentences), figure data versions and section ids."""
    pages: dict[str, Any] = {}
    for doc, num in zip(docs, numbers, strict=True):
        result = results.get(doc.rel) or ExecResult()
        values: dict[str, Any] = {}
        seen: dict[str, int] = {}
        for block in (b for b in doc.blocks if isinstance(b, Markdown)):
            for inline in block.inlines:
                seen[inline.expr] = seen.get(inline.expr, 0) + 1
                values[f"{inline.expr}#{seen[inline.expr]}"] = {
                    "text": result.inlines.get(inline.index, ""), "line": inline.line,
                    "sentence": _sentence(block, inline.index, result.inlines)}
        figures = {}
        for cell in doc.cells:
            spec = chart_spec(result.outputs.get(cell.index, [])) if cell.is_figure else None
            if spec is not None:
                figures[cell.label] = {"number": num.figures.get(cell.label),
                                       "data_version": spec_data_version(spec)}
        sections = sorted(h.ident for h in doc.headings if h.ident)
        pages[doc.rel] = {"values": values, "figures": figures, "sections": sections}
    return {"pages": pages}


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """What changed from one snapshot to the next: values, figure data versions, sections."""
    changes: list[Change] = []
    for rel, page in new["pages"].items():
        before = old["pages"].get(rel)
        if before is None:
            continue
        for key, value in page["values"].items():
            was = before["values"].get(key)
            if was is not None and was["text"] != value["text"]:
                changes.append(Change(rel, "value", value["sentence"], was["text"],
                                      value["text"]))
        for label, fig in page["figures"].items():
            was = before["figures"].get(label)
            if was is not None and was["data_version"] != fig["data_version"]:
                name = f"Figure {fig['number']}" if fig.get("number") else label
                changes.append(Change(rel, "figure", f"{name} ({label})", was["data_version"],
                                      fig["data_version"]))
        for ident in sorted(set(page["sections"]) ^ set(before["sections"])):
            added = ident in page["sections"]
            changes.append(Change(rel, "section", ident, None if added else ident,
                                  ident if added else None))
    return changes


class History:
    """The stored snapshots of a book, one JSON file per data version."""

    def __init__(self, config: BookConfig):
        self.config = config
        self.dir = config.root / config.history if config.history else None

    def versions(self) -> list[dict[str, Any]]:
        """Every stored snapshot, newest first (by date, then by when it was recorded)."""
        if self.dir is None or not self.dir.is_dir():
            return []
        stored = []
        for path in self.dir.glob("*.json"):
            try:
                stored.append(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                continue
        return sorted(stored, key=lambda v: (v.get("date") or "", v.get("recorded", 0)),
                      reverse=True)

    def record(self, current: dict[str, Any], version: str, date: str | None,
               log: Callable[[str], None]) -> list[Change]:
        """Store the snapshot of `version` if new or changed; print and return what changed
        since the previous version (only when something was stored)."""
        if self.dir is None:
            return []
        versions = self.versions()
        same = next((v for v in versions if v.get("version") == version), None)
        entry = {"version": version, "date": date, **current}
        if same is not None and same.get("pages") == current["pages"] and same.get(
                "date") == date:
            return []
        previous = next((v for v in versions if v.get("version") != version), None)
        entry["recorded"] = (same or {}).get("recorded") or (
            (max(v.get("recorded", 0) for v in versions) + 1) if versions else 1)
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.dir / f"{version}.json"
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(entry, sort_keys=True, indent=1, ensure_ascii=False) + "\n",
                       encoding="utf-8")
        os.replace(tmp, path)
        if previous is None:
            return []
        changes = compare(previous, entry)
        label = f"{previous.get('date')} ({previous['version']}) → {date} ({version})"
        log(f"data version {label}: {len(changes)} change(s) in the argument")
        for change in changes:
            log(f"  changed: {change.describe()}")
        return changes


def changes_html(config: BookConfig) -> str:
    """The record of every version, newest first, each with what changed from the one before."""
    versions = History(config).versions()
    if not versions:
        return '<p class="version-changes-empty">No data version has been recorded yet.</p>'
    parts = ['<div class="book-version-changes">']
    for newer, older in zip(versions, [*versions[1:], None], strict=True):
        title = f"Data version {newer.get('date') or 'undated'} ({newer['version']})"
        parts.append(f"<h3>{html.escape(title)}</h3>")
        if older is None:
            parts.append("<p>The first recorded version.</p>")
            continue
        changes = compare(older, newer)
        if not changes:
            parts.append("<p>No value in the text and no figure's data changed.</p>")
            continue
        parts.append("<ul>")
        for change in changes:
            parts.append(f"<li>{html.escape(change.describe())}</li>")
        parts.append("</ul>")
    parts.append("</div>")
    return "\n".join(parts)


def fill_placeholder(body: str, config: BookConfig) -> str:
    """Replace an empty `.book-version-changes` div with the record of versions."""
    if not PLACEHOLDER_RE.search(body):
        return body
    return PLACEHOLDER_RE.sub(lambda m: changes_html(config), body)


def keep_snapshot(config: BookConfig, version: BookVersion, docs: list[Document],
                  results: dict[str, ExecResult], numbers: list[PageNumbers],
                  log: Callable[[str], None]) -> dict:
    """Keep this data version's values and print what changed in the argument since the last;
    return the snapshot (kept with the build's version record in any case)."""
    current = snapshot(docs, results, numbers)
    if config.history and config.data_dir:
        History(config).record(current, version.data_hash, version.date, log)
    return current
