"""Cache entries that carry the hash of their own content, so that a damaged one is a miss.

The build's caches (`.book/convert`, `.book/render`, `.book/mermaid`) are keyed by what an entry
is made from; each entry also records the sha256 of what it holds, in a first line
`book-cache sha256:<hex>`. `read` returns the content only when it still hashes to that value:
an entry cut short, rewritten or left from an older format is reported (a note naming the file)
and treated as absent, so the caller makes it again and `write` replaces it. A damaged entry can
never be taken for a good one.

Imports only the standard library.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

HEADER = b"book-cache sha256:"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def encode(text: str) -> bytes:
    """An entry's bytes: the header line with the content's hash, then the content."""
    data = text.encode("utf-8")
    return HEADER + _digest(data).encode("ascii") + b"\n" + data


def write(path: Path, text: str) -> None:
    """Store `text` as the entry at `path`, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
    tmp.write_bytes(encode(text))
    os.replace(tmp, path)


def shown(path: Path) -> str:
    """The entry's name as notes show it: `.book/<cache>/<file>`."""
    return f"{path.parent.parent.name}/{path.parent.name}/{path.name}"


def read(path: Path, on_damage: Callable[[str], None] | None = None) -> str | None:
    """The content of the entry at `path`, or None when there is none or it is damaged (then
    `on_damage` is called with a note naming it)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    head, newline, data = raw.partition(b"\n")
    if head.startswith(HEADER) and newline and head[len(HEADER):].decode(
            "ascii", "replace") == _digest(data):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if on_damage is not None:
        on_damage(f"{shown(path)} was damaged (its content does not match the hash it "
                  "records); made again")
    return None


def is_whole(path: Path) -> bool:
    """True when the entry at `path` exists and matches its recorded hash."""
    return read(path) is not None
