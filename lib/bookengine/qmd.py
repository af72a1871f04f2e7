"""Quarto source files: front matter, Markdown, executable cells and inline expressions.

`.qmd` and `.md` pages are read here (`.ipynb` pages by `notebooks`, which hands this parser the
same text). `{{< include >}}` is expanded first, so every line keeps its origin file and line
for messages. Unclosed code fences and `:::` divs, cells of other engines and unknown cell
options are `SourceError`s naming file and line; what the engine only approximates is a note.
"""

from __future__ import annotations

import html
import re
import shlex
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bookengine import quarto_schema

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


def read_text(path: Path, rel: str) -> str:
    """A source file's text; a file that is not UTF-8 is an error naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(rel, 1, f"not UTF-8 ({exc.reason})") from exc


def parse(path: Path, rel: str, root: Path | None = None,
          execute: dict[str, Any] | None = None) -> Document:
    """Parse one .qmd, .md or .ipynb page; raise SourceError at the first malformed construct.

    `execute` holds the project's `execute:` options; with the page's own, they give each cell
    its `eval` and `error` defaults (what the kernel needs to know). With the project's `root`,
    the front matter includes the page's folders' `_metadata.yml` (Quarto's directory
    metadata), which become inputs of the page.
    """
    if path.suffix == ".ipynb":
        from bookengine.notebooks import parse_notebook

        doc = parse_notebook(path, rel, root or path.parent)
    else:
        doc = parse_text(read_text(path, rel), path, rel, root or path.parent)
        if path.suffix == ".md":  # Quarto's markdown engine shows cells without running them
            for cell in doc.cells:
                cell.stored = []
    if root is not None:  # its folders' `_metadata.yml`, under the page's own front matter
        from bookengine.pageoptions import directory_metadata, merge_configs

        try:
            folders, read = directory_metadata(root, rel)
        except (ValueError, yaml.YAMLError) as exc:
            raise SourceError(rel, 1, f"its folder's metadata: {exc}") from exc
        if folders:
            doc.front = merge_configs(folders, doc.front)
            doc.included.extend(read)
    page = doc.front.get("execute") if isinstance(doc.front.get("execute"), dict) else {}
    defaults = {**(execute or {}), **page}
    if defaults.get("enabled") is True:  # a notebook re-executes instead of showing its outputs
        for cell in doc.cells:
            cell.stored = None
    elif defaults.get("enabled") is False:  # nothing runs: code shown, stored outputs kept
        for cell in doc.cells:
            if cell.stored is None:
                cell.options.setdefault("eval", False)
    for cell in doc.cells:
        for key in ("eval", "error"):
            if key in defaults:
                cell.options.setdefault(key, defaults[key])
    return doc


TITLE_HEADING_RE = re.compile(r"^#{1,6}\s+(?P<text>.*?)(?:\s*\{[^}]*\})?\s*#*\s*$")


def heading_as_title(doc: Document) -> None:
    """Quarto's Jupyter fix-up for a document (not a book's chapter): a page run by Jupyter (a
    notebook, or a page with Python cells) without a front-matter title takes the heading that
    opens its first Markdown as its title, and the heading leaves the body (code cells before
    it do not count)."""
    if doc.front.get("title") or not (doc.rel.endswith(".ipynb") or doc.cells):
        return
    for block in doc.blocks:
        if isinstance(block, Markdown) and block.text.strip():
            lines = block.text.split("\n")
            first = next(i for i, line in enumerate(lines) if line.strip())
            m = TITLE_HEADING_RE.match(lines[first])
            if m:
                doc.front["title"] = m.group("text")
                lines[first] = ""
                block.text = "\n".join(lines)
            return


def parse_text(text: str, path: Path, rel: str, root: Path,
               stored: dict[int, list[dict[str, Any]]] | None = None,
               origins: list[tuple[str, int]] | None = None) -> Document:
    """Parse a page's text. `stored` gives cells (by index) outputs that are not re-executed."""
    from bookengine.shortcodes import expand_includes

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
    origins = origins or [(rel, n) for n in range(1, len(lines) + 1)]
    body, body_origins, included = expand_includes(lines[start:], origins[start:], path, root)
    lines = [""] * start + body
    origins = origins[:start] + body_origins
    doc = Document(path, rel, front, [], [], origins=origins, included=included)
    _Parser(doc, lines, start, stored or {}).run()
    return doc


class _Parser:
    """One pass over the expanded lines: blocks, headings, divs, unclosed constructs."""

    def __init__(self, doc: Document, lines: list[str], start: int,
                 stored: dict[int, list[dict[str, Any]]]):
        self.doc, self.lines, self.start, self.stored = doc, lines, start, stored
        self.md: list[str] = []
        self.md_start = start + 1
        self.cell_index = 0
        self.inline_index = 0
        self.stack: list[Div] = []

    def flush(self, next_line: int) -> None:
        if any(s.strip() for s in self.md):
            block = Markdown("\n".join(self.md), self.md_start)
            for offset, raw in enumerate(self.md):
                for m in INLINE_RE.finditer(raw):
                    block.inlines.append(Inline(m.group("expr"), self.md_start + offset,
                                                self.inline_index))
                    self.inline_index += 1
            self.doc.blocks.append(block)
        self.md = []
        self.md_start = next_line

    def run(self) -> None:
        from bookengine.shortcodes import EMBED_RE, embedded_cells

        lines, i = self.lines, self.start
        while i < len(lines):
            line, lineno = lines[i], i + 1
            fence = FENCE_RE.match(line)
            if fence:
                i = self.fenced(fence, i)
                continue
            embed = EMBED_RE.match(line.strip())
            if embed:
                self.flush(lineno + 1)
                for cell in embedded_cells(embed.group("target"), self.doc, lineno):
                    cell.index = self.cell_index
                    self.doc.blocks.append(cell)
                    self.cell_index += 1
                i += 1
                continue
            self.check_line(line, lineno)
            heading = HEADING_RE.match(line)
            if heading:
                ident, classes = parse_attrs(heading.group("attrs"))
                within = tuple(x for d in self.stack
                               for x in (d.classes + ((f"#{d.ident}",) if d.ident else ())))
                self.doc.headings.append(Heading(len(heading.group("hashes")),
                                                 heading.group("text"), ident, classes, lineno,
                                                 within))
            self.md.append(line)
            i += 1
        self.flush(len(lines) + 1)
        if self.stack:
            opened = self.stack[-1]
            raise self.doc.error(opened.line, "div opened with ::: here is never closed "
                                 "(add a closing ::: line)")

    def fenced(self, fence: re.Match, i: int) -> int:
        lines, lineno = self.lines, i + 1
        ticks, info = fence.group("ticks"), fence.group("info")
        # A closing fence is indented by at most three spaces (CommonMark): a deeper one is a
        # line of the block (an example inside a docstring).
        close = next((j for j in range(i + 1, len(lines))
                      if (s := lines[j].strip()) and set(s) == {ticks[0]}
                      and len(s) >= len(ticks)
                      and len(lines[j]) - len(lines[j].lstrip(" ")) <= 3), None)
        if close is None:
            raise self.doc.error(lineno, f"code block opened with {ticks} here is never closed")
        lang_match = re.match(r"^\{([A-Za-z][\w+-]*)([^}]*)\}$", info)
        lang = lang_match.group(1).lower() if lang_match else None
        if lang and lang not in ("python", *DIAGRAM_LANGS) and lang not in ("html", "=html"):
            engine = OTHER_ENGINES.get(lang)
            if engine or lang in ("r", "julia", "ojs"):
                raise self.doc.error(lineno, f"```{{{lang}}} cells need the {engine} engine "
                                     "in Quarto; this engine runs Python cells only")
        if lang in ("python", *DIAGRAM_LANGS):
            self.flush(close + 2)
            body = lines[i + 1:close]
            prefix = DIAGRAM_LANGS.get(lang, "#|")
            opts_lines = []
            # Quarto reads the options after any blank lines that open the cell.
            lead = 0
            while lead < len(body) and not body[lead].strip():
                lead += 1
            if lead < len(body) and body[lead].startswith(prefix):
                del body[:lead]
            while body and body[0].startswith(prefix):
                opts_lines.append(body.pop(0)[len(prefix):])
            options = self.cell_options(opts_lines, lineno)
            attr_id, attr_classes, attr_pairs = parse_attr_string(lang_match.group(2))
            if attr_id and "label" not in options:
                options["label"] = attr_id
            for key, value in attr_pairs.items():
                options.setdefault(key, value)
            cell = Cell("\n".join(body), options, lineno, self.cell_index, lang,
                        self.stored.get(self.cell_index), fence=line_of(lines, i))
            self.doc.blocks.append(cell)
            self.cell_index += 1
        elif lang:  # a cell the Jupyter engine does not run: shown as code, as Quarto does
            self.doc.notes.append(f"{self.doc.where(lineno)}: ```{{{lang}}} cells are not run "
                                  "in a Python page; shown as code, as Quarto shows them")
            code = html.escape("\n".join(lines[i + 1:close]), quote=False)
            self.md.extend(["```{=html}", f'<pre class="{{{html.escape(lang)}}}"><code>{code}'
                            "</code></pre>", "```"])
        else:
            self.md.extend(lines[i:close + 1])
        return close + 1

    def cell_options(self, opts_lines: list[str], lineno: int) -> dict[str, Any]:
        doc = self.doc
        try:
            options = yaml.safe_load("\n".join(opts_lines)) or {}
        except yaml.YAMLError as exc:
            raise doc.error(lineno + 1, f"cell options (#|) are not valid YAML: {exc}") from exc
        if not isinstance(options, dict):
            raise doc.error(lineno + 1, "cell options (#|) must be `key: value` lines")
        known = quarto_schema.cell_options()
        for offset, raw in enumerate(opts_lines, 1):
            key = raw.split(":", 1)[0].strip()
            if key in options and key not in known:
                # Quarto renders the cell and passes the option on (notebook editors write
                # `scrolled`, `vscode`); a misspelt option is worth a warning.
                doc.warnings.append(f"{doc.where(lineno + offset)}: unknown cell option "
                                    f"`{key}`" + quarto_schema.hint(key, known))
        if "output" in options and options["output"] not in (True, False, "asis"):
            raise doc.error(lineno + 1, "`output` must be true, false or asis")
        label = options.get("label")
        if label is not None and not re.fullmatch(r"[A-Za-z][\w-]*", str(label)):
            raise doc.error(lineno + 1, f"cell label {label!r} is not a valid identifier")
        return options

    def check_line(self, line: str, lineno: int) -> None:
        other = OTHER_INLINE_RE.search(line)
        if other:
            engine = OTHER_ENGINES[other.group(1)]
            raise self.doc.error(lineno, f"inline `{{{other.group(1)}}}` expressions need the "
                                 f"{engine} engine in Quarto; this engine runs Python only")
        div = DIV_RE.match(line)
        if not div:
            return
        if div.group("attrs"):
            ident, classes, pairs = parse_attr_string(div.group("attrs"))
            d = Div(ident, classes, pairs, lineno, depth=len(self.stack))
            self.stack.append(d)
            self.doc.divs.append(d)
        elif self.stack:
            self.stack.pop().end = lineno
        else:
            self.doc.notes.append(f"{self.doc.where(lineno)}: a ::: line closes no open div; "
                                  "shown as text")


def line_of(lines: list[str], i: int) -> str:
    return lines[i].strip()
