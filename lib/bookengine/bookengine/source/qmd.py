"""Quarto source files: front matter, Markdown, executable cells and inline expressions.

`.qmd` and `.md` pages are read here, and `.ipynb` pages as the equivalent text `notebooks`
makes of them; so are the sources `{{< embed >}}` takes cells from. `{{< include >}}` is
expanded first, so every line keeps its origin file and line for messages. Unclosed code
fences and `:::` divs, cells of other engines and unknown cell options are `SourceError`s
naming file and line; what the engine only approximates is a note.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Any

import yaml

from bookengine.core.manifest import sha256_file
from bookengine.core.report import BuildError
from bookengine.source import quarto_schema
from bookengine.source.config import BookConfig
from bookengine.source.document import (
    DIAGRAM_LANGS,
    DIV_RE,
    FENCE_RE,
    HEADING_RE,
    INLINE_RE,
    OTHER_ENGINES,
    OTHER_INLINE_RE,
    Cell,
    Div,
    Document,
    Heading,
    Inline,
    Markdown,
    SourceError,
    line_of,
    parse_attr_string,
    parse_attrs,
    read_text,
)
from bookengine.source.notebooks import attachment_files, notebook_text, read_notebook
from bookengine.source.pageoptions import directory_metadata, merge_configs, page_options
from bookengine.source.shortcodes import EMBED_RE, expand_includes


def parse(path: Path, rel: str, root: Path | None = None,
          execute: dict[str, Any] | None = None) -> Document:
    """Parse one .qmd, .md or .ipynb page; raise SourceError at the first malformed construct.

    `execute` holds the project's `execute:` options; with the page's own, they give each cell
    its `eval` and `error` defaults (what the kernel needs to know). With the project's `root`,
    the front matter includes the page's folders' `_metadata.yml` (Quarto's directory
    metadata), which become inputs of the page.
    """
    if path.suffix == ".ipynb":
        doc = parse_notebook(path, rel, root or path.parent)
    else:
        doc = parse_text(read_text(path, rel), path, rel, root or path.parent)
        if path.suffix == ".md":  # Quarto's markdown engine shows cells without running them
            for cell in doc.cells:
                cell.stored = []
    if root is not None:  # its folders' `_metadata.yml`, under the page's own front matter
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


def parse_notebook(path: Path, rel: str, root: Path) -> Document:
    """A notebook page, parsed as the equivalent `.qmd`, with its stored outputs and its
    Markdown cells' attachments (written beside the page, as Quarto writes them)."""
    nb = read_notebook(path, rel)
    text, stored = notebook_text(nb)
    text, files = attachment_files(nb, text, rel)
    doc = parse_text(text, path, rel, root, stored)
    doc.attachments.update(files)
    return doc


def notebook_cells(path: Path, rel: str) -> list[Cell]:
    """A notebook's code cells with their options and stored outputs (for embedding)."""
    nb = read_notebook(path, rel)
    text, stored = notebook_text(nb)
    return parse_text(text, path, rel, path.parent, stored).cells


def embedded_cells(target: str, doc: Document, line: int) -> list[Cell]:
    """The cells `{{< embed file#label >}}` brings into a page (their `index` set by the caller).

    From a notebook: the labelled cell with its stored outputs (without `#label`, the whole
    notebook's outputs). From a `.qmd`: its Python cells up to the labelled one run in this page
    (hidden), and the labelled one is shown, as Quarto renders the `.qmd` to embed from it.
    """
    words = target.split()
    file_part, _, label = words[0].strip("\"'").partition("#")
    options = dict(w.split("=", 1) for w in words[1:] if "=" in w)
    echo = options.get("echo", "false") == "true"
    file = doc.path.parent / file_part
    file_rel = os.path.normpath(os.path.join(os.path.dirname(doc.rel), file_part))
    if not file.is_file():
        raise doc.error(line, f"embedded file {file_part} does not exist")
    doc.included.append(file)
    if file.suffix == ".ipynb":
        cells = notebook_cells(file, file_rel)
    elif file.suffix in (".qmd", ".md"):
        source = parse_text(read_text(file, file_rel), file, file_rel, file.parent)
        doc.included.extend(source.included)
        cells = [c for c in source.cells if c.lang == "python"]
    else:
        raise doc.error(line, f"cannot embed from {file_part}: only .ipynb and .qmd files")
    if not label:
        outputs = [o for c in cells for o in (c.stored or [])]
        return [Cell("\n\n".join(c.code for c in cells), {"echo": False}, line, 0, "python",
                     outputs)]
    chosen = next((k for k, c in enumerate(cells) if c.label == label), None)
    if chosen is None:
        raise doc.error(line, f"{file_part} has no cell labelled {label}")
    cell = cells[chosen]
    shown = Cell(cell.code, {**cell.options, "echo": echo}, line, 0, "python",
                 None if cell.stored is None else list(cell.stored))
    if file.suffix == ".ipynb":
        return [shown]
    setup = [Cell(c.code, {"include": False}, line, 0, "python") for c in cells[:chosen]
             if c.executes]
    return [*setup, shown]


def parse_pages(config: BookConfig) -> list[Document]:
    """Parse every listed page; report every page that does not parse."""
    docs, problems = [], []
    for rel in config.pages:
        try:
            digest = sha256_file(config.root / rel)
            doc = parse(config.root / rel, rel, config.root, execute=config.execute)
            doc.options = page_options(config, doc.front)
            doc.source_hash = digest
            if not config.is_book:
                heading_as_title(doc)
            docs.append(doc)
        except SourceError as exc:
            problems.append(str(exc))
    if problems:
        raise BuildError(problems)
    return docs
