"""Quarto source files: front matter, Markdown, `{python}` cells and inline expressions.

Only the subset this engine supports is accepted; anything else is a `SourceError` naming the
file and line, so unsupported syntax never reaches a page as raw text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CELL_OPTIONS = {"label", "fig-cap", "fig-alt", "echo", "output", "eval", "include", "warning",
                "error"}
CALLOUTS = {"callout-note", "callout-tip", "callout-warning", "callout-important",
            "callout-caution"}
FENCE_RE = re.compile(r"^(?P<ticks>`{3,}|~{3,})\s*(?P<info>.*?)\s*$")
INLINE_RE = re.compile(r"`\{python\}\s+(?P<expr>[^`]+?)\s*`")
OTHER_INLINE_RE = re.compile(r"`\{(?!python\})(\w+)\}\s")
HEADING_RE = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*(?:\{(?P<attrs>[^}]*)\})?\s*$")
DIV_RE = re.compile(r"^:{3,}\s*(?P<attrs>.*?)\s*$")
UNSUPPORTED = [
    (re.compile(r"\{\{<"), "shortcodes ({{< … >}}) are not supported"),
    (re.compile(r"(?<![\w@])@(tbl|eq|lst|thm|lem)-[\w-]+"),
     "only @fig- and @sec- cross-references are supported"),
]


class SourceError(Exception):
    """A source file uses syntax the engine does not support, or is malformed."""

    def __init__(self, path: Path | str, line: int, message: str):
        self.path, self.line, self.message = str(path), line, message
        super().__init__(f"{path}:{line}: {message}")


@dataclass
class Inline:
    """An inline `{python} expr` value, in document order."""

    expr: str
    line: int
    index: int


@dataclass
class Cell:
    """A ```{python}``` cell: its code, its `#|` options and where it starts in the file."""

    code: str
    options: dict[str, Any]
    line: int
    index: int

    @property
    def label(self) -> str | None:
        return self.options.get("label")

    @property
    def is_figure(self) -> bool:
        return bool(self.label and str(self.label).startswith("fig-"))


@dataclass
class Markdown:
    """A run of Markdown between cells, with the line it starts on."""

    text: str
    line: int
    inlines: list[Inline] = field(default_factory=list)


@dataclass
class Heading:
    """An ATX heading found in the Markdown (outside code)."""

    level: int
    text: str
    ident: str | None
    classes: tuple[str, ...]
    line: int


@dataclass
class Document:
    """A parsed source page."""

    path: Path
    rel: str
    front: dict[str, Any]
    blocks: list[Markdown | Cell]
    headings: list[Heading]

    @property
    def cells(self) -> list[Cell]:
        return [b for b in self.blocks if isinstance(b, Cell)]

    @property
    def inlines(self) -> list[Inline]:
        return [i for b in self.blocks if isinstance(b, Markdown) for i in b.inlines]

    @property
    def title(self) -> str:
        first = next((h for h in self.headings if h.level == 1), None)
        return str(self.front.get("title") or (first.text if first else self.rel))

    @property
    def numbered(self) -> bool:
        first = next((h for h in self.headings if h.level == 1), None)
        return not (first and "unnumbered" in first.classes) and self.front.get("number", True)


def parse_attrs(attrs: str | None) -> tuple[str | None, tuple[str, ...]]:
    """Split a pandoc attribute string `{#id .cls key=val}` into its id and classes."""
    ident, classes = None, []
    for part in (attrs or "").split():
        if part.startswith("#"):
            ident = part[1:]
        elif part.startswith("."):
            classes.append(part[1:])
        elif part == "-":
            classes.append("unnumbered")
    return ident, tuple(classes)


def parse(path: Path, rel: str) -> Document:
    """Parse one .qmd file; raise SourceError at the first unsupported construct."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(rel, 1, f"not UTF-8 ({exc.reason})") from exc
    lines = text.split("\n")
    front: dict[str, Any] = {}
    start = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        if end is None:
            raise SourceError(rel, 1, "front matter opened with --- is never closed")
        try:
            front = yaml.safe_load("\n".join(lines[1:end])) or {}
        except yaml.YAMLError as exc:
            raise SourceError(rel, 2, f"front matter is not valid YAML: {exc}") from exc
        if not isinstance(front, dict):
            raise SourceError(rel, 2, "front matter must be a mapping")
        start = end + 1

    blocks: list[Markdown | Cell] = []
    headings: list[Heading] = []
    md: list[str] = []
    md_start = start + 1
    cell_index = 0
    inline_index = 0

    def flush(next_line: int) -> None:
        nonlocal md, md_start, inline_index
        if any(s.strip() for s in md):
            block = Markdown("\n".join(md), md_start)
            for offset, raw in enumerate(md):
                for m in INLINE_RE.finditer(raw):
                    block.inlines.append(Inline(m.group("expr"), md_start + offset, inline_index))
                    inline_index += 1
            blocks.append(block)
        md = []
        md_start = next_line

    i = start
    while i < len(lines):
        line = lines[i]
        lineno = i + 1
        fence = FENCE_RE.match(line)
        if fence:
            ticks, info = fence.group("ticks"), fence.group("info")
            close = next((j for j in range(i + 1, len(lines))
                          if lines[j].strip() == ticks[0] * len(lines[j].strip())
                          and len(lines[j].strip()) >= len(ticks)), None)
            if close is None:
                raise SourceError(rel, lineno, "code block is never closed")
            if info.startswith("{") and info not in ("{python}", "{=html}"):
                if re.match(r"^\{[\w-]+", info) and not info.startswith("{."):
                    raise SourceError(rel, lineno, f"unsupported cell {info}: only ```{{python}}```"
                                      " "
                                      "cells are executed")
            if info == "{python}":
                flush(close + 2)
                body = lines[i + 1:close]
                opts_lines = []
                while body and body[0].startswith("#|"):
                    opts_lines.append(body.pop(0)[2:])
                options = _cell_options(opts_lines, rel, lineno)
                blocks.append(Cell("\n".join(body), options, lineno, cell_index))
                cell_index += 1
            else:
                md.extend(lines[i:close + 1])
            i = close + 1
            continue
        _check_line(line, rel, lineno)
        heading = HEADING_RE.match(line)
        if heading:
            ident, classes = parse_attrs(heading.group("attrs"))
            headings.append(Heading(len(heading.group("hashes")), heading.group("text"), ident,
                                    classes, lineno))
        md.append(line)
        i += 1
    flush(len(lines) + 1)
    return Document(path, rel, front, blocks, headings)


def _cell_options(opts_lines: list[str], rel: str, lineno: int) -> dict[str, Any]:
    try:
        options = yaml.safe_load("\n".join(opts_lines)) or {}
    except yaml.YAMLError as exc:
        raise SourceError(rel, lineno + 1, f"cell options (#|) are not valid YAML: {exc}") from exc
    if not isinstance(options, dict):
        raise SourceError(rel, lineno + 1, "cell options (#|) must be `key: value` lines")
    for key in options:
        if key not in CELL_OPTIONS:
            raise SourceError(rel, lineno + 1, f"unsupported cell option `{key}` "
                              f"(supported: {', '.join(sorted(CELL_OPTIONS))})")
    if "output" in options and options["output"] not in (True, False, "asis"):
        raise SourceError(rel, lineno + 1, "`output` must be true, false or asis")
    label = options.get("label")
    if label is not None and not re.fullmatch(r"[A-Za-z][\w-]*", str(label)):
        raise SourceError(rel, lineno + 1, f"cell label {label!r} is not a valid identifier")
    return options


def _check_line(line: str, rel: str, lineno: int) -> None:
    for pattern, message in UNSUPPORTED:
        if pattern.search(line):
            raise SourceError(rel, lineno, message)
    other = OTHER_INLINE_RE.search(line)
    if other:
        raise SourceError(rel, lineno, f"inline `{{{other.group(1)}}}` expressions are not "
                          "supported: use `{python} …`")
    div = DIV_RE.match(line)
    if div and div.group("attrs"):
        attrs = div.group("attrs").strip("{} ")
        _, classes = parse_attrs(attrs)
        bare = attrs if not attrs.startswith(("#", ".")) and " " not in attrs else None
        known = CALLOUTS | {"column-margin", "column-page", "column-body-outset", "lead",
                            "unnumbered", "aside", "book-version-changes"}
        for cls in classes + ((bare,) if bare else ()):
            if cls not in known:
                raise SourceError(rel, lineno, f"unsupported div class `.{cls}` (supported: "
                                  "callouts and column classes)")
