"""The parsed form of a Quarto source page: cells, Markdown runs, headings, divs and inline
expressions, with the attribute and fence syntax they share and the error a malformed source
raises (`SourceError`). Parsing itself is `qmd`'s; every later stage reads these objects.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FENCE_RE = re.compile(r"^(?P<indent> {0,3})(?P<ticks>`{3,}|~{3,})\s*(?P<info>.*?)\s*$")


def fence_scan(lines: Iterable[str]) -> Iterator[tuple[int, str, str, re.Match[str] | None]]:
    """Each line with its offset, its kind — `text`, `open` (a code fence opening; the match
    holds its info string), `close` or `code` (inside a fenced block) — and its fence match.

    A fence closes on the same character, at least as long, with no info string."""
    opened = ""
    for offset, line in enumerate(lines):
        fence = FENCE_RE.match(line)
        ticks = fence.group("ticks") if fence else ""
        if not opened:
            if fence:
                opened = ticks
                yield offset, line, "open", fence
            else:
                yield offset, line, "text", None
        elif fence and not fence.group("info") and ticks[0] == opened[0] \
                and len(ticks) >= len(opened):
            opened = ""
            yield offset, line, "close", fence
        else:
            yield offset, line, "code", None
INLINE_RE = re.compile(r"`\{python\}\s+(?P<expr>[^`]+?)\s*`")
OTHER_INLINE_RE = re.compile(r"`\{(r|julia|ojs)\}\s")
HEADING_RE = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*(?:\{(?P<attrs>[^}]*)\})?\s*$")
DIV_RE = re.compile(r"^(?P<colons>:{3,})\s*(?P<attrs>.*?)\s*:*\s*$")
CALLOUTS = ("callout-note", "callout-tip", "callout-warning", "callout-important",
            "callout-caution")
DIAGRAM_LANGS = {"mermaid": "%%|", "dot": "//|"}
OTHER_ENGINES = {"r": "knitr (R)", "julia": "Julia", "ojs": "Observable JS"}
"""Cell languages that make Quarto choose another engine for the whole page. Any other language
in a Python page (`{bash}`, `{sql}`) Quarto's Jupyter engine shows as code, unrun."""


class SourceError(Exception):
    """A source file is malformed or asks for something that would publish a wrong page."""

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
    """An executable cell: its language, code, `#|` options and where it starts in the page."""

    code: str
    options: dict[str, Any]
    line: int
    index: int
    lang: str = "python"
    stored: list[dict[str, Any]] | None = None
    """Outputs already known (a notebook's stored outputs, an embedded cell): not executed."""
    fence: str = ""
    """The cell's opening line as written, for `echo: fenced`."""

    @property
    def label(self) -> str | None:
        label = self.options.get("label")
        return str(label) if label is not None else None

    @property
    def is_figure(self) -> bool:
        return bool(self.label and self.label.startswith("fig-"))

    @property
    def executes(self) -> bool:
        """True when the kernel runs this cell."""
        return (self.lang == "python" and self.stored is None
                and self.options.get("eval", True) is not False)


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
    within: tuple[str, ...] = ()
    """Classes and `#ids` of the divs around the heading, innermost last."""


@dataclass
class Div:
    """A fenced `:::` div: its attributes and the lines it spans."""

    ident: str | None
    classes: tuple[str, ...]
    attrs: dict[str, str]
    line: int
    end: int = 0
    depth: int = 0


@dataclass
class Document:
    """A parsed source page."""

    path: Path
    rel: str
    front: dict[str, Any]
    blocks: list[Markdown | Cell]
    headings: list[Heading]
    divs: list[Div] = field(default_factory=list)
    origins: list[tuple[str, int]] = field(default_factory=list)
    """Line n of the expanded text came from origins[n - 1] (file, line)."""
    included: list[Path] = field(default_factory=list)
    """Files pulled in by `{{< include >}}`, whose change must rebuild the page."""
    notes: list[str] = field(default_factory=list)
    """`file:line: message` for what the engine approximated."""
    warnings: list[str] = field(default_factory=list)
    """What Quarto renders but an author should hear of (`file:line: message`)."""
    attachments: dict[str, bytes] = field(default_factory=dict)
    """A notebook's Markdown attachments, by the site path they are written to."""
    options: dict[str, Any] = field(default_factory=dict)
    """Every option in force on the page, the project's merged under its own
    (`pageoptions.page_options`); set by the build."""
    source_hash: str = ""
    """The sha256 of the source file as it was read for this parse; set by the build."""

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
        if first and "unnumbered" in first.classes:
            return False
        return self.front.get("number-sections", self.front.get("number", True)) is not False

    def where(self, line: int) -> str:
        """`file:line` for a line of the expanded text."""
        if 0 < line <= len(self.origins):
            rel, orig = self.origins[line - 1]
            return f"{rel}:{orig}"
        return f"{self.rel}:{line}"

    def error(self, line: int, message: str) -> SourceError:
        """A SourceError at a line of the expanded text, named by its origin."""
        if 0 < line <= len(self.origins):
            rel, orig = self.origins[line - 1]
            return SourceError(rel, orig, message)
        return SourceError(self.rel, line, message)


def parse_attr_string(attrs: str | None) -> tuple[str | None, tuple[str, ...], dict[str, str]]:
    """Split a pandoc attribute string `{#id .cls key="val"}` into id, classes and pairs."""
    text = (attrs or "").strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    ident, classes, pairs = None, [], {}
    try:
        parts = shlex.split(text, posix=True)
    except ValueError:
        parts = text.split()
    for part in parts:
        if part.startswith("#"):
            ident = part[1:]
        elif part.startswith("."):
            classes.append(part[1:])
        elif part == "-":
            classes.append("unnumbered")
        elif "=" in part:
            key, _, value = part.partition("=")
            pairs[key] = value
        elif part:
            classes.append(part)  # `::: note` is pandoc's shorthand for `.note`
    return ident, tuple(classes), pairs


def parse_attrs(attrs: str | None) -> tuple[str | None, tuple[str, ...]]:
    """Split a pandoc attribute string `{#id .cls key=val}` into its id and classes."""
    ident, classes, _ = parse_attr_string(attrs)
    return ident, classes


_TITLE_ATTR_RE = re.compile(r"^(?P<text>.*?)\s*\{(?P<attrs>[^}]*)\}\s*$")


def split_title(title: str) -> tuple[str, str | None, tuple[str, ...]]:
    """A front-matter title with its pandoc attributes: `Notes {#sec-n .unnumbered}`."""
    m = _TITLE_ATTR_RE.match(title.strip())
    if not m:
        return title.strip(), None, ()
    ident, classes = parse_attrs(m.group("attrs"))
    return m.group("text"), ident, classes


def read_text(path: Path, rel: str) -> str:
    """A source file's text; a file that is not UTF-8 is an error naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(rel, 1, f"not UTF-8 ({exc.reason})") from exc


def line_of(lines: list[str], i: int) -> str:
    return lines[i].strip()
