"""Build manifests: the path, size and hash of every file of a completed build.

A build writes its manifest only once it is complete and checked. Publishing, previewing and
deploying verify the live build against it, so that a damaged site (a file deleted, changed or cut
short after the build) is rebuilt, or refused, and never called "unchanged" unverified.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

SUFFIX = ".manifest.json"
RACY_SECONDS = 2.0
"""A file written this close to when it was recorded is always hashed: the filesystem's clock
may not have ticked between two writes (2 s: FAT's granularity)."""
FINE_RACY_SECONDS = 0.05
"""The same, on a filesystem whose times have sub-second parts (a clock tick is at most 10 ms)."""
_SHOWN = 5


def settled_before(recorded_ns: int, mtimes: list[int]) -> int:
    """Files recorded at `recorded_ns` with a modification time before the returned time can be
    trusted by size and time. The margin is `RACY_SECONDS`, or `FINE_RACY_SECONDS` when the
    filesystem keeps sub-second times (some recorded time is not a whole second)."""
    fine = any(m % 1_000_000_000 for m in mtimes)
    return recorded_ns - int((FINE_RACY_SECONDS if fine else RACY_SECONDS) * 1e9)


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


def _files(build: Path) -> dict[str, Path]:
    """Every file of a build, by its path relative to the build (with "/"), in sorted order."""
    found: dict[str, Path] = {}
    for dirpath, _dirnames, filenames in os.walk(build):
        rel_dir = os.path.relpath(dirpath, build)
        for name in filenames:
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            found[rel.replace(os.sep, "/")] = Path(dirpath, name)
    return dict(sorted(found.items()))


def write_manifest(build: Path) -> Path:
    """Record every file of a completed build; return the manifest's path."""
    entries = {}
    for rel, p in _files(build).items():
        st = p.stat()  # before the hash: a write in between shows as a changed time
        entries[rel] = {"size": st.st_size, "mtime": st.st_mtime_ns, "ctime": st.st_ctime_ns,
                        "ino": st.st_ino, "sha256": sha256_file(p)}
    path = manifest_path(build)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps({"files": entries, "written": time.time_ns()}, sort_keys=True,
                              indent=0), encoding="utf-8")
    os.replace(tmp, path)
    return path


def verify(build: Path, trust_times: bool = False) -> list[str]:
    """Every way the build differs from its manifest (empty when it matches exactly).

    Every file is hashed, unless `trust_times`: then a file whose size, inode, modification
    time and inode change time are those recorded (and not written just before the manifest:
    `settled_before`) counts as unchanged, as in the no-op check's own stamp; any other file is
    hashed. The change time is the kernel's own (no one can set it back), so a change whose
    modification time was put back is hashed too.
    """
    try:
        manifest = json.loads(manifest_path(build).read_text(encoding="utf-8"))
        recorded = manifest["files"]
    except (OSError, ValueError, KeyError):
        return [f"{build.name} has no readable manifest (the build never completed)"]
    settled = settled_before(int(manifest.get("written", 0)),
                             [int(e.get("mtime", 0)) for e in recorded.values()])
    problems: list[str] = []
    present = _files(build) if build.is_dir() else {}
    for rel, entry in sorted(recorded.items()):
        path = present.get(rel)
        if path is None:
            problems.append(f"{rel}: missing")
            continue
        st = path.stat()
        if st.st_size != entry["size"]:
            problems.append(f"{rel}: {st.st_size} bytes, {entry['size']} when built")
        elif (trust_times and st.st_mtime_ns == entry.get("mtime")
              and st.st_ctime_ns == entry.get("ctime") and st.st_ino == entry.get("ino")
              and st.st_mtime_ns < settled):
            continue
        elif sha256_file(path) != entry["sha256"]:
            problems.append(f"{rel}: content changed since the build")
    problems.extend(f"{rel}: not part of the build" for rel in sorted(set(present) - set(recorded)))
    return problems


def summary(problems: list[str]) -> str:
    """A short account of a failed verification."""
    shown = "; ".join(problems[:_SHOWN])
    more = f"; and {len(problems) - _SHOWN} more" if len(problems) > _SHOWN else ""
    return f"{len(problems)} difference(s): {shown}{more}"
