"""Upstream releases into the book's tables: one module per source, and one registry.

Each source module (:mod:`~inference_debate.upstream.metr`, :mod:`~inference_debate.upstream.
arcprize`, :mod:`~inference_debate.upstream.epoch`) declares its `KINDS` of release: files, the
fields the book needs, converters, and how to read version and date. A source in
`data/sources.yml` names its kind with `release_kind:`. Adding a source is adding one module and
listing it in :data:`MODULES`. :func:`build_tables` converts a set of parsed releases into every
table they feed, `data/models.csv` included (see :mod:`~inference_debate.upstream.names`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from inference_debate.upstream import arcprize, epoch, metr
from inference_debate.upstream.fields import UpstreamError
from inference_debate.upstream.kinds import Converted, Docs, Named, ReleaseKind
from inference_debate.upstream.names import models_table

#: Every source module; each holds a `KINDS` tuple.
MODULES = (metr, arcprize, epoch)

#: Every kind of release, by the name `data/sources.yml` gives it in `release_kind`.
KINDS: dict[str, ReleaseKind] = {kind.name: kind for module in MODULES for kind in module.KINDS}

__all__ = ["KINDS", "MODULES", "Converted", "Named", "ReleaseKind", "UpstreamError",
           "build_tables", "convert", "write_table"]


def convert(kind: ReleaseKind, docs: Docs, source_id: str) -> Converted:
    """One release converted by its kind; raises UpstreamError naming a missing field."""
    return kind.convert(docs, source_id)


def build_tables(converted: Sequence[tuple[str, Converted]],
                 previous_models: pd.DataFrame | None = None
                 ) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Every table the converted releases feed, with `models`; and the notes, derived names last.

    `converted` pairs each source id with its converted release; `previous_models` is the
    current `data/models.csv`, whose curated rows win.
    """
    tables: dict[str, pd.DataFrame] = {}
    writers: dict[str, str] = {}
    notes: list[str] = []
    named: list[Named] = []
    listed: list[tuple[str, str]] = []
    for source_id, result in converted:
        for name, frame in result.tables.items():
            if name in tables:
                raise UpstreamError(f"sources {writers[name]} and {source_id} both write "
                                    f"data/{name}.csv; give one of them another release_kind")
            tables[name], writers[name] = frame, source_id
        notes += result.notes
        named += result.named
        listed += [(name, result.listed_by) for name in result.listed_names]
    if named:
        tables["models"], derived = models_table(named, listed, previous_models)
        notes += derived
    return tables, notes


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write a converted table as the curated CSV files are written (true/false, LF endings)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == bool:
            out[column] = out[column].map({True: "true", False: "false"})
    out.to_csv(path, index=False, lineterminator="\n", float_format=None)
