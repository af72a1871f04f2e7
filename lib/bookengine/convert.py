"""Turn an executed page into HTML: substitute outputs and inline values, resolve references,
number headings, and let pandoc (with citeproc) convert the Markdown.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bookengine.config import BookConfig
from bookengine.execute import ExecResult
from bookengine.figures import Figure, FigureError, chart_spec, make_figure
from bookengine.numbering import HEADING_NUMBER_CLASS, PageNumbers, Target, resolve_refs
from bookengine.qmd import HEADING_RE, INLINE_RE, Cell, Document, Markdown, SourceError

FENCED_RE = re.compile(r"^(`{3,}|~{3,}).*?^\1", re.S | re.M)
CODE_SPAN_RE = re.compile(r"`[^`\n]*`")
CITE_RE = re.compile(r"(?<![\w.@])@[A-Za-z][\w:.-]*\w")
CHART_MARK = "<!--book-chart:{label}-->"
PANDOC_FORMAT = ("markdown+fenced_divs+bracketed_spans+raw_html+footnotes+inline_notes"
                 "+pipe_tables+definition_lists+tex_math_dollars+smart+auto_identifiers")


@dataclass
class ConvertedPage:
    """A page after conversion: the HTML body, its figures, headings and text for search."""

    rel: str
    href: str
    title: str
    number: str | None
    appendix: bool
    front: dict[str, Any]
    body: str = ""
    figures: list[Figure] = field(default_factory=list)
    toc: list[tuple[int, str, str]] = field(default_factory=list)
    """(level, id, text as HTML) for h2 and h3."""


def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def page_markdown(doc: Document, result: ExecResult, numbers: PageNumbers,
                  targets: dict[str, Target], config: BookConfig,
                  notes: list[str] | None = None) -> tuple[str, list[Figure]]:
    """The Markdown pandoc will see, and the figures whose HTML replaces their markers.

    What the engine could not render is appended to `notes` as `file:line: what it did`.
    """
    notes = [] if notes is None else notes
    parts: list[str] = []
    figures: list[Figure] = []
    for block in doc.blocks:
        if isinstance(block, Markdown):
            parts.append(_markdown_block(block, doc, result, numbers, targets))
        else:
            parts.append(_cell_block(block, doc, result, numbers, config, figures, notes))
    return "\n\n".join(p for p in parts if p), figures


def _markdown_block(block: Markdown, doc: Document, result: ExecResult, numbers: PageNumbers,
                    targets: dict[str, Target]) -> str:
    lines = block.text.split("\n")
    counter = iter(inl.index for inl in block.inlines)
    out: list[str] = []
    in_fence = False
    for offset, line in enumerate(lines):
        lineno = block.line + offset
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        if not in_fence:
            line = INLINE_RE.sub(lambda m: _inline_html(result.inlines.get(next(counter), "")),
                                 line)
            heading = HEADING_RE.match(line)
            if heading and lineno in numbers.headings:
                hashes, text = heading.group("hashes"), heading.group("text")
                attrs = heading.group("attrs")
                line = (f"{hashes} [{numbers.headings[lineno]}]{{.{HEADING_NUMBER_CLASS}}} {text}"
                        + (f" {{{attrs}}}" if attrs else ""))
            elif heading and len(heading.group("hashes")) == 1 and numbers.number:
                text, attrs = heading.group("text"), heading.group("attrs")
                line = (f"# [{numbers.number}]{{.chapter-number}} {text}"
                        + (f" {{{attrs}}}" if attrs else ""))
        out.append(line)
    return resolve_refs("\n".join(out), numbers.href, targets, doc.rel, block.line)


def _inline_html(text: str) -> str:
    escaped = html.escape(text, quote=False).replace("`", "&#96;")
    return f"`{escaped}`{{=html}}"


def _cell_block(cell: Cell, doc: Document, result: ExecResult, numbers: PageNumbers,
                config: BookConfig, figures: list[Figure], notes: list[str]) -> str:
    opts = cell.options
    if opts.get("include") is False:
        return ""
    parts: list[str] = []
    if opts.get("echo", config.echo) is True:
        parts.append(f"```python\n{cell.code}\n```")
    outputs = result.outputs.get(cell.index, [])
    if opts.get("output", True) is False:
        return "\n\n".join(parts)
    spec = chart_spec(outputs)
    if cell.is_figure:
        if spec is None:
            raise SourceError(doc.rel, cell.line, f"figure cell {cell.label} produced no chart "
                              "(its last line should be an Altair chart)")
        for needed in ("fig-cap", "fig-alt"):
            if not opts.get(needed):
                raise SourceError(doc.rel, cell.line, f"figure cell {cell.label} has no `{needed}`")
        try:
            fig = make_figure(cell.label, numbers.figures[cell.label], numbers.href, opts, spec)
        except FigureError as exc:
            raise SourceError(doc.rel, cell.line, str(exc)) from exc
        figures.append(fig)
        for out in outputs:
            if out.get("type") in ("stream", "error"):  # printed text shows above the chart
                parts.append(_output_markdown(out, opts, f"{doc.rel}:{cell.line}", notes))
        parts.append(_figure_markdown(fig))
        return "\n\n".join(p for p in parts if p)
    if spec is not None:
        raise SourceError(doc.rel, cell.line, "a chart needs a `#| label: fig-…` option, with "
                          "`fig-cap` and `fig-alt`")
    for out in outputs:
        parts.append(_output_markdown(out, opts, f"{doc.rel}:{cell.line}", notes))
    return "\n\n".join(p for p in parts if p)


def _figure_markdown(fig: Figure) -> str:
    caption = fig.caption.replace("\n", " ")
    return "\n\n".join([
        f'```{{=html}}\n<figure id="{fig.label}" class="book-figure">\n'
        f'{CHART_MARK.format(label=fig.label)}\n<figcaption>\n```',
        f"[Figure {fig.number}:]{{.figure-number}} {caption}",
        "```{=html}\n</figcaption>\n</figure>\n```",
    ])


def _output_markdown(out: dict[str, Any], opts: dict[str, Any], where: str,
                     notes: list[str]) -> str:
    """One cell output as Markdown, as Quarto shows it; an unknown kind is skipped with a note."""
    kind = out.get("type")
    if kind == "stream":
        if out.get("name") == "stderr":
            if opts.get("warning", True) is False:
                return ""
            return _fenced_output(out.get("text", ""), "cell-output-stderr")
        if opts.get("output") == "asis":
            return str(out.get("text", ""))
        return _fenced_output(out.get("text", ""), "cell-output-stdout")
    if kind == "error":
        text = "\n".join(out.get("traceback") or [f"{out.get('ename')}: {out.get('evalue')}"])
        return _fenced_output(text, "cell-output-error")
    data = out.get("data") if isinstance(out.get("data"), dict) else {}
    if "text/markdown" in data:
        return str(data["text/markdown"])
    if opts.get("output") == "asis" and "text/plain" in data:
        return str(data["text/plain"])
    if "text/html" in data:
        return "```{=html}\n" + str(data["text/html"]) + "\n```"
    if "image/svg+xml" in data:
        return "```{=html}\n" + str(data["image/svg+xml"]) + "\n```"
    if "image/png" in data:
        return f'```{{=html}}\n<img alt="" src="data:image/png;base64,{data["image/png"]}">\n```'
    if "text/plain" in data:
        return _fenced_output(str(data["text/plain"]), "cell-output-display")
    kinds = ", ".join(sorted(data)) or str(kind)
    notes.append(f"{where}: output of type {kinds} is not rendered by this engine; left out")
    return ""


def _fenced_output(text: Any, cls: str) -> str:
    text = str(text).rstrip()
    longest = max((len(m) for m in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence} {{.cell-output .{cls}}}\n{text}\n{fence}"


def run_pandoc(markdown: str, config: BookConfig, rel: str, cache_dir: Path | None = None) -> str:
    """Convert Markdown to an HTML fragment with citations resolved; warnings are errors.

    With `cache_dir`, a conversion whose Markdown and bibliography are unchanged is reused.
    """
    key_path = None
    if cache_dir is not None:
        digest = hashlib.sha256(markdown.encode("utf-8"))
        for extra in [*config.bibliography, *([config.csl] if config.csl else [])]:
            digest.update((config.root / extra).read_bytes())
        digest.update(pandoc_path().encode())
        digest.update(Path(__file__).read_bytes())  # a change to this conversion code
        key_path = cache_dir / f"{digest.hexdigest()[:32]}.html"
        if key_path.is_file():
            return key_path.read_text(encoding="utf-8")
    html_text = _pandoc(markdown, config, rel)
    if key_path is not None:
        key_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = key_path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(html_text, encoding="utf-8")
        os.replace(tmp, key_path)
    return html_text


def _pandoc(markdown: str, config: BookConfig, rel: str) -> str:
    args = [pandoc_path(), "--from", PANDOC_FORMAT, "--to", "html5", "--wrap=none", "--mathml",
            "--metadata", "link-citations=true"]
    if config.bibliography:
        args += ["--citeproc"] + [f"--bibliography={config.root / b}" for b in config.bibliography]
        if config.csl:
            args.append(f"--csl={config.root / config.csl}")
    if config.bibliography and CITE_RE.search(CODE_SPAN_RE.sub("", FENCED_RE.sub("", markdown))):
        markdown += "\n\n## References {.unnumbered #references}\n\n::: {#refs}\n:::\n"
    proc = subprocess.run(args, input=markdown.encode("utf-8"), capture_output=True, check=False)
    warnings = proc.stderr.decode("utf-8", "replace").strip()
    if proc.returncode != 0:
        raise SourceError(rel, 1, f"pandoc failed: {warnings}")
    if warnings:
        missing = re.findall(r"Citeproc: citation (\S+) not found", warnings)
        if missing:
            raise SourceError(rel, line_of(config.root / rel, "@" + missing[0]),
                              f"citation @{missing[0]} is not in the bibliography")
    return proc.stdout.decode("utf-8")


def line_of(path: Path, needle: str) -> int:
    """The first line of a file that contains `needle` (1 if none does)."""
    for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if needle in line:
            return i
    return 1


HEADING_TAG_RE = re.compile(r'<h([1-6])((?:\s+[\w-]+="[^"]*")*)>(.*?)</h\1>', re.S)
ID_ATTR_RE = re.compile(r'\sid="([^"]+)"')


def add_heading_anchors(body: str) -> tuple[str, list[tuple[int, str, str]]]:
    """Give every section heading an anchor link; collect h2 and h3 for the page's contents."""
    toc: list[tuple[int, str, str]] = []

    def sub(m: re.Match) -> str:
        level, attrs, inner = int(m.group(1)), m.group(2), m.group(3)
        ident_match = ID_ATTR_RE.search(attrs)
        if not ident_match or 'class="unlisted"' in attrs:
            return m.group(0)
        ident = ident_match.group(1)
        if level in (2, 3):
            toc.append((level, ident, inner))
        link = (f'<a class="anchor" href="#{ident}" aria-label="Link to this section">'
                '<span aria-hidden="true">#</span></a>')
        return f"<h{level}{attrs}>{inner} {link}</h{level}>"

    return HEADING_TAG_RE.sub(sub, body), toc


def figure_json(fig: Figure) -> str:
    """The specs a chart needs in the page, safe inside a <script> element."""
    payload = {"label": fig.label, "specs": fig.variants or {"default": fig.spec},
               "switch": fig.switch}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # No "<" at all inside the <script> element: data text can never close or open a tag.
    return text.replace("<", "\\u003c")
