"""What executing a page gives (`ExecResult`: each cell's outputs, the inline values, the files it
read) or where it failed (`CellFailure`), and the key of what the execution depends on in the
page's own source (`execution_key`)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from bookengine.source.document import Document
from bookengine.source.pageoptions import html_format


@dataclass
class CellFailure:
    """Where and how a page failed: the source line and the exception text."""

    line: int
    what: str
    error: str

    def describe(self, rel: str) -> str:
        return f"{rel}:{self.line}: {self.what} failed:\n{self.error}"


@dataclass
class ExecResult:
    """The outcome of executing one page."""

    outputs: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    """Cell index → outputs (each `{"type", "mime", "data"}`)."""
    inlines: dict[int, str] = field(default_factory=dict)
    """Inline index → its value's text."""
    opened: list[str] = field(default_factory=list)
    reads: dict[str, str] = field(default_factory=dict)
    """Project file (absolute path) → its state when first opened: its sha256 if read,
    "absent" if it was not there, "written" if first opened for writing."""
    seconds: float = 0.0
    failure: CellFailure | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None

    def to_json(self) -> dict:
        return {"outputs": {str(k): v for k, v in self.outputs.items()},
                "inlines": {str(k): v for k, v in self.inlines.items()}}

    @classmethod
    def from_json(cls, raw: dict) -> ExecResult:
        return cls(outputs={int(k): v for k, v in raw["outputs"].items()},
                   inlines={int(k): v for k, v in raw["inlines"].items()})


EXECUTION_FRONT = ("execute", "jupyter", "engine", "kernel")
"""Front-matter keys whose values reach the kernel (beside the figure options)."""

def execution_key(doc: Document) -> str:
    """The hash of what a page's execution depends on in its own source: its code cells (code,
    language, options and any stored outputs) and inline expressions, in document order, the
    figure options and the front matter that reaches the kernel. Prose, headings, captions
    written outside cell options and other front matter are left out: an edit of those reuses
    the stored outputs (the files a page reads, the library, the lock and the engine are
    checked beside it, in `cache.Cache.decide`)."""
    steps: list[tuple[int, int, Any]] = []
    for cell in doc.cells:
        steps.append((cell.line, 0, ["cell", cell.lang, cell.code, cell.options, cell.stored]))
    for inline in doc.inlines:
        steps.append((inline.line, 1, ["inline", inline.expr]))
    sequence = [step for _, _, step in sorted(steps, key=lambda s: (s[0], s[1]))]
    front = {k: doc.front[k] for k in EXECUTION_FRONT if k in doc.front}
    figure = figure_defaults(doc.options or {**doc.front, **html_format(doc.front)})
    payload = json.dumps([sequence, front, figure, doc.rel], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def figure_defaults(options: dict[str, Any]) -> dict[str, Any]:
    """`fig-width`, `fig-height`, `fig-dpi` and `fig-format` among the options in force on a page
    (`Document.options`), with Quarto's HTML defaults: 7 × 5 in, 96 dpi, retina."""

    def pick(key: str, default: Any) -> Any:
        value = options.get(key, default)
        return value if isinstance(value, int | float | str) else default

    def number(key: str, default: float) -> float:
        try:
            return float(pick(key, default))
        except ValueError:
            return default

    fmt_name = str(pick("fig-format", "retina"))
    return {"WIDTH": number("fig-width", 7), "HEIGHT": number("fig-height", 5),
            "DPI": number("fig-dpi", 96),
            "FORMAT": fmt_name if fmt_name in ("retina", "png", "svg", "jpeg", "pdf") else "retina"}
