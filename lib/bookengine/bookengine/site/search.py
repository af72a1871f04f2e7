"""Search by Pagefind: the attributes the layout puts on each page, and the index built at
publish from the finished pages.

Each page's `<article>` is Pagefind's body, carrying its chapter (as meta and as a filter) and
the kind `prose`; its headings with ids become Pagefind's sub-results, so a result names the
section it comes from. A figure is its own record, at its own anchor, of kind `figure`: its
number, caption and alt text, the chapter and the section it sits in. The figures themselves
are left out of the page's text (`EXCLUDED`, given to Pagefind, so the page's markup stays as
Quarto's), and a caption is found once, as the figure. Pagefind writes its bundle to
`pagefind/` in the build, before the build is checked and switched to, so a failed index leaves
the published site as it was.

Pagefind has no incremental indexing: the whole site is indexed on every publish that writes
a new build (a no-op publish writes none). `make bench` and the publish line report its time.
Pagefind lists filter values in a per-run hash-map order; `_canonical_filters` sorts them so the
same sources give the same bytes.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from bookengine.source.config import BookConfig
from bookengine.render.convert import ConvertedPage
from bookengine.core.report import BuildError

BUNDLE = "pagefind"
"""The folder, at the site's root, of Pagefind's script, WASM and index chunks."""

EXCLUDED = ("figure[id]", "section.cite-this", "a.anchor", "a.footnote-back")
"""Left out of a page's indexed text: its figures (each is its own record), the "cite this"
block, and the link marks beside headings and footnotes."""

UNUSED = ("pagefind-ui.*", "pagefind-modular-ui.*", "pagefind-component-ui.*",
          "pagefind-highlight.js")
"""Pagefind's prebuilt interfaces, which the bundle carries and the book does not load."""

TAG_RE = re.compile(r"<[^>]+>")
BLOCK_RE = re.compile(r"</?(p|div|br|li|ul|ol|figcaption|td|th|tr|h[1-6])\b[^>]*>")
SCRIPT_RE = re.compile(r"<(script|style|svg)\b[^>]*>.*?</\1>", re.S)
ARTICLE_RE = re.compile(r"<article\b([^>]*)>(.*)</article>", re.S)
ATTR_RE = re.compile(r'data-chapter="([^"]*)"')
PIECE_RE = re.compile(
    r'<h([2-4])\b[^>]*\sid="([^"]+)"[^>]*>(.*?)</h\1>'
    r'|<figure\b[^>]*\sid="([^"]+)"[^>]*>(.*?)</figure>', re.S)
CAPTION_RE = re.compile(r"<figcaption>(.*?)</figcaption>", re.S)
ALT_RE = re.compile(r'role="(?:figure|img)" aria-label="([^"]*)"|<img [^>]*alt="([^"]*)"')


def enabled(config: BookConfig) -> bool:
    """Whether the site has search: Quarto's `search: false` under `book:` or `website:`
    turns it off (no search box, no index)."""
    return config.search is not False


def plain(fragment: str) -> str:
    """Text of an HTML fragment, whitespace folded."""
    fragment = SCRIPT_RE.sub(" ", fragment)
    fragment = re.sub(r'<a\b[^>]*class="anchor".*?</a>', " ", fragment, flags=re.S)
    fragment = BLOCK_RE.sub(" ", fragment)
    return re.sub(r"\s+", " ", html.unescape(TAG_RE.sub("", fragment))).strip()


def chapter_name(page: ConvertedPage) -> str:
    """The chapter as a result names it: its number and title, as the sidebar shows them."""
    title = plain(page.nav_title or page.title)
    return f"{page.number} {title}" if page.number else title


def article_attributes(config: BookConfig, page: ConvertedPage) -> str:
    """The attributes of a page's `<article>` that make it Pagefind's body: its chapter (meta
    and filter) and kind. Empty for a site without search or a page with `search: false`."""
    if not enabled(config) or page.front.get("search") is False:
        return ""
    name = html.escape(chapter_name(page), quote=True)
    return (f' data-pagefind-body data-chapter="{name}"'
            ' data-pagefind-meta="title[data-chapter], chapter[data-chapter]"'
            ' data-pagefind-filter="chapter[data-chapter], kind:prose"')


@dataclass(frozen=True)
class FigureRecord:
    """One figure as the index holds it."""

    url: str
    """Site-absolute, as Pagefind gives page URLs: `/chapters/ord.html#fig-x`."""
    title: str
    """Its number and caption: `Figure 3.2: …`."""
    content: str
    """The caption and the alt text: what a query matches."""
    chapter: str
    section: str


def figure_records(site: Path) -> list[FigureRecord]:
    """Every captioned figure with an id on the site's indexed pages, read from the finished
    HTML, with the section (the nearest heading above it) it sits in."""
    records = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel.startswith(f"{BUNDLE}/"):
            continue
        text = path.read_text(encoding="utf-8")
        article = ARTICLE_RE.search(text)
        if article is None or "data-pagefind-body" not in article.group(1):
            continue
        chapter_attr = ATTR_RE.search(article.group(1))
        chapter = html.unescape(chapter_attr.group(1)) if chapter_attr else ""
        section = ""
        for m in PIECE_RE.finditer(article.group(2)):
            if m.group(2):
                section = plain(m.group(3))
                continue
            caption = CAPTION_RE.search(m.group(5))
            if caption is None:
                continue
            title = plain(caption.group(1))
            alts = [html.unescape(a or b) for a, b in ALT_RE.findall(m.group(5))]
            content = " ".join(dict.fromkeys([title, *[a for a in alts if a]]))
            records.append(FigureRecord(f"/{rel}#{m.group(4)}", title, content, chapter,
                                        section))
    return records


class Pagefind:
    """Pagefind's indexer (the binary `pagefind-bin` ships) run as `pagefind --service`: one
    request at a time on its stdin, each answered on its stdout (base64 JSON, comma-ended).

    Pagefind's own Python wrapper speaks the same protocol but polls for each answer every
    0.1 s, which made indexing this book take 2.5 s instead of a tenth of that.
    """

    def __init__(self) -> None:
        from pagefind_bin import get_executable

        self._proc = subprocess.Popen([str(get_executable()), "--service"],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._sent = 0
        self._buffer = bytearray()

    def send(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Send one request and return its answer's payload; a Pagefind error raises."""
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._sent += 1
        message = json.dumps({"message_id": self._sent, "payload": payload})
        self._proc.stdin.write(base64.b64encode(message.encode("utf-8")) + b",")
        self._proc.stdin.flush()
        while True:
            while b"," not in self._buffer:
                chunk = self._proc.stdout.read1(65536)
                if not chunk:
                    raise RuntimeError("the Pagefind service stopped")
                self._buffer += chunk
            raw, _, rest = bytes(self._buffer).partition(b",")
            self._buffer = bytearray(rest)
            answer = json.loads(base64.b64decode(raw))
            if answer and answer.get("message_id") in (self._sent, None):
                break
        result = answer["payload"]
        if result.get("type") == "Error":
            raise RuntimeError(f"Pagefind: {result.get('message')}")
        return result

    def close(self) -> None:
        """Stop the service."""
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


def _index(site: Path, language: str, figures: list[FigureRecord]) -> None:
    service = Pagefind()
    try:
        config = {"keep_index_url": True, "exclude_selectors": list(EXCLUDED)}
        index = service.send({"type": "NewIndex", "config": config})["index_id"]
        service.send({"type": "AddDir", "index_id": index, "path": str(site)})
        for fig in figures:
            service.send({"type": "AddRecord", "index_id": index, "url": fig.url,
                          "content": fig.content, "language": language,
                          "meta": {"title": fig.title, "chapter": fig.chapter,
                                   "section": fig.section},
                          "filters": {"chapter": [fig.chapter], "kind": ["figure"]}})
        # The files come back in the answer and are written here: Pagefind's own WriteFiles
        # returns before its last writes reach the disk, so a file could be cut short when
        # the service stops (a 64 KiB wasm.unknown.pagefind was seen).
        files = service.send({"type": "GetFiles", "index_id": index})["files"]
    finally:
        service.close()
    bundle = site / BUNDLE
    for entry in files:
        rel = PurePosixPath(entry["path"])
        if rel.is_absolute() or ".." in rel.parts:
            raise RuntimeError(f"Pagefind named a file outside its folder: {entry['path']}")
        target = bundle.joinpath(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(entry["content"]))


def build_index(config: BookConfig, site: Path) -> None:
    """Index the finished pages of the build in `site` into `site/pagefind/` (nothing for a
    site without search)."""
    if not enabled(config):
        return
    language = str(config.extra.get("lang", "en"))
    _index(site, language, figure_records(site))
    _canonical_filters(site / BUNDLE)
    for unused in UNUSED:  # the book's own search box runs on pagefind.js alone
        for path in (site / BUNDLE).glob(unused):
            path.unlink()
    if not (site / BUNDLE / "pagefind.js").is_file():
        raise RuntimeError("Pagefind wrote no index (pagefind/pagefind.js is missing)")


PREFIX = b"pagefind_dcd"
"""What each of Pagefind's gzipped CBOR files starts with, once unzipped."""


def _cbor_load(data: bytes, at: int = 0) -> tuple[Any, int]:
    """Decode the CBOR Pagefind writes (unsigned integers, byte and text strings, arrays)."""
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        value = info
    else:
        size = 1 << (info - 24)
        value, at = int.from_bytes(data[at:at + size], "big"), at + size
    if major == 0:
        return value, at
    if major in (2, 3):
        raw = data[at:at + value]
        return (raw.decode("utf-8") if major == 3 else raw), at + value
    if major == 4:
        items = []
        for _ in range(value):
            item, at = _cbor_load(data, at)
            items.append(item)
        return items, at
    raise ValueError(f"unexpected CBOR major type {major} in Pagefind's index")


def _cbor_dump(value: Any) -> bytes:
    """Encode what `_cbor_load` decodes, in CBOR's shortest form (as Pagefind writes it)."""
    def head(major: int, n: int) -> bytes:
        if n < 24:
            return bytes([major << 5 | n])
        size = next(s for s in (1, 2, 4, 8) if n < 1 << (8 * s))
        return bytes([major << 5 | (24 + size.bit_length() - 1)]) + n.to_bytes(size, "big")

    if isinstance(value, int):
        return head(0, value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return head(3, len(raw)) + raw
    if isinstance(value, bytes):
        return head(2, len(value)) + value
    return head(4, len(value)) + b"".join(_cbor_dump(v) for v in value)


def _read_chunk(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(PREFIX):
        raise ValueError(f"{path.name} is not one of Pagefind's files")
    return _cbor_load(data, len(PREFIX))[0]


def _write_chunk(folder: Path, name: str, suffix: str, value: Any, digits: int) -> str:
    data = PREFIX + _cbor_dump(value)
    stem = f"{name}_{hashlib.sha256(data).hexdigest()[:digits]}"
    (folder / f"{stem}{suffix}").write_bytes(gzip.compress(data, mtime=0))
    return stem


def _canonical_filters(bundle: Path) -> None:
    """Write Pagefind's filter chunks, and the files that name them, in one order.

    Pagefind lists a filter's values in the order of a hash map seeded anew on every run, so
    the same pages gave differently ordered (and so differently named) filter chunks, and a
    build of the same sources was not the same bytes. Sorted here, the bundle is.
    """
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, info in entry["languages"].items():
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = _read_chunk(meta_path)
        filters = []
        for name, chunk in sorted(meta[3]):
            path = bundle / "filter" / f"{chunk}.pf_filter"
            filter_name, values = _read_chunk(path)
            path.unlink()
            filters.append([name, _write_chunk(bundle / "filter", language, ".pf_filter",
                                               [filter_name, sorted(values)], 7)])
        meta[3] = filters
        meta_path.unlink()
        info["hash"] = _write_chunk(bundle, f"pagefind.{language}", ".pf_meta", meta, 10
                                    ).removeprefix("pagefind.")
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")),
                          encoding="utf-8")


def index_site(config: BookConfig, build_dir: Path) -> None:
    """Index the finished pages of a new build (before it is checked and switched to); a
    failure stops the build, and the live site stays as it was."""
    try:
        build_index(config, build_dir)
    except Exception as exc:  # noqa: BLE001 - the build stops, named
        raise BuildError([f"indexing the site for search (Pagefind) failed: "
                          f"{type(exc).__name__}: {exc}"]) from exc
