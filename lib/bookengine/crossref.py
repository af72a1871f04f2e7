"""Cross-reference targets in a page, and references to them in the forms Quarto documents.

`scan` finds every labelled float, equation, theorem-like block and numbered callout in a page,
in document order; `numbering` numbers them per chapter. `resolve` turns `@fig-x`, `@Fig-x`,
`[-@fig-x]`, `[Fig @fig-x]` and `[@fig-x; @tbl-y]` into numbered links.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bookengine.qmd import Document, fence_scan

FLOATS = ("fig", "tbl", "lst")
THEOREMS = ("thm", "lem", "cor", "prp", "cnj", "def", "exm", "exr", "sol", "rem", "alg")
CALLOUTS = {"nte": "note", "tip": "tip", "wrn": "warning", "imp": "important", "cau": "caution"}
KINDS = (*FLOATS, "eq", "sec", *THEOREMS, *CALLOUTS)
TITLES = {"fig": "Figure", "tbl": "Table", "lst": "Listing", "eq": "Equation", "sec": "Section",
          "thm": "Theorem", "lem": "Lemma", "cor": "Corollary", "prp": "Proposition",
          "cnj": "Conjecture", "def": "Definition", "exm": "Example", "exr": "Exercise",
          "sol": "Solution", "rem": "Remark", "alg": "Algorithm", "nte": "Note", "tip": "Tip",
          "wrn": "Warning", "imp": "Important", "cau": "Caution"}
_KIND_ALT = "|".join(sorted(KINDS, key=len, reverse=True))
REF_ID = rf"(?P<kind>(?i:{_KIND_ALT}))-(?P<rest>[\w-]*\w)"
BARE_RE = re.compile(rf"(?<![\w@./-])(?P<minus>-?)@{REF_ID}")
BRACKET_RE = re.compile(rf"\[(?P<body>[^\[\]]*?@(?i:{_KIND_ALT})-[^\[\]]*?)\](?![(\[{{])")
IMAGE_ID_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)\{[^}]*#(?P<id>(?:fig|tbl)-[\w-]*\w)")
TABLE_CAPTION_RE = re.compile(r"^(?::|Table:)\s.*\{[^}]*#(?P<id>tbl-[\w-]*\w)[^}]*\}\s*$")
EQUATION_RE = re.compile(r"\$\$\s*\{#(?P<id>eq-[\w-]*\w)(?:\s[^}]*)?\}\s*$")


@dataclass
class Label:
    """A labelled thing in a page, in document order."""

    ident: str
    kind: str
    """The prefix: `fig`, `tbl`, `eq`, `thm`, `nte`, …"""
    line: int
    caption: str = ""
    parent: str | None = None
    """For a sub-float: the float it belongs to."""


def scan(doc: Document) -> list[Label]:
    """Every float, equation, theorem-like block and numbered callout, in document order."""
    found: list[tuple[int, int, Label]] = []
    for d in doc.divs:
        kind = _kind(d.ident)
        if kind is None or kind == "sec" or kind == "eq":
            continue
        if kind in CALLOUTS and f"callout-{CALLOUTS[kind]}" not in d.classes:
            continue
        parent = next((p.ident for p in doc.divs if p is not d and p.ident
                       and _kind(p.ident) == kind and p.line < d.line
                       and (p.end == 0 or d.line < p.end)), None)
        found.append((d.line, 0, Label(d.ident, kind, d.line, parent=parent)))
    for cell in doc.cells:
        label = cell.label or cell.options.get("lst-label")
        kind = _kind(label)
        if kind not in FLOATS:
            continue
        cap_key = f"{kind}-cap" if kind != "lst" else "lst-cap"
        found.append((cell.line, 0, Label(label, kind, cell.line,
                                          _text(cell.options.get(cap_key)))))
        subcaps = cell.options.get(f"{kind}-subcap")
        if isinstance(subcaps, list):
            for k, cap in enumerate(subcaps, 1):
                found.append((cell.line, k, Label(f"{label}-{k}", kind, cell.line, _text(cap),
                                                  parent=label)))
    for block in doc.blocks:
        if not hasattr(block, "text"):
            continue
        for offset, line, kind, fence in fence_scan(block.text.split("\n")):
            lineno = block.line + offset
            if kind == "open" and fence:
                _, _, attrs = fence.group("info").partition("#")
                m = re.match(r"(lst-[\w-]*\w)", attrs)
                if m:
                    found.append((lineno, 0, Label(m.group(1), "lst", lineno)))
            if kind != "text":
                continue
            for m in IMAGE_ID_RE.finditer(line):
                parent = _enclosing_float(doc, lineno, _kind(m.group("id")))
                found.append((lineno, 0, Label(m.group("id"), _kind(m.group("id")), lineno,
                                               parent=parent)))
            for regex in (TABLE_CAPTION_RE, EQUATION_RE):
                m = regex.search(line)
                if m:
                    found.append((lineno, 0, Label(m.group("id"), _kind(m.group("id")), lineno,
                                                   parent=_enclosing_float(doc, lineno, "tbl")
                                                   if regex is TABLE_CAPTION_RE else None)))
    return [label for _, _, label in sorted(found, key=lambda t: (t[0], t[1]))]


def _enclosing_float(doc: Document, line: int, kind: str | None) -> str | None:
    inner = [d for d in doc.divs if d.ident and _kind(d.ident) == kind
             and d.line < line and (d.end == 0 or line < d.end)]
    return inner[-1].ident if inner else None


def _kind(ident: str | None) -> str | None:
    if not ident or "-" not in ident:
        return None
    kind = ident.split("-", 1)[0]
    return kind if kind in KINDS else None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def titles(options: dict[str, Any]) -> dict[str, str]:
    """Each kind's title, with `crossref:` options (`fig-title`, `tbl-prefix`, …) applied."""
    out = dict(TITLES)
    for kind in KINDS:
        for key in (f"{kind}-prefix", f"{kind}-title"):
            if isinstance(options.get(key), str):
                out[kind] = options[key]
    return out


def resolve(text: str, lookup: Callable[[str], tuple[str, str, str] | None],
            error: Callable[[int, str], Exception]) -> str:
    """Replace references in Markdown (outside code) with links.

    `lookup(id)` gives `(title, number, href)` or None for an unknown label (an error).
    """
    out: list[str] = []
    for offset, line, kind, _ in fence_scan(text.split("\n")):
        if kind != "text" or "@" not in line:
            out.append(line)
            continue
        out.append(_resolve_line(line, offset, lookup, error))
    return "\n".join(out)


def _resolve_line(line: str, offset: int, lookup: Callable, error: Callable) -> str:
    def target(kind: str, rest: str) -> tuple[str, str, str, str]:
        ident = f"{kind.lower()}-{rest}"
        found = lookup(ident)
        if found is None:
            raise error(offset, f"unknown cross-reference @{kind}-{rest}")
        title, number, href = found
        if kind[0].isupper():
            title = title[:1].upper() + title[1:]
        return ident, title, number, href

    def link(text: str, href: str) -> str:
        return f"[{text}]({href})"

    def bracket(m: re.Match) -> str:
        items = [s.strip() for s in m.group("body").split(";")]
        parts = []
        for item in items:
            ref = re.fullmatch(rf"(?P<pre>.*?)(?P<minus>-?)@{REF_ID}(?P<post>.*)", item)
            if ref is None:
                return m.group(0)  # a citation among them: leave the whole group to citeproc
            _, title, number, href = target(ref.group("kind"), ref.group("rest"))
            pre = ref.group("pre").strip()
            if ref.group("minus"):
                text = number
            elif pre:
                text = f"{pre} {number}"
            else:
                text = f"{title} {number}".strip()
            parts.append(link(text, href) + ref.group("post"))
        return ", ".join(parts)

    line = BRACKET_RE.sub(bracket, line)

    def bare(m: re.Match) -> str:
        _, title, number, href = target(m.group("kind"), m.group("rest"))
        text = number if m.group("minus") else f"{title} {number}".strip()
        return link(text, href)

    return BARE_RE.sub(bare, line)


def equation_markdown(text: str, numbers: dict[str, str]) -> str:
    """`$$ … $$ {#eq-x}` as a numbered display equation with the label as its id."""
    def sub(m: re.Match) -> str:
        ident = m.group("id")
        number = numbers.get(ident, "")
        body = " ".join(m.group("body").split("\n"))
        tag = f" \\qquad({number})" if number else ""
        return f'[$${body}{tag}$$]{{#{ident} .equation}}'

    return re.sub(r"\$\$(?P<body>(?:(?!\$\$).)+?)\$\$\s*\{#(?P<id>eq-[\w-]*\w)(?:\s[^}]*)?\}",
                  sub, text, flags=re.S)
