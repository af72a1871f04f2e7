"""The link check of a new build, with cost that grows with the change, not with the book.

It finds exactly what `publish.check_site` finds (every internal link and anchor resolves, nothing
loads from another host), but parses only the pages whose HTML is new: what a page links to and
which anchors it holds depend only on its bytes and its place in the site, so they are kept in
`.book/check-index.json` by path and content hash. Every link of every page is then resolved
against the new build's files and anchors (set look-ups, no parsing).
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bookengine.site.publish import _LinkParser

VERSION = 1


def _page_record(rel: str, data: bytes, site_path: str | None = None) -> dict:
    """What a page holds and links to; each link resolved to a site path, or its problem.

    A link starting with `site_path` (the path the site is served under) resolves from the
    build's root."""
    parser = _LinkParser()
    parser.feed(data.decode("utf-8"))
    links = []
    here = posixpath.dirname(rel)
    for _attr, url, line in parser.links:
        parts = urlsplit(url)
        if not parts.path:
            target = rel
        elif site_path and parts.path.startswith(site_path):
            target = posixpath.normpath(unquote(parts.path[len(site_path):]) or ".")
        else:
            target = posixpath.normpath(posixpath.join(here, unquote(parts.path)))
        leaves = target == ".." or target.startswith("../") or target.startswith("/")
        links.append([url, line, None if leaves else target, parts.fragment])
    return {"ids": sorted(parser.ids), "links": links,
            "external": [[url, line] for url, line in parser.external_loads]}


def index_digest(pages: dict) -> str:
    """The hash the index records of its own page records."""
    return hashlib.sha256(json.dumps(pages, sort_keys=True).encode()).hexdigest()


def check_build(build: Path, index_path: Path, site_path: str | None = None,
                volatile: str | None = None) -> list[str]:
    """Every problem in the build at `build`, in `check_site`'s words; the parse of each page is
    reused from the index at `index_path` when the page's bytes are unchanged.

    `volatile` is a text that changes in every page with every build but names nothing the check
    resolves (the version id, which appears only in citations and absolute addresses): a page
    that differs from its record only there keeps its record.
    """
    mask = volatile.encode("utf-8") if volatile else None
    try:
        stored = json.loads(index_path.read_text(encoding="utf-8"))
        whole = stored.get("sha256") == index_digest(stored["pages"])
        known = stored["pages"] if (stored.get("version") == VERSION
                                    and stored.get("site_path") == site_path and whole) else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        known = {}  # none, or damaged (its content does not match its hash): parse every page
    files: set[str] = set()
    dirs: set[str] = {"."}
    for dirpath, dirnames, filenames in os.walk(build):
        base = os.path.relpath(dirpath, build)
        prefix = "" if base == "." else base.replace(os.sep, "/") + "/"
        dirs.update(prefix + d for d in dirnames)
        files.update(prefix + f for f in filenames)
    pages: dict[str, dict] = {}
    for rel in sorted(f for f in files if f.endswith(".html")):
        data = (build / rel).read_bytes()
        digest = hashlib.sha256(data.replace(mask, b"\0" * len(mask)) if mask else data
                                ).hexdigest()
        record = known.get(rel)
        if record is None or record.get("sha256") != digest:
            record = {"sha256": digest, **_page_record(rel, data, site_path)}
        pages[rel] = record
    problems: list[str] = []
    ids = {rel: set(record["ids"]) for rel, record in pages.items()}
    for rel, record in pages.items():
        for url, line in record["external"]:
            problems.append(f"{rel}:{line}: loads {url} from another host")
        for url, line, target, fragment in record["links"]:
            if target is None:
                problems.append(f"{rel}:{line}: link {url} leaves the site")
                continue
            if target in dirs:
                target = "index.html" if target == "." else target + "/index.html"
            if target not in files and target not in dirs:
                problems.append(f"{rel}:{line}: link {url}: no such file")
                continue
            if fragment and target.endswith(".html"):
                if unquote(fragment) not in ids.get(target, set()):
                    problems.append(f"{rel}:{line}: link {url}: no #{fragment} there")
    for css in sorted(f for f in files if f.endswith(".css")):
        text = (build / css).read_text(encoding="utf-8")
        for url in re.findall(r"url\(\s*['\"]?(https?:)?//", text):
            problems.append(f"{css}: loads from another host ({url})")
    tmp = index_path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps({"version": VERSION, "site_path": site_path, "pages": pages,
                               "sha256": index_digest(pages)}), encoding="utf-8")
    os.replace(tmp, index_path)
    return problems
