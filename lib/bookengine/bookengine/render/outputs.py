"""Cell outputs as Markdown, as Quarto shows them: streams, errors, rich MIME data (HTML,
Markdown, images, LaTeX), and the diagrams `{mermaid}` and `{dot}` cells draw."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from typing import Any

from bookengine.source.document import Cell, SourceError
from bookengine.source.notebooks import strip_ansi

IMAGE_TYPES = {"image/svg+xml": "svg", "image/png": "png", "image/jpeg": "jpg",
               "image/gif": "gif"}
REMOTE_SCRIPT_RE = re.compile(r"<script[^>]+src=[\"']?(?:https?:)?//", re.I)


def self_hosted(data: dict[str, Any], where: str, notes: list[str]) -> dict[str, Any]:
    """Drop HTML that loads scripts from another host (Altair's, Plotly's CDN HTML) in favour of
    another representation the notebook stored; with none, leave the output out with a note."""
    page_html = data.get("text/html")
    if page_html is None or not REMOTE_SCRIPT_RE.search(str(page_html)):
        return data
    rest = {k: v for k, v in data.items() if k != "text/html"}
    usable = [k for k in rest if k in IMAGE_TYPES or k.startswith("application/vnd.vegalite")]
    if usable:
        return rest
    notes.append(f"{where}: an HTML output loads scripts from another host and the notebook "
                 "stores no self-hostable form of it; left out")
    return {}


def diagram_markdown(cell: Cell, where: str) -> str:
    """A `{mermaid}` cell drawn in the browser, or a `{dot}` cell drawn by Graphviz now."""
    if cell.lang == "mermaid":
        return f'```{{=html}}\n<pre class="mermaid">{html.escape(cell.code)}</pre>\n```'
    return "```{=html}\n" + graphviz_svg(cell.code, where) + "\n```"


def graphviz_svg(source: str, where: str) -> str:
    """SVG from Graphviz's `dot`; a clear error when Graphviz is not installed."""
    dot = shutil.which("dot")
    if dot is None:
        file, _, line = where.rpartition(":")
        raise SourceError(file, int(line or 1), "a {dot} cell needs Graphviz's `dot` program, "
                          "which is not installed (Debian: apt-get install graphviz)")
    proc = subprocess.run([dot, "-Tsvg"], input=source.encode("utf-8"), capture_output=True,
                          check=False, timeout=60)
    if proc.returncode != 0:
        file, _, line = where.rpartition(":")
        raise SourceError(file, int(line or 1), "Graphviz could not draw this {dot} cell: "
                          + proc.stderr.decode("utf-8", "replace").strip())
    svg = proc.stdout.decode("utf-8")
    return '<div class="graphviz">' + svg[svg.find("<svg"):] + "</div>"


def output_markdown(out: dict[str, Any], opts: dict[str, Any], where: str,
                     notes: list[str]) -> str:
    """One cell output as Markdown, as Quarto shows it; an unknown kind is skipped with a note."""
    kind = out.get("type")
    if kind == "stream":
        if out.get("name") == "stderr":
            if opts.get("warning", True) is False:
                return ""
            return fenced_output(out.get("text", ""), "cell-output-stderr")
        if opts.get("output") == "asis":
            return str(out.get("text", ""))
        return fenced_output(out.get("text", ""), "cell-output-stdout")
    if kind == "error":
        text = "\n".join(out.get("traceback") or [f"{out.get('ename')}: {out.get('evalue')}"])
        return fenced_output(strip_ansi(text), "cell-output-error")
    data = out.get("data") if isinstance(out.get("data"), dict) else {}
    if "text/markdown" in data:
        return joined(data["text/markdown"])
    if opts.get("output") == "asis" and "text/plain" in data:
        return joined(data["text/plain"])
    if "text/html" in data:
        return "```{=html}\n" + _clean_html(joined(data["text/html"])) + "\n```"
    if "image/svg+xml" in data:
        return "```{=html}\n" + joined(data["image/svg+xml"]) + "\n```"
    if "image/png" in data:
        return f'```{{=html}}\n<img alt="" src="data:image/png;base64,{data["image/png"]}">\n```'
    if "text/latex" in data and joined(data["text/latex"]).strip().startswith("$"):
        return joined(data["text/latex"])
    if "text/plain" in data:
        return fenced_output(joined(data["text/plain"]), "cell-output-display")
    if not data and kind in ("display_data", "execute_result"):
        return ""
    kinds = ", ".join(sorted(data)) or str(kind)
    notes.append(f"{where}: output of type {kinds} is not rendered by this engine; left out")
    return ""


def joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _clean_html(text: str) -> str:
    """Cell HTML without pandas' `<style scoped>` block (the page's CSS styles tables)."""
    return re.sub(r"<style scoped>.*?</style>", "", text, flags=re.S)


def fenced_output(text: Any, cls: str) -> str:
    text = str(text).rstrip()
    longest = max((len(m) for m in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence} {{.cell-output .{cls}}}\n{text}\n{fence}"
