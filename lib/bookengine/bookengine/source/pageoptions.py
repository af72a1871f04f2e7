"""The options in force on a page, merged as Quarto merges them, in one place.

Layers, later winning key by key: the project's top-level options (`_quarto.yml` outside
`project:`), its `format: html:`, then the page's front matter and the page's own
`format: html:`. A page's front matter already holds its folders' `_metadata.yml` files
(`directory_metadata`, read when the page is parsed), from the project's root down, under the
page's own. Mappings merge key by key and lists are joined without repeats, as Quarto's
`mergeConfigs` does.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

from bookengine.source.config import BookConfig

METADATA_FILE = "_metadata.yml"
NOT_OPTIONS = ("project", "book", "website", "book-engine", "format")
"""Top-level keys of `_quarto.yml` that are the project's structure, not a page's options."""


def merge_configs(*layers: dict[str, Any]) -> dict[str, Any]:
    """Quarto's `mergeConfigs`: mappings merged deeply, lists (or a list and a value) joined
    without repeats, any other value replaced by the later layer's."""
    out: dict[str, Any] = {}
    for layer in layers:
        out = _merge(out, layer or {})
    return out


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, list) or isinstance(over, list):
        if base is None:
            return copy.deepcopy(over)
        if over is None:
            return base
        joined = (base if isinstance(base, list) else [base]) + copy.deepcopy(
            over if isinstance(over, list) else [over])
        seen, out = set(), []
        for value in joined:
            key = json.dumps(value, sort_keys=True, default=str)
            if key not in seen:
                seen.add(key)
                out.append(value)
        return out
    if isinstance(base, dict) and isinstance(over, dict):
        merged = dict(base)
        for key, value in over.items():
            merged[key] = _merge(base.get(key), value) if key in base else copy.deepcopy(value)
        return merged
    return copy.deepcopy(over)


def directory_metadata(root: Path, rel: str) -> tuple[dict[str, Any], list[Path]]:
    """The `_metadata.yml` files of the folders from the project's root down to the page's
    (the nearest winning), merged; and the files read."""
    root = root.resolve()
    folders = [root]
    for part in Path(rel).parent.parts:
        folders.append(folders[-1] / part)
    merged: dict[str, Any] = {}
    read: list[Path] = []
    for folder in folders:
        path = folder / METADATA_FILE
        if not path.is_file():
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{path.relative_to(root)}: directory metadata must be a mapping")
        merged = merge_configs(merged, data)
        read.append(path)
    return merged, read


def html_format(options: dict[str, Any]) -> dict[str, Any]:
    """A layer's `format: html:` mapping (empty when it has none)."""
    fmt = options.get("format")
    html = fmt.get("html") if isinstance(fmt, dict) else None
    return html if isinstance(html, dict) else {}


def page_options(config: BookConfig, front: dict[str, Any]) -> dict[str, Any]:
    """Every option in force on a page: the project's top-level options and `format: html:`,
    then the page's front matter and its `format: html:`."""
    top = {k: v for k, v in config.metadata.items() if k not in NOT_OPTIONS}
    own = {k: v for k, v in front.items() if k != "format"}
    return merge_configs(top, config.html, own, html_format(front))
