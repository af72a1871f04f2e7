"""Turn an executed page into HTML, in three steps: its Markdown with outputs and inline values
substituted (`page_markdown`, here); what pandoc reads in it, for numbering the book
(`convert_pandoc.page_index`); and, once the book is numbered, pandoc's conversion with
numbers, references and citations (`convert_pandoc.run_pandoc`).
"""

from __future__ import annotations

import base64
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bookengine.render.chart_sizes import PHONE_MEDIA
from bookengine.render.chart_views import page_views
from bookengine.render.figures import (
    DATE_COLUMN,
    SOURCE_COLUMN,
    Figure,
    FigureError,
    chart_spec,
    column_names,
    make_figure,
)
from bookengine.render.numbering import relative_href
from bookengine.render.outputs import (
    IMAGE_TYPES,
    diagram_markdown,
    output_markdown,
    self_hosted,
)
from bookengine.run.execresult import ExecResult
from bookengine.source.config import BookConfig
from bookengine.source.document import (
    DIAGRAM_LANGS,
    INLINE_RE,
    Cell,
    Document,
    Markdown,
    fence_scan,
)
from bookengine.source.frontmatter import document_options, title_block
from bookengine.source.shortcodes import read_variables, replace_inline

FENCED_RE = re.compile(r"^(`{3,}|~{3,}).*?^\1", re.S | re.M)
CODE_SPAN_RE = re.compile(r"`[^`\n]*`")
CITE_RE = re.compile(r"(?<![\w.@])@[A-Za-z][\w:.-]*\w")
CHART_MARK = "<!--book-chart:{label}-->"


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
    files: dict[str, bytes] = field(default_factory=dict)
    """Files the page's outputs need (images), by site path."""
    nav_title: str = ""
    """The title the sidebar and page links show, when not `title` (the home page's heading)."""


def page_markdown(doc: Document, result: ExecResult, href: str, config: BookConfig,
                  notes: list[str] | None = None,
                  files: dict[str, bytes] | None = None) -> tuple[str, list[Figure]]:
    """The Markdown pandoc will see, and the figures whose HTML replaces their markers.

    What the engine could not render is appended to `notes` as `file:line: what it did`;
    images from cell outputs are added to `files` (site path → bytes).
    """
    notes = [] if notes is None else notes
    notes.extend(doc.notes)
    if files is not None:
        files.update(doc.attachments)
    filters = doc.front.get("filters") or config.metadata.get("filters")
    if filters:
        names = ", ".join(str(f.get("path", f) if isinstance(f, dict) else f)
                          for f in (filters if isinstance(filters, list) else [filters]))
        notes.append(f"{doc.rel}:1: `filters:` ({names}) are not run by this engine: it runs "
                     "no Lua filters or extensions")
    page = _Page(doc, result, href, config, notes, {} if files is None else files)
    parts: list[str] = [title_block(doc, config)]
    for block in doc.blocks:
        if isinstance(block, Markdown):
            parts.append(page.markdown_block(block))
        else:
            parts.append(page.cell_block(block))
    fields: dict[str, Any] = {}
    location = reference_location(config, doc, notes)
    if location != "document":
        fields["book-reference-location"] = location
    text = "\n\n".join(p for p in parts if p)
    if "when-meta" in text or "unless-meta" in text:  # `.content-visible when-meta="key"`
        fields["book-meta"] = page.meta
    meta = json.dumps(fields, ensure_ascii=False, default=str)
    header = f"---\n{meta}\n---\n\n" if fields else ""
    return header + text, page.figures


def reference_location(config: BookConfig, doc: Document, notes: list[str]) -> str:
    """Where a page's footnotes go, as Quarto's `reference-location` says: `document` (the end
    of the page), `margin` or `block`; `section` is shown as `document`, with a note."""
    value = "document"
    fmt = doc.front.get("format")
    page_html = fmt.get("html") if isinstance(fmt, dict) else None
    for source in (config.metadata, config.html, doc.front,
                   page_html if isinstance(page_html, dict) else {}):
        value = str(source.get("reference-location", value))
    if value == "section":
        notes.append(f"{doc.rel}:1: `reference-location: section` is not acted on; the "
                     "footnotes are at the end of the page")
        return "document"
    return value if value in ("margin", "block") else "document"


class _Page:
    """One page's conversion state: options, figures, written files, notes."""

    def __init__(self, doc: Document, result: ExecResult, href: str, config: BookConfig,
                 notes: list[str], files: dict[str, bytes]):
        self.doc, self.result, self.href = doc, result, href
        self.config, self.notes, self.files = config, notes, files
        self.defaults = document_options(config, doc.front)
        self.figures: list[Figure] = []
        self.meta = {**config.metadata, **doc.front}
        self.variables = read_variables(config.root)

    def markdown_block(self, block: Markdown) -> str:
        doc = self.doc
        lines = block.text.split("\n")
        counter = iter(inl.index for inl in block.inlines)
        out: list[str] = []
        for offset, line, kind, _ in fence_scan(lines):
            lineno = block.line + offset
            if kind == "text":
                line = INLINE_RE.sub(
                    lambda m: _inline_html(self.result.inlines.get(next(counter), "")), line)
                line = replace_inline(line, doc.where(lineno), self.meta, self.variables,
                                      self.notes)
            out.append(line)
        return "\n".join(out)

    def options(self, cell: Cell) -> dict[str, Any]:
        return {**self.defaults, **cell.options}

    def cell_block(self, cell: Cell) -> str:
        opts = self.options(cell)
        if opts.get("include") is False:
            return ""
        panel = opts.get("panel")
        if isinstance(panel, str) and re.fullmatch(r"[a-z]+", panel):
            # Quarto's `panel:` option: the cell's code and outputs inside a panel (a tabset
            # takes its tabs from the headings the outputs print).
            inner = self.cell_content(cell, opts)
            return f"::::: {{.panel-{panel}}}\n\n{inner}\n\n:::::" if inner else ""
        return self.cell_content(cell, opts)

    def cell_content(self, cell: Cell, opts: dict[str, Any]) -> str:
        where = self.doc.where(cell.line)
        if cell.lang in DIAGRAM_LANGS:
            body = diagram_markdown(cell, where)
            return (self.float_markdown(cell, opts, [body]) if cell.label or opts.get("fig-cap")
                    else body)
        parts: list[str] = []
        if opts.get("echo") in (True, "fenced") and (cell.code.strip() or opts.get("echo") ==
                                                     "fenced"):  # Quarto shows no empty cell
            code = self.code_markdown(cell, opts)
            listing = str(opts.get("lst-label") or "")
            if listing.startswith("lst-"):  # the code as a numbered listing
                caption = str(opts.get("lst-cap") or "").replace("\n", " ")
                code = (f"::: {{#{listing}{'' if caption else ' nocaption=1'}}}\n\n{code}\n\n"
                        f"{caption}\n\n:::")
            parts.append(code)
        outputs = cell.stored if cell.stored is not None else self.result.outputs.get(
            cell.index, [])
        if opts.get("output", True) is False or opts.get("eval", True) is False and \
                cell.stored is None:
            return "\n\n".join(parts)
        spec = chart_spec(outputs)
        if spec is not None and not opts.get("fig-subcap"):
            return self.chart_block(cell, opts, outputs, spec, parts)
        have_image = any(k.startswith("image/") for out in outputs
                         for k in (out.get("data") or {}))
        outputs = [out for out in outputs if not discardable_result(out, have_image)]
        rendered = [self.output_markdown(out, opts, cell, k, where)
                    for k, out in enumerate(outputs, 1)]
        rendered = [r for r in rendered if r]
        label = cell.label or ""
        if label.startswith(("fig-", "tbl-")) or opts.get("fig-cap") or opts.get("tbl-cap"):
            parts.append(self.float_markdown(cell, opts, rendered))
        else:
            parts.extend(rendered)
        return "\n\n".join(p for p in parts if p)

    def chart_block(self, cell: Cell, opts: dict[str, Any], outputs: list[dict[str, Any]],
                    spec: dict[str, Any], parts: list[str]) -> str:
        doc, where = self.doc, self.doc.where(cell.line)
        label = cell.label if cell.is_figure else f"chart-{cell.index + 1}"
        if self.config.require_alt and not opts.get("fig-alt"):
            raise doc.error(cell.line, f"figure cell {label} has no `fig-alt` (this book sets "
                            "`book-engine: require-alt: true`)")
        if not cell.is_figure:
            self.notes.append(f"{where}: a chart without a `#| label: fig-…` is shown "
                              "unnumbered")
        try:
            fig = make_figure(label, "", self.href, opts, spec)
        except FigureError as exc:
            raise doc.error(cell.line, str(exc)) from exc
        self.figures.append(fig)
        for out in outputs:
            if out.get("type") in ("stream", "error"):  # printed text shows above the chart
                parts.append(output_markdown(out, opts, where, self.notes))
        parts.append(_figure_markdown(fig))
        return "\n\n".join(p for p in parts if p)

    def code_markdown(self, cell: Cell, opts: dict[str, Any]) -> str:
        code = cell.code
        lang = "python"
        if opts.get("echo") == "fenced":
            # Quarto shows the cell as written, less its `echo: fenced` line.
            option_lines = [f"#| {k}: {json.dumps(v) if not isinstance(v, str) else v}"
                            for k, v in cell.options.items() if k != "echo"]
            code = "\n".join([cell.fence or "```{python}", *option_lines, cell.code, "```"])
            lang = "markdown"
        fence = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`{3,}", code)), default=0))
        classes = [lang, "cell-code"]
        if opts.get("code-line-numbers") is True:
            classes.append("numberLines")
        block = f"{fence} {{{' '.join('.' + c for c in classes)}}}\n{code}\n{fence}"
        fold = opts.get("code-fold", False)
        if fold in (True, "show", "true"):
            summary = html.escape(str(opts.get("code-summary", "Code")))
            opened = " open" if fold == "show" else ""
            return (f'```{{=html}}\n<details class="code-fold"{opened}><summary>{summary}'
                    f"</summary>\n```\n\n{block}\n\n```{{=html}}\n</details>\n```")
        return block

    def float_markdown(self, cell: Cell, opts: dict[str, Any], rendered: list[str]) -> str:
        """Cell outputs as a Quarto float div (caption last), sub-floats for `*-subcap`."""
        label = cell.label or ""
        kind = "tbl" if label.startswith("tbl-") or (not label and opts.get("tbl-cap")) \
            else "fig"
        ident = label if label.startswith(f"{kind}-") else ""
        raw_caption = opts.get(f"{kind}-cap") or ""
        if isinstance(raw_caption, list):  # `fig-cap: ["…"]`, YAML's reading of `[…]`
            raw_caption = " ".join(str(c) for c in raw_caption)
        caption = str(raw_caption).replace("\n", " ")
        subcaps = opts.get(f"{kind}-subcap")
        attrs = [f"#{ident}" if ident else ".book-float-unnumbered"]
        for key in ("layout-ncol", "layout-nrow", "layout"):
            if key in opts:
                attrs.append(f'{key}="{opts[key]}"')
        location = opts.get(f"{kind}-cap-location") or opts.get("cap-location")
        if location:
            attrs.append(f'{kind}-cap-location="{location}"')
        if not caption:
            attrs.append('nocaption="1"')
        body = rendered
        if isinstance(subcaps, list) and ident:
            body = []
            for k, out in enumerate(rendered, 1):
                cap = str(subcaps[k - 1]) if k <= len(subcaps) else ""
                body.append(f"::: {{#{ident}-{k}{'' if cap else ' nocaption=1'}}}\n\n{out}\n\n"
                            f"{cap}\n\n:::")
        if not ident:  # a caption without a label: an unnumbered figure or table
            return "\n\n".join(['```{=html}\n<figure class="book-float quarto-float '
                                'float-unnumbered">\n```', *body,
                                "```{=html}\n<figcaption>\n```", caption,
                                "```{=html}\n</figcaption>\n</figure>\n```"])
        content = "\n\n".join(body)
        return f"::::: {{{' '.join(attrs)}}}\n\n{content}\n\n{caption}\n\n:::::"

    def output_markdown(self, out: dict[str, Any], opts: dict[str, Any], cell: Cell, k: int,
                        where: str) -> str:
        data = out.get("data") if isinstance(out.get("data"), dict) else {}
        if out.get("type") in ("display_data", "execute_result") and data:
            data = self_hosted(data, where, self.notes)
            latex = data.get("text/latex")
            if latex is not None and "text/markdown" not in data and latex_is_math(latex):
                # Quarto shows math that a value offers as LaTeX (SymPy's) as Markdown math,
                # ahead of the PNG it also offers.
                data = {**data, "text/markdown": latex}
            for mime, ext in IMAGE_TYPES.items():
                if mime in data and "text/markdown" not in data and "text/html" not in data:
                    return self.image_markdown(data[mime], ext, opts, cell, k)
            out = {**out, "data": data}
        return output_markdown(out, opts, where, self.notes)

    def image_markdown(self, value: Any, ext: str, opts: dict[str, Any], cell: Cell,
                       k: int) -> str:
        """Write an image output as a file next to the page and link it."""
        raw = value.encode("utf-8") if ext == "svg" else base64.b64decode(
            "".join(value) if isinstance(value, list) else str(value))
        stem = self.href.rsplit(".", 1)[0]
        name = f"{cell.label or 'cell-' + str(cell.index + 1)}-{k}.{ext}"
        site_path = f"figures/{stem}/{name}"
        self.files[site_path] = raw
        alt = str(opts.get("fig-alt") or "").replace('"', "&quot;")
        src = relative_href(self.href, site_path)
        return f'```{{=html}}\n<img class="cell-output-image" src="{src}" alt="{alt}">\n```'


def latex_is_math(latex: Any) -> bool:
    """Quarto's `displayDataLatexIsMath`: `$…$`, or a LaTeX environment."""
    lines = latex if isinstance(latex, list) else str(latex).splitlines(keepends=True)
    if not lines:
        return False
    first, last = lines[0], lines[-1]
    return (first.startswith("$") and last.rstrip("\n").endswith("$")) or (
        first.startswith("\\begin{") and "\\end{" in last)


def discardable_result(out: dict[str, Any], have_image: bool) -> bool:
    """Quarto's `isDiscardableTextExecuteResult`: a cell's plain-text value that only echoes a
    plotting library's objects (`[<matplotlib.lines.Line2D …>]`, `Text(0.5, 1.0, '…')`) is not
    shown."""
    data = out.get("data") or {}
    if out.get("type") != "execute_result" or list(data) != ["text/plain"]:
        return False
    text = data["text/plain"]
    lines = (text if isinstance(text, list) else str(text).split("\n"))
    lines = [line for line in lines if line != ""] or [""]
    if have_image:
        if len(lines) == 1:
            first = lines[0].strip()
            return bool(re.match(r"^([<(\[]).*?([>)\]])$", first) or re.match(r"^Text\([-\d]",
                        first) or (first.startswith("{") and "<matplotlib." in first))
        return any("<matplotlib." in line for line in lines)
    return lines[0].startswith(("[<matplotlib", "<matplotlib", "<seaborn.", "<ggplot:"))


def _inline_html(text: str) -> str:
    escaped = html.escape(text, quote=False).replace("`", "&#96;")
    return f"`{escaped}`{{=html}}"


def _figure_markdown(fig: Figure) -> str:
    caption = fig.caption.replace("\n", " ")
    # Numbered once the book is (quarto_xref.lua fills the span in).
    number = (f'[]{{.figure-number data-label="{fig.label}"}} '
              if fig.label.startswith("fig-") else "")
    return "\n\n".join([
        f'```{{=html}}\n<figure id="{fig.label}" class="book-figure">\n'
        f'{CHART_MARK.format(label=fig.label)}\n<figcaption>\n```',
        f"{number}{caption}",
        "```{=html}\n</figcaption>\n</figure>\n```",
    ])


def line_of(path: Path, needle: str) -> int:
    """The first line of a file that contains `needle` (1 if none does)."""
    for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if needle in line:
            return i
    return 1


def figure_json(fig: Figure) -> str:
    """The specs a chart needs in the page, safe inside a <script> element: its Vega-Lite (the
    source of its rows and controls) and the compiled Vega of each live view
    (`chart_views.live_specs`), which the page draws."""
    payload = {"label": fig.label, "specs": fig.variants or {"default": fig.spec},
               "switch": fig.switch, "views": page_views(fig.views),
               # the phone's views are drawn where its static drawing is shown
               "phone": {"media": PHONE_MEDIA},
               # how the table of the numbers names each field and what it adds to each row
               "columns": list(column_names(fig.spec).items()),
               "extra": {SOURCE_COLUMN: fig.source_text, DATE_COLUMN: fig.source_date}}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # No "<" at all inside the <script> element: data text can never close or open a tag.
    return text.replace("<", "\\u003c")
