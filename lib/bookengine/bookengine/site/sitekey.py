"""The key of a published site: one hash over everything it is made from (pages, their stored
results and inputs, bibliography, changelog, history, config, the engine's code), the stamp the
next publish's no-op check reads (`sitestamp`), and whether the live site was built from
exactly these inputs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from bookengine.run import freeze
from bookengine.site import sitestamp
from bookengine.run.cache import ENGINE_DIR, Cache, Fingerprint
from bookengine.source.config import BookConfig
from bookengine.source.document import Document
from bookengine.run.execresult import execution_key
from bookengine.site.layout import (
    html_include_files,
)
from bookengine.core.state import BookState

ENGINE_SUFFIXES = (".py", ".html", ".css", ".js")

def site_key(config: BookConfig, docs: list[Document]) -> tuple[str, list[dict]]:
    """One hash over everything a published site is made from, and the record of each of those
    files (see `sitestamp`)."""
    digest = hashlib.sha256()
    cache = Cache(config)
    root = config.root
    records: list[dict] = []

    def record(path: Path) -> str:
        rec = sitestamp.entry(root, path)
        records.append(rec)
        return rec["sha256"]

    for doc in docs:
        digest.update(doc.rel.encode())
        digest.update(record(doc.path).encode())
        inputs = cache.stored_inputs(doc.rel)
        digest.update(json.dumps(inputs, sort_keys=True).encode())
        records.extend(sitestamp.entry(root, root / name) if (root / name).is_file()
                       else sitestamp.absent(name) for name in inputs)
        entry = cache.entry_path(doc.rel)
        digest.update(record(entry).encode() if entry.is_file() else b"-")
    for extra in [*config.bibliography, *filter(None, [config.changelog]),
                  *html_include_files(config)]:
        path = root / extra
        digest.update(record(path).encode() if path.is_file() else b"-")
    if config.history and (root / config.history).is_dir():
        for path in sorted((root / config.history).glob("*.json")):
            digest.update(f"{path.name}:{record(path)}".encode())
    digest.update(freeze.folder_key(root).encode() if config.freeze else b"-")
    for rec in sitestamp.config_entries(root):
        records.append(rec)
        digest.update(f"{rec['path']}:{rec['sha256']}".encode())
    for path in sitestamp.tree_files(ENGINE_DIR, ENGINE_SUFFIXES):
        digest.update(f"{path.relative_to(ENGINE_DIR)}:{record(path)}".encode())
    return digest.hexdigest(), records


def write_stamp(config: BookConfig, docs: list[Document], records: list[dict],
                 build_name: str) -> None:
    """Record the live build for the no-op check, if every file still holds what the build used
    (a file edited during the build leaves no stamp, so the next publish looks properly)."""
    root = config.root
    state = BookState(root)
    state.stamp.unlink(missing_ok=True)
    cache = Cache(config)
    fingerprint = Fingerprint.of(config)
    by_path = {r["path"]: r for r in records}
    for doc in docs:
        try:
            stored = json.loads(cache.entry_path(doc.rel).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        # The page as published is the source as parsed, its outputs the stored ones.
        if doc.source_hash != by_path[doc.rel]["sha256"] or \
                stored.get("code") != execution_key(doc) or any(
                stored.get(part) != getattr(fingerprint, part)
                for part in ("library", "lock", "engine", "options")):
            return
        for name, used in stored.get("inputs", {}).items():
            if name not in by_path or by_path[name].get("sha256") != used:
                return
    code = [root / p for p in config.library]
    files = list(records)
    for path in sorted({f for base in code for f in sitestamp.tree_files(base, (".py",))}):
        files.append(sitestamp.entry(root, path))
    files += [sitestamp.entry(root, root / name) for name in config.locks
              if (root / name).is_file()]
    trees = [sitestamp.tree_record(root, base, (".py",)) for base in code]
    trees.append(sitestamp.tree_record(root, ENGINE_DIR, ENGINE_SUFFIXES))
    sitestamp.write(state.stamp, root, site=config.output_dir, build=build_name,
                    pages=[d.rel for d in docs], files=files, trees=trees,
                    preload=list(config.preload))


def site_is_current(config: BookConfig, key: str) -> bool:
    """True when the live site was built from exactly these inputs."""
    try:
        stored_key, build_name = BookState(config.root).site_key.read_text().split()
    except (OSError, ValueError):
        return False
    site = config.output_path
    return (stored_key == key and site.is_symlink() and site.resolve().name == build_name
            and (site / "index.html").is_file())
