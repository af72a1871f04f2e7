"""Files a page refers to (images, videos, downloads) copied into the site as Quarto does, and
links to source pages (`.qmd`, `.md`, `.ipynb`) pointed at their HTML output."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

LOCAL_REF_RE = re.compile(r'\s(?:src|href|poster)="(?P<url>[^"]+)"')
SOURCE_LINK_RE = re.compile(r'(\shref=")(?P<path>[^":#?]+)\.(?:qmd|md|ipynb)(?P<rest>[#?][^"]*)?"')


def rewrite_source_links(body: str) -> str:
    """`href="other.qmd#sec"` → `href="other.html#sec"`, as Quarto links between pages."""
    return SOURCE_LINK_RE.sub(lambda m: f'{m.group(1)}{m.group("path")}.html'
                              f'{m.group("rest") or ""}"', body)


def page_resources(body: str, page_rel: str, root: Path) -> list[str]:
    """Project files (not pages) a page's HTML refers to, as paths relative to `root`."""
    found: list[str] = []
    page_dir = posixpath.dirname(page_rel)
    for m in LOCAL_REF_RE.finditer(body):
        parts = urlsplit(m.group("url"))
        if parts.scheme or parts.netloc or not parts.path or parts.path.endswith(".html"):
            continue
        rel = posixpath.normpath(posixpath.join(page_dir, unquote(parts.path)))
        if rel.startswith("..") or rel.startswith("/"):
            continue
        source = root / rel
        if source.is_file() and rel not in found:
            found.append(rel)
    return found
