"""`execute: freeze: true`: execution results kept in a committed `_freeze/` folder, as Quarto
keeps them (`_freeze/<page>/execute-results/html.json`), so a fresh clone publishes without
executing. A page whose source changed since it was frozen is executed again and re-frozen
(its stored outputs would no longer match its cells).

An entry that Quarto wrote (its `result` holds Quarto's executed Markdown, not this engine's
outputs) is not read, and never overwritten: the page executes, and the author's Quarto freeze
stays as it was."""

from __future__ import annotations

import json
import os
from pathlib import Path

from bookengine.run.cache import file_hash, tree_hash
from bookengine.run.execresult import ExecResult

FREEZE_DIR = "_freeze"


def freeze_path(root: Path, rel: str) -> Path:
    """Where a page's frozen result lives."""
    stem = rel.rsplit(".", 1)[0]
    return root / FREEZE_DIR / stem / "execute-results" / "html.json"


def load(root: Path, rel: str) -> ExecResult | None:
    """The frozen result of a page, or None when there is none or its source has changed."""
    path = freeze_path(root, rel)
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if entry.get("engine") != "bookengine" or entry.get("hash") != file_hash(root / rel):
        return None
    return ExecResult.from_json(entry["result"])


def written_by_quarto(root: Path, rel: str) -> bool:
    """True when the page's freeze entry is Quarto's own."""
    try:
        entry = json.loads(freeze_path(root, rel).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(entry, dict) and entry.get("engine") != "bookengine"


def store(root: Path, rel: str, result: ExecResult) -> None:
    """Freeze a page's result (written atomically), unless Quarto froze the page."""
    path = freeze_path(root, rel)
    if written_by_quarto(root, rel):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {"engine": "bookengine", "hash": file_hash(root / rel), "result": result.to_json()}
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(entry, sort_keys=True, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def folder_key(root: Path) -> str:
    """One hash over the `_freeze/` folder, for the site key."""
    return tree_hash([root / FREEZE_DIR], (".json",))
