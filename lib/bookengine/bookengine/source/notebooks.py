"""Jupyter notebooks (`.ipynb`) as pages and as sources for `{{< embed >}}`.

A notebook becomes the text of an equivalent `.qmd` page (its front matter from a first raw or
Markdown cell holding `---` YAML, Markdown cells as they are, code cells as ```{python}```
cells whose `#|` options count) and is parsed as one. Its stored outputs are rendered as they
are, as Quarto does, unless the page or project sets `execute: enabled: true` (see `qmd.parse`).
"""

from __future__ import annotations

import base64
import posixpath
import re
from pathlib import Path
from typing import Any

import nbformat

from bookengine.source.document import SourceError


def read_notebook(path: Path, rel: str) -> nbformat.NotebookNode:
    try:
        return nbformat.read(str(path), as_version=4)
    except Exception as exc:  # noqa: BLE001 - any unreadable notebook is named with its file
        raise SourceError(rel, 1, f"not a readable Jupyter notebook: {exc}") from exc


def cell_outputs(raw: list[Any]) -> list[dict[str, Any]]:
    """A cell's Jupyter outputs (executed now or stored in a notebook) in document order, each a
    dict with a `type`:

    `stream` (`name` stdout or stderr, `text`), `display_data` / `execute_result` (`data`: MIME
    type → value, `metadata`), or `error` (`ename`, `evalue`, `traceback` without colour codes).
    Consecutive stream outputs of one name are joined.
    """
    outputs: list[dict[str, Any]] = []
    for o in raw:
        kind = o.get("output_type")
        if kind == "stream":
            name = o.get("name", "stdout")
            if outputs and outputs[-1]["type"] == "stream" and outputs[-1]["name"] == name:
                outputs[-1]["text"] += o.get("text", "")
            else:
                outputs.append({"type": "stream", "name": name, "text": o.get("text", "")})
        elif kind in ("display_data", "execute_result"):
            outputs.append({"type": kind, "data": dict(o.get("data", {})),
                            "metadata": dict(o.get("metadata", {}))})
        elif kind == "error":
            outputs.append({"type": "error", "ename": o.get("ename", ""),
                            "evalue": o.get("evalue", ""),
                            "traceback": [strip_ansi(t) for t in o.get("traceback", [])]})
    return outputs


def strip_ansi(text: str) -> str:
    """Text without terminal colour codes (as in IPython's tracebacks)."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def notebook_text(nb: nbformat.NotebookNode) -> tuple[str, dict[int, list[dict[str, Any]]]]:
    """The notebook as `.qmd` text, and each code cell's stored outputs by cell index."""
    parts: list[str] = []
    stored: dict[int, list[dict[str, Any]]] = {}
    code_index = 0
    for i, cell in enumerate(nb.cells):
        source = cell.get("source", "")
        if cell.cell_type == "raw":
            if i == 0 and source.lstrip().startswith("---"):
                parts.append(source.strip())
            continue
        if cell.cell_type == "markdown":
            parts.append(source)
        elif cell.cell_type == "code":
            longest = max((len(m) for m in re.findall(r"`{3,}", source)), default=0)
            ticks = "`" * max(3, longest + 1)
            parts.append(f"{ticks}{{python}}\n{source}\n{ticks}")
            stored[code_index] = cell_outputs(cell.get("outputs", []))
            code_index += 1
    return "\n\n".join(parts) + "\n", stored


def attachment_files(nb: nbformat.NotebookNode, text: str,
                     rel: str) -> tuple[str, dict[str, bytes]]:
    """`![](attachment:name.png)` references pointed at files in `<page>_files/attachments/`,
    and those files' bytes by site path."""
    files: dict[str, bytes] = {}
    stem = posixpath.splitext(posixpath.basename(rel))[0]
    folder = f"{stem}_files/attachments"
    for cell in nb.cells:
        for name, bundle in (cell.get("attachments") or {}).items():
            for mime, payload in (bundle or {}).items():
                if not mime.startswith("image/") or not isinstance(payload, str):
                    continue
                data = (payload.encode("utf-8") if mime == "image/svg+xml"
                        and payload.lstrip().startswith("<") else base64.b64decode(payload))
                files[posixpath.join(posixpath.dirname(rel), folder, name)] = data
                text = text.replace(f"attachment:{name}", f"{folder}/{name}")
                break
    return text, files
