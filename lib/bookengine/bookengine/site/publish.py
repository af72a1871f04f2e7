"""Publishing: write a complete build directory, check it, then switch `site` to it atomically.

`site` is a symlink to a directory under `.book/builds/`. A new build is written beside the old
one, checked (every internal link and anchor resolves, nothing loads from another host), and only
then does `os.replace` swap the link, so a reader or the next build never sees a half-written site.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bookengine.core.manifest import SUFFIX, summary, verify
from bookengine.core.state import BookState


class PublishError(Exception):
    """The new build failed its checks; the published site was left as it was."""


@contextlib.contextmanager
def build_lock(root: Path, log: Callable[[str], None] = print) -> Iterator[None]:
    """Serialise builds of one book: a second build says that it waits, then waits."""
    state = BookState(root)
    state.dir.mkdir(exist_ok=True)
    with open(state.lock, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            log(f"waiting for another build of this book to finish (process {holder}) …")
            fcntl.flock(fh, fcntl.LOCK_EX)
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def new_build_dir(root: Path) -> Path:
    """A fresh, empty directory for the next build."""
    builds = BookState(root).builds
    builds.mkdir(parents=True, exist_ok=True)
    path = builds / f"build-{time.time_ns()}-{os.getpid()}"
    path.mkdir()
    return path


def switch_site(root: Path, output_dir: str, build: Path) -> None:
    """Point `<root>/<output_dir>` at `build` with one atomic rename."""
    site = root / output_dir
    if site.exists() and not site.is_symlink():
        # A plain directory from elsewhere: keep it as an old build rather than delete it.
        legacy = BookState(root).builds / f"legacy-{time.time_ns()}"
        site.rename(legacy)
    tmp = root / f".{output_dir}.link-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(os.path.relpath(build, root), tmp)
    os.replace(tmp, site)


def clean_old_builds(root: Path, output_dir: str, keep: int = 1) -> None:
    """Remove builds other than the live one and the `keep` newest others, and stray links."""
    builds = BookState(root).builds
    site = root / output_dir
    live = site.resolve() if site.is_symlink() else None
    candidates = sorted((p for p in builds.iterdir() if p.is_dir() and p.resolve() != live),
                        key=lambda p: p.stat().st_mtime, reverse=True) if builds.is_dir() else []
    for old in candidates[keep:]:
        shutil.rmtree(old, ignore_errors=True)
    records = [(s, SUFFIX) for s in builds.glob(f"*{SUFFIX}")] if builds.is_dir() else []
    records += [(s, ".version.json") for s in builds.glob("*.version.json")] \
        if builds.is_dir() else []
    for stale, suffix in records:
        if not (builds / stale.name[: -len(suffix)]).is_dir():
            with contextlib.suppress(OSError):
                stale.unlink()
    for stray in root.glob(f".{output_dir}.link-*"):
        with contextlib.suppress(OSError):
            stray.unlink()


def live_site_report(root: Path, output_dir: str) -> str:
    """One sentence on the published site after a failed build: unchanged only if verified."""
    site = root / output_dir
    if not site.is_symlink():
        return "There is no published site yet."
    problems = verify(site.resolve())
    if not problems:
        return "The published site is unchanged (verified against its manifest)."
    return (f"The published site was damaged and no longer matches its build "
            f"({summary(problems)}); the next successful publish rebuilds it.")


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str, int]] = []  # (attribute, url, line)
        self.external_loads: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"] or "")
        line = self.getpos()[0]
        for attr in ("href", "src"):
            url = a.get(attr)
            if url is None:
                continue
            loads = tag in ("script", "img", "iframe", "audio", "video", "source", "embed") or (
                tag == "link" and (a.get("rel") or "") in ("stylesheet", "icon", "preload",
                                                           "modulepreload", "manifest"))
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") or url.startswith("//"):
                if loads:
                    self.external_loads.append((url, line))
                continue
            if parts.scheme in ("mailto", "data", "javascript", "tel"):
                continue
            self.links.append((attr, url, line))


def blocking(problems: list[str], strict: bool, offline: bool) -> list[str]:
    """The link-check problems that stop a build: every one in a `strict` book, resources from
    another host in an `offline` one; Quarto publishes the rest (the engine warns)."""
    if strict:
        return problems
    return [p for p in problems if offline and "from another host" in p]


def check_site(build: Path, site_path: str | None = None) -> list[str]:
    """Every internal link and anchor resolves and no page loads anything from another host.

    `site_path` is the path the site is served under (`/book/` for a site-url ending in `/book`):
    links that start with it resolve from the build's root (pages that work at any depth, such
    as the 404 page, use them); any other link starting with `/` leaves the site.
    """
    pages: dict[Path, _LinkParser] = {}
    for page in sorted(build.rglob("*.html")):
        parser = _LinkParser()
        parser.feed(page.read_text(encoding="utf-8"))
        pages[page] = parser
    problems: list[str] = []
    for page, parser in pages.items():
        rel = page.relative_to(build).as_posix()
        for url, line in parser.external_loads:
            problems.append(f"{rel}:{line}: loads {url} from another host")
        for _attr, url, line in parser.links:
            parts = urlsplit(url)
            path = parts.path
            if site_path and path.startswith(site_path):
                path = os.path.relpath(build / path[len(site_path):], page.parent)
            target = page if not path else (page.parent / unquote(path))
            target = Path(os.path.normpath(target))
            if build.resolve() not in target.resolve().parents and target.resolve() != build:
                problems.append(f"{rel}:{line}: link {url} leaves the site")
                continue
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                problems.append(f"{rel}:{line}: link {url}: no such file")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else set()
                if unquote(parts.fragment) not in ids:
                    problems.append(f"{rel}:{line}: link {url}: no #{parts.fragment} there")
    for css in build.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?(https?:)?//", css.read_text(encoding="utf-8")):
            problems.append(f"{css.relative_to(build)}: loads from another host ({url})")
    return problems
