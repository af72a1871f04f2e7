"""The search index, built at publish time: one entry per section and per figure caption."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from bookengine.convert import ConvertedPage

TAG_RE = re.compile(r"<[^>]+>")
SPLIT_RE = re.compile(r'(<h[1-4][^>]*\sid="[^"]+"[^>]*>.*?</h[1-4]>)', re.S)
HEADING_RE = re.compile(r'<h([1-4])[^>]*\sid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
SCRIPT_RE = re.compile(r"<(script|style)[^>]*>.*?</\1>", re.S)
FIGURE_RE = re.compile(r'<figure id="([^"]+)"[^>]*>.*?<figcaption>(.*?)</figcaption>', re.S)


def plain(fragment: str) -> str:
    """Text of an HTML fragment, whitespace folded."""
    fragment = SCRIPT_RE.sub(" ", fragment)
    fragment = re.sub(r'<a class="anchor".*?</a>', " ", fragment, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(TAG_RE.sub(" ", fragment))).strip()


def entries(page: ConvertedPage) -> list[dict[str, str]]:
    """Search entries for one page: its sections (heading and text) and its figures."""
    out: list[dict[str, str]] = []
    page_title = plain(page.title)
    body = FIGURE_RE.sub(lambda m: "", page.body)
    chunks = SPLIT_RE.split(body)
    current = {"href": page.href, "title": page_title, "kind": "page", "page": page_title}
    text: list[str] = []
    for chunk in chunks:
        m = HEADING_RE.fullmatch(chunk.strip()) if chunk.strip().startswith("<h") else None
        if m:
            current["text"] = plain(" ".join(text))[:5000]
            out.append(current)
            current = {"href": f"{page.href}#{m.group(2)}", "title": plain(m.group(3)),
                       "kind": "section", "page": page_title}
            text = []
        else:
            text.append(chunk)
    current["text"] = plain(" ".join(text))[:5000]
    out.append(current)
    for m in FIGURE_RE.finditer(page.body):
        caption = plain(m.group(2))
        out.append({"href": f"{page.href}#{m.group(1)}", "title": caption[:120], "kind": "figure",
                    "page": page_title, "text": caption})
    return [e for e in out if e["title"] or e["text"]]


def write_index(pages: list[ConvertedPage], path: Path) -> None:
    """Write the whole book's index as compact JSON."""
    index = [e for page in pages for e in entries(page)]
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
