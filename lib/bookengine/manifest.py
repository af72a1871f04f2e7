"""Build manifests: the path, size and hash of every file of a completed build.

A build writes its manifest only once it is complete and checked. Publishing, previewing and
deploying verify the live build against it, so that a damaged site (a file deleted, changed or cut
short after the build) is rebuilt, or refused, and never called "unchanged" unverified.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

SUFFIX = ".manifest.json"
_SHOWN = 5


def manifest_path(build: Path) -> Path:
    """Where the manifest of a build directory lives: beside it, outside the served files."""
    return build.parent / (build.name + SUFFIX)


def sha256_file(path: Path) -> str:
    """sha256 of a file's bytes, hex (standard library only: the no-op check imports it)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _files(build: Path) -> list[Path]:
    return sorted(p for p in build.rglob("*") if p.is_file() or p.is_symlink())


def write_manifest(build: Path) -> Path:
    """Record every file of a completed build; return the manifest's path."""
    entries = {p.relative_to(build).as_posix(): {"size": p.stat().st_size, "sha256": sha256_file(p)}
               for p in _files(build)}
    path = manifest_path(build)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps({"files": entries}, sort_keys=True, indent=0), encoding="utf-8")
    os.replace(tmp, path)
    return path


def verify(build: Path) -> list[str]:
    """Every way the build differs from its manifest (empty when it matches exactly)."""
    try:
        recorded = json.loads(manifest_path(build).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError):
        return [f"{build.name} has no readable manifest (the build never completed)"]
    problems: list[str] = []
    present = {p.relative_to(build).as_posix(): p for p in _files(build)} if build.is_dir() else {}
    for rel, entry in sorted(recorded.items()):
        path = present.get(rel)
        if path is None:
            problems.append(f"{rel}: missing")
        elif path.stat().st_size != entry["size"]:
            problems.append(f"{rel}: {path.stat().st_size} bytes, {entry['size']} when built")
        elif sha256_file(path) != entry["sha256"]:
            problems.append(f"{rel}: content changed since the build")
    problems.extend(f"{rel}: not part of the build" for rel in sorted(set(present) - set(recorded)))
    return problems


def summary(problems: list[str]) -> str:
    """A short account of a failed verification."""
    shown = "; ".join(problems[:_SHOWN])
    more = f"; and {len(problems) - _SHOWN} more" if len(problems) > _SHOWN else ""
    return f"{len(problems)} difference(s): {shown}{more}"
