"""The no-op check: "nothing changed" decided from file sizes and times, before heavy imports.

Every publish records, in `.book/site-stamp.json`, each file the live site was made from (pages,
stored execution results and the files pages read, config, bibliography, the library's and the
engine's code, the dependency lock) with its size, modification time and sha256, and the file
list of every code tree (so an added module counts as a change). The next publish stats those
files: when every size and time matches, and the live `site` is the recorded build, nothing has
changed and the build ends there, without importing Jupyter, pandoc, Altair or jinja2. A file
whose time moved but whose size did not is hashed and compared (a `git checkout` or `touch`
costs a hash, not a rebuild); a file written just before the stamp is always hashed, as the
filesystem's clock may not have ticked between two writes (`manifest.settled_before`).

This module imports only the standard library (and `manifest`); `files_unchanged` is the
building block for checking any list of recorded files (for example a published build's own
files).
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path

from bookengine.core import manifest
from bookengine.core.manifest import sha256_file
from bookengine.core.state import IGNORED_DIRS, BookState

VERSION = 2


def tree_files(base: Path, suffixes: tuple[str, ...], exclude: Path | None = None) -> list[Path]:
    """Every file under `base` with one of `suffixes`, outside ignored and `exclude`d folders,
    sorted; `base` itself when it is a file."""
    if base.is_file():
        return [base]
    found: list[Path] = []
    skip = exclude.resolve() if exclude is not None else None
    for dirpath, dirnames, filenames in os.walk(base):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_DIRS
                             and (skip is None or (here / d).resolve() != skip))
        found.extend(here / f for f in filenames if f.endswith(suffixes))
    return sorted(found)


def entry(root: Path, path: Path, digest: str | None = None) -> dict:
    """One file's record: path relative to `root`, size, modification time, sha256.

    The stat comes before the hash, so a write that lands in between shows as a changed time.
    """
    st = path.stat()
    return {"path": os.path.relpath(path, root), "size": st.st_size, "mtime": st.st_mtime_ns,
            "ctime": st.st_ctime_ns, "sha256": digest or sha256_file(path)}


def absent(rel: str) -> dict:
    """The record of a file a page read that was gone by the end of its run."""
    return {"path": rel, "absent": True}


def files_unchanged(root: Path, entries: list[dict], since_ns: int | None = None) -> bool:
    """True when every recorded file still has its recorded content.

    Size, modification time and change time equal means unchanged (unless written just
    before `since_ns`); a different size means changed; otherwise the file is hashed and
    compared. A record with `absent` is unchanged while no file is there.
    """
    racy = (manifest.settled_before(since_ns, [int(r.get("mtime", 0)) for r in entries])
            if since_ns is not None else None)
    for rec in entries:
        path = root / rec["path"]
        if rec.get("absent"):
            if os.path.lexists(path):
                return False
            continue
        try:
            st = path.stat()
        except OSError:
            return False
        if st.st_size != rec["size"]:
            return False
        if (st.st_mtime_ns == rec["mtime"] and st.st_ctime_ns == rec.get("ctime")
                and (racy is None or rec["mtime"] < racy)):
            continue
        try:
            if sha256_file(path) != rec["sha256"]:
                return False
        except OSError:
            return False
    return True


def write(path: Path, root: Path, *, site: str, build: str, pages: list[str],
          files: list[dict], trees: list[dict], preload: list[str] | None = None) -> None:
    """Record what the live build `build` (linked from `site`) was made from, and the fork
    server's preload list it used (so the next publish can start the server at once)."""
    unique = list({rec["path"]: rec for rec in files}.values())
    stamp = {"version": VERSION, "site": site, "build": build, "pages": pages,
             "files": unique, "trees": trees, "preload": preload or [],
             "written": time.time_ns()}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
    tmp.write_text(json.dumps(stamp), encoding="utf-8")
    os.replace(tmp, path)


def tree_record(root: Path, base: Path, suffixes: tuple[str, ...],
                exclude: Path | None = None) -> dict:
    """The file list of one code tree, to notice files added or removed."""
    return {"base": os.path.relpath(base, root), "suffixes": list(suffixes),
            "exclude": os.path.relpath(exclude, root) if exclude else None,
            "files": [os.path.relpath(p, root) for p in tree_files(base, suffixes, exclude)]}


def read(root: Path | str) -> dict | None:
    """The stamp the last publish wrote (None when there is none it can read)."""
    try:
        stamp = json.loads(BookState(Path(root)).stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stamp if isinstance(stamp, dict) and stamp.get("version") == VERSION else None


def recorded_preload(stamp: dict | None) -> list[str] | None:
    """The fork server's preload list a stamp recorded (None without one)."""
    preload = (stamp or {}).get("preload")
    return [str(m) for m in preload] if isinstance(preload, list) else None


def current_pages(root: Path | str, stamp: dict | None) -> list[str] | None:
    """The pages of the live site when nothing it was made from has changed since `stamp` (as
    `read` returns it) was written, else None."""
    root = Path(root).resolve()
    if stamp is None:
        return None
    site = root / stamp["site"]
    with contextlib.suppress(OSError):
        if (site.is_symlink() and Path(os.readlink(site)).name == stamp["build"]
                and (site / "index.html").is_file()
                and _config_files(root) == sorted({r["path"] for r in stamp["files"]
                                                   if _is_config(r["path"])
                                                   and not r.get("absent")})
                and all(_tree_unchanged(root, t) for t in stamp["trees"])
                and files_unchanged(root, stamp["files"], stamp.get("written"))
                # and the live build is whole (by size and time, as above): a damaged one goes
                # to the full build, which hashes every file, says so and rebuilds it
                and not manifest.verify(site.resolve(), trust_times=True)):
            return list(stamp["pages"])
    return None


def _is_config(rel: str) -> bool:
    return "/" not in rel and rel.endswith((".yml", ".yaml"))


def _config_files(root: Path) -> list[str]:
    """The YAML files at the book's root (`_quarto.yml` and any metadata beside it)."""
    return sorted(p.name for p in root.iterdir() if p.is_file() and _is_config(p.name))


def config_entries(root: Path) -> list[dict]:
    """Records of every YAML file at the book's root."""
    return [entry(root, root / name) for name in _config_files(root)]


def _tree_unchanged(root: Path, tree: dict) -> bool:
    exclude = root / tree["exclude"] if tree.get("exclude") else None
    now = [os.path.relpath(p, root)
           for p in tree_files(root / tree["base"], tuple(tree["suffixes"]), exclude)]
    return now == tree["files"]
