"""The changelog of the book's data (`data/changelog.csv`): written by a refresh, shown in a page.

Each row records what one curation or refresh changed in one table for one source: rows added,
removed and changed, and the release it came from. The newest date in the file is the book's data
version date. :func:`compare_tables` and :func:`changelog_rows` make the rows a refresh appends;
:func:`changelog_markdown` is the Changelog appendix's table.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from inference_debate.data.catalogue import code_span, escape_cell, markdown_table
from inference_debate.data.schemas import TABLES
from inference_debate.data.sources import load_sources, source_text
from inference_debate.data.tables import load_table

#: The columns of `data/changelog.csv`, as its schema declares them.
COLUMNS = tuple(TABLES["changelog"].column_names)
#: The Changelog appendix's column headings, one per column of the file.
HEADER = ("Date", "Table", "Source and release", "Rows", "Note")
_NOTE_KEYS = 4


@dataclass
class TableChange:
    """Rows of one table added, removed and changed, counted per source id, with their keys."""

    added: dict[str, list[str]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)
    changed: dict[str, list[str]] = field(default_factory=dict)

    def sources(self) -> list[str]:
        return sorted({*self.added, *self.removed, *self.changed})


def _rows_by_key(path: Path, key: Sequence[str]) -> dict[tuple[str, ...], dict[str, str]]:
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return {tuple(row.get(k, "") for k in key): row for row in csv.DictReader(fh)}


def compare_tables(old: Path, new: Path, key: Sequence[str]) -> TableChange:
    """What changed from the CSV file `old` to `new`, rows matched by the table's key columns.

    A row counts as changed when any cell's text differs; each row is attributed to its
    `source_id` (the new row's, or the old one's for a removed row).
    """
    before, after = _rows_by_key(old, key), _rows_by_key(new, key)
    change = TableChange()

    def record(bucket: dict[str, list[str]], row: dict[str, str], k: tuple[str, ...]) -> None:
        bucket.setdefault(row.get("source_id", ""), []).append(" / ".join(k))

    for k, row in after.items():
        if k not in before:
            record(change.added, row, k)
        elif row != before[k]:
            record(change.changed, row, k)
    for k, row in before.items():
        if k not in after:
            record(change.removed, row, k)
    return change


def _keys_note(label: str, keys: list[str]) -> str:
    shown = ", ".join(sorted(keys)[:_NOTE_KEYS])
    more = f" and {len(keys) - _NOTE_KEYS} more" if len(keys) > _NOTE_KEYS else ""
    return f"{label} {shown}{more}"


def changelog_rows(name: str, change: TableChange, releases: Mapping[str, tuple[str, str]],
                   run_date: str) -> list[dict[str, str]]:
    """The changelog rows recording one table's change, one per source id with changes.

    `releases` maps a source id to its release (version, date); a source not in it is dated
    `run_date` with release "unknown".
    """
    rows = []
    for sid in change.sources():
        added, removed = change.added.get(sid, []), change.removed.get(sid, [])
        changed = change.changed.get(sid, [])
        version, date = releases.get(sid, ("unknown", ""))
        parts = [_keys_note(label, keys) for label, keys in
                 (("added", added), ("changed", changed), ("removed", removed)) if keys]
        rows.append({
            "date": date or run_date, "file": f"data/{name}.csv", "release": version,
            "rows_added": str(len(added)), "rows_removed": str(len(removed)),
            "rows_changed": str(len(changed)),
            "note": "refresh: " + "; ".join(parts), "source_id": sid,
        })
    return rows


def append_changelog(old: Path, new: Path, rows: Sequence[Mapping[str, str]]) -> None:
    """Write `old`'s changelog with `rows` appended to `new` (the old bytes kept as they are)."""
    text = old.read_text("utf-8") if old.is_file() else ""
    if not text.strip():
        text = ",".join(COLUMNS) + "\n"
    elif not text.endswith("\n"):
        text += "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writerows(rows)
    new.write_text(text + out.getvalue(), encoding="utf-8")


def changelog_markdown() -> str:
    """A Markdown table of the changelog, newest first, each row with its source's title."""
    frame = load_table("changelog")
    sources = load_sources()
    frame = frame.assign(_order=range(len(frame)))
    frame = frame.sort_values(["date", "_order"], ascending=[False, True], kind="stable")
    rows = []
    for row in frame.itertuples(index=False):
        source = source_text(row.source_id) if row.source_id in sources else row.source_id
        release = f" ({escape_cell(row.release)})" if row.release else ""
        rows.append([
            row.date.strftime("%Y-%m-%d"), code_span(row.file), escape_cell(source) + release,
            f"{row.rows_added} added, {row.rows_removed} removed, {row.rows_changed} changed",
            escape_cell(row.note or ""),
        ])
    return markdown_table(HEADER, [11, 17, 30, 16, 26], rows)


def latest_date() -> str:
    """The newest date in the changelog (ISO): the version date of the book's data."""
    return load_table("changelog")["date"].max().strftime("%Y-%m-%d")
