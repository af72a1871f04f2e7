"""Quarto shortcodes: `include` and `embed` (read while parsing), and the inline ones
(`meta`, `var`, `env`, `pagebreak`, `kbd`, `video`) replaced in a page's Markdown.

`{{{< name >}}}` is Quarto's escape: it shows the shortcode itself. An unknown shortcode is left
out with a note naming file and line.
"""

from __future__ import annotations

import html
import os
import re
import shlex
from pathlib import Path
from typing import Any

import yaml

from bookengine.source.document import SourceError, read_text

SHORTCODE_RE = re.compile(r"(?P<open>\{\{\{?)<\s*(?P<body>.*?)\s*>(?P<close>\}\}\}?)")
INCLUDE_RE = re.compile(r"^\s*\{\{<\s*include\s+(?P<target>.+?)\s*>\}\}\s*$")
EMBED_RE = re.compile(r"^\{\{<\s*embed\s+(?P<target>.+?)\s*>\}\}$")
MAX_DEPTH = 20
BLOCK_SHORTCODES = ("pagebreak", "video")
VIDEO_TYPES = {".mp4": "video/mp4", ".webm": "video/webm", ".ogg": "video/ogg",
               ".ogv": "video/ogg", ".mov": "video/quicktime"}


def expand_includes(lines: list[str], origins: list[tuple[str, int]], path: Path, root: Path,
                    depth: int = 0) -> tuple[list[str], list[tuple[str, int]], list[Path]]:
    """Replace `{{< include file >}}` lines with the file's text, recursively.

    Paths are relative to the including file (or to the project with a leading `/`). Returns
    the lines, each line's (file, line) origin, and the files read.
    """
    out: list[str] = []
    out_origins: list[tuple[str, int]] = []
    included: list[Path] = []
    in_fence = ""
    for line, origin in zip(lines, origins, strict=True):
        stripped = line.strip()
        fence = re.match(r"^(`{3,}|~{3,})", stripped)
        if fence and (not in_fence or stripped == in_fence[0] * len(stripped)):
            in_fence = "" if in_fence else fence.group(1)
        m = None if in_fence else INCLUDE_RE.match(line)
        if not m:
            out.append(line)
            out_origins.append(origin)
            continue
        if depth >= MAX_DEPTH:
            raise SourceError(origin[0], origin[1], "includes nest too deeply (an include "
                              "cycle?)")
        target = m.group("target").strip("\"'")
        file = (root / target.lstrip("/")) if target.startswith("/") else path.parent / target
        rel = _rel(file, root)
        if not file.is_file():
            raise SourceError(origin[0], origin[1], f"included file {target} does not exist")
        text = read_text(file, rel)
        sub = text.split("\n")
        if sub and sub[0].strip() == "---":  # an included file's front matter is dropped
            end = next((i for i in range(1, len(sub)) if sub[i].strip() in ("---", "...")), 0)
            sub = [""] * (end + 1) + sub[end + 1:]
        sub_lines, sub_origins, sub_included = expand_includes(
            sub, [(rel, n) for n in range(1, len(sub) + 1)], file, root, depth + 1)
        out.extend(sub_lines)
        out_origins.extend(sub_origins)
        included += [file, *sub_included]
    return out, out_origins, included


def _rel(file: Path, root: Path) -> str:
    try:
        return file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(file)


def lookup(mapping: Any, dotted: str) -> Any:
    """`a.b.c` looked up in nested mappings; None when any part is missing."""
    node = mapping
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def read_variables(root: Path) -> dict[str, Any]:
    """The project's `_variables.yml` (empty when there is none)."""
    path = root / "_variables.yml"
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return data if isinstance(data, dict) else {}


def replace_inline(text: str, where: str, meta: dict[str, Any], variables: dict[str, Any],
                   notes: list[str]) -> str:
    """Replace the inline shortcodes in one line of Markdown; values are escaped."""
    if "{{<" not in text:
        return text

    def sub(m: re.Match) -> str:
        if m.group("open") == "{{{" and m.group("close") == "}}}":
            body = html.escape(m.group("body")).replace("`", "&#96;")
            return f"`{{{{&lt; {body} &gt;}}}}`{{=html}}"
        try:
            args = shlex.split(m.group("body"))
        except ValueError:
            args = m.group("body").split()
        if not args:
            return ""
        name, rest = args[0], args[1:]
        value = _shortcode(name, rest, meta, variables)
        if value is not None and name in BLOCK_SHORTCODES and text.strip() == m.group(0):
            return "```{=html}\n" + value[1:-len("`{=html}")] + "\n```"  # a block of its own
        if value is None:
            notes.append(f"{where}: shortcode `{m.group(0)}` is not known to this engine; "
                         "left out")
            return ""
        return value

    return SHORTCODE_RE.sub(sub, text)


KEYWORD_RE = re.compile(r"^[A-Za-z_][\w-]*=")
"""A shortcode's keyword argument (`title=…`); a URL's own `=` (`watch?v=…`) is not one."""


def _shortcode(name: str, args: list[str], meta: dict[str, Any],
               variables: dict[str, Any]) -> str | None:
    positional = [a for a in args if not KEYWORD_RE.match(a)]
    keyword = dict(a.split("=", 1) for a in args if KEYWORD_RE.match(a))
    first = positional[0] if positional else ""
    if name == "meta":
        value = lookup(meta, first)
        return "" if value is None else _text(value)
    if name == "var":
        value = lookup(variables, first)
        return "?var:" + first if value is None else _text(value)
    if name == "env":
        value = os.environ.get(first, positional[1] if len(positional) > 1 else "")
        return _text(value)
    if name == "pagebreak":
        return '`<div class="page-break"></div>`{=html}'
    if name == "kbd":
        return _kbd(first, keyword)
    if name == "video":
        return _video(first or keyword.get("src", ""), keyword)
    return None


def _kbd(first: str, keyword: dict[str, str]) -> str:
    """Quarto's `kbd` shortcode: the keys, titled with each system's own (`win=`, `mac=`,
    `linux=`), and the keys again for screen readers; `mode=plain` shows them alone."""
    if keyword.get("mode") == "plain":
        return f'`<kbd data-mode="plain" class="kbd">{html.escape(first)}</kbd>`{{=html}}'
    systems = {"win": "windows", "mac": "mac", "linux": "linux"}
    data = sorted(f'data-{systems[k]}="{html.escape(v)}"' for k, v in keyword.items()
                  if k in systems)
    titles = sorted([f"{systems[k]}: {v}" for k, v in keyword.items() if k in systems]
                    + ([first] if first else []))
    title = html.escape(", ".join(titles) or first)
    keys = html.escape(first)
    return (f'`<kbd title="{title}" aria-hidden="true" {"".join(data)}>{keys}</kbd>'
            f'<span class="visually-hidden">{keys}</span>`{{=html}}')


def _video(src: str, keyword: dict[str, str]) -> str:
    """Quarto's `video` shortcode: an embedded player for YouTube and Vimeo addresses, a
    `<video>` element for a file (here or on another host)."""
    title = html.escape(keyword.get("title", ""))
    size = "".join(f' {k}="{html.escape(keyword[k])}"' for k in ("width", "height")
                   if k in keyword)
    youtube = (re.match(r"https://(?:www\.youtube(?:-nocookie)?\.com/(?:embed|shorts)/|"
                        r"youtu\.be/)(.+)$", src)
               or re.search(r"\?v=([^&]+)", src) if "youtu" in src else None)
    vimeo = re.match(r"https://vimeo\.com/(\d+)(?:/(\w+))?", src)
    if youtube:
        start = f"?start={html.escape(keyword['start'])}" if "start" in keyword else ""
        frame = (f'<iframe data-external="1" src="https://www.youtube.com/embed/'
                 f'{html.escape(youtube.group(1))}{start}"{size} title="{title}" '
                 'frameborder="0" allow="accelerometer; autoplay; clipboard-write; '
                 'encrypted-media; gyroscope; picture-in-picture" allowfullscreen></iframe>')
    elif vimeo:
        player = "https://player.vimeo.com/video/" + vimeo.group(1)
        if vimeo.group(2):
            player += "?h=" + vimeo.group(2)
        frame = (f'<iframe data-external="1" src="{player}"{size} frameborder="0" '
                 f'title="{title}" allow="autoplay; fullscreen; picture-in-picture" '
                 'allowfullscreen></iframe>')
    else:
        mime = VIDEO_TYPES.get(Path(src.split("?")[0]).suffix.lower(), "")
        type_attr = f' type="{mime}"' if mime else ""
        title_attr = f' title="{title}"' if title else ""
        frame = (f'<video class="video" controls preload="metadata"{size}{title_attr}>'
                 f'<source src="{html.escape(src)}"{type_attr}></video>')
    return f'`<div class="quarto-video">{frame}</div>`{{=html}}'


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    escaped = html.escape(str(value), quote=False).replace("`", "&#96;")
    return f"`{escaped}`{{=html}}"
