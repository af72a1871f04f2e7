"""Hash a published site, file by file, to show that two builds publish the same bytes.

    python tools/tree_digest.py BOOK [BOOK ...]           # print each site's digest
    python tools/tree_digest.py --save F BOOK [BOOK ...]  # and keep every file's hash in F
    python tools/tree_digest.py --compare F BOOK [...]    # list the files that differ from F

A version id ends in six hex digits of the hash of everything the site is made from, the
engine's own code included, so a change to the engine makes a new version by design. Before
hashing, the build's version id (from its version record) is replaced by `<version>`.

The search index (`pagefind/`) names its files by the hash of what they hold, and what they hold
is the pages' text, version id included; its gzipped files are compared unzipped, with the
version id and those hashed names replaced, and files whose names differ only by such a hash are
compared as a set. Nothing else is normalised.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
from pathlib import Path


def _version(site: Path) -> str | None:
    build = site.resolve()
    record = build.parent / (build.name + ".version.json")
    try:
        return json.loads(record.read_text(encoding="utf-8")).get("id")
    except (OSError, ValueError):
        return None


def _output_dir(book: Path) -> Path:
    for name in ("site", "_book", "_site"):
        if (book / name).exists():
            return book / name
    raise SystemExit(f"{book}: no published site (site/, _book/ or _site/)")


PAGEFIND_NAME = re.compile(rb"\b([a-z]{2,3}(?:-[A-Za-z]+)?|unknown)_[0-9a-f]{7,10}\b")


def _search_file(data: bytes, version: str | None) -> bytes:
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if version:
        data = data.replace(version.encode(), b"<version>")
    return PAGEFIND_NAME.sub(rb"\1_<hash>", data)


def file_hashes(book: Path) -> dict[str, str]:
    """sha256 of every published file of `book`, its version id replaced by `<version>` (the
    search index's files as described above)."""
    site = _output_dir(book)
    version = _version(site)
    out: dict[str, list[str]] = {}
    for path in sorted(p for p in site.resolve().rglob("*") if p.is_file()):
        rel = path.relative_to(site.resolve()).as_posix()
        data = path.read_bytes()
        if rel.startswith("pagefind/"):
            data = _search_file(data, version)
            rel = PAGEFIND_NAME.sub(rb"\1_<hash>", rel.encode()).decode()
        elif version:
            data = data.replace(version.encode(), b"<version>")
        out.setdefault(rel, []).append(hashlib.sha256(data).hexdigest())
    return {rel: ",".join(sorted(hashes)) for rel, hashes in out.items()}


def digest(hashes: dict[str, str]) -> str:
    """One hash over every file's path and hash."""
    return hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("books", nargs="+", type=Path)
    parser.add_argument("--save", type=Path)
    parser.add_argument("--compare", type=Path)
    args = parser.parse_args(argv)
    trees = {str(b): file_hashes(b) for b in args.books}
    for name, hashes in trees.items():
        print(f"{name}: {len(hashes)} files, digest {digest(hashes)}")
    if args.save:
        args.save.write_text(json.dumps(trees, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if args.compare:
        before = json.loads(args.compare.read_text(encoding="utf-8"))
        differ = 0
        for name, hashes in trees.items():
            old = before.get(name, {})
            for rel in sorted(set(old) | set(hashes)):
                if old.get(rel) != hashes.get(rel):
                    differ += 1
                    state = ("added" if rel not in old else
                             "gone" if rel not in hashes else "differs")
                    print(f"  {name}/{rel}: {state}")
        print("byte-identical" if not differ else f"{differ} file(s) differ")
        return 1 if differ else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
