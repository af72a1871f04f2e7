"""Reading the fields of upstream records: required ones named when missing, the rest optional.

A source module declares, per record type, the fields the book needs (`required`) and the other
fields it knows (`optional`). :func:`get` and :func:`number` read a required field and raise
`UpstreamError` naming the entry and the field; :func:`maybe_number` reads an optional one (absent
is None); :func:`new_fields` notes fields a release carries that no declaration names.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


class UpstreamError(ValueError):
    """A release lacks a field the book needs, or has one in an unreadable form."""


@dataclass(frozen=True)
class Fields:
    """The fields of one kind of record: those the book's tables need and those merely known.

    Paths are dotted (`metrics.p50_horizon_length.estimate`); CSV columns are plain names.
    """

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def known(self) -> tuple[str, ...]:
        return self.required + self.optional


def get(record: Mapping[str, Any], path: str, where: str) -> Any:
    """`record[a][b]...` for path "a.b...", or UpstreamError naming `where` and the field."""
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value or value[part] is None:
            raise UpstreamError(f"{where}: required field {path!r} is missing")
        value = value[part]
    return value


def optional(record: Mapping[str, Any], path: str) -> Any:
    """`record[a][b]...` for path "a.b...", or None when any part is absent."""
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, Mapping) or value.get(part) is None:
            return None
        value = value[part]
    return value


def _as_number(value: Any, path: str, where: str) -> float:
    if isinstance(value, bool):
        raise UpstreamError(f"{where}: field {path!r} is {value!r}, not a number")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise UpstreamError(f"{where}: field {path!r} is {value!r}, not a number") from None


def number(record: Mapping[str, Any], path: str, where: str) -> float:
    """A required numeric field."""
    return _as_number(get(record, path, where), path, where)


def maybe_number(record: Mapping[str, Any], path: str, where: str) -> float | None:
    """An optional numeric field: None when absent, an error when present but not a number."""
    value = optional(record, path)
    return None if value is None or value == "" else _as_number(value, path, where)


def boolean(record: Mapping[str, Any], path: str, where: str) -> bool:
    """A required true/false field."""
    value = get(record, path, where)
    if not isinstance(value, bool):
        raise UpstreamError(f"{where}: field {path!r} is {value!r}, not true or false")
    return value


def new_fields(records: Iterable[Mapping[str, Any]], fields: Fields, what: str) -> list[str]:
    """One note per field some record carries that `fields` does not declare, with a count."""
    known = set(fields.known)
    counts: Counter[str] = Counter()
    total = 0

    def walk(record: Mapping[str, Any], prefix: str) -> None:
        for key, value in record.items():
            path = f"{prefix}{key}"
            if path in known:
                continue
            if isinstance(value, Mapping) and any(k.startswith(path + ".") for k in known):
                walk(value, path + ".")
            else:
                counts[path] += 1

    for record in records:
        total += 1
        if isinstance(record, Mapping):
            walk(record, "")
    return [f"{what}: new field {path!r} in {n} of {total} entries (not used)"
            for path, n in sorted(counts.items())]


def csv_records(text: str, fields: Fields, what: str) -> tuple[list[dict[str, str]], list[str]]:
    """The rows of a CSV release; raises naming a missing required column, notes new ones."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = list(reader.fieldnames or [])
    missing = [name for name in fields.required if name not in columns]
    if missing:
        raise UpstreamError(f"{what}: required column(s) {', '.join(map(repr, missing))} missing")
    notes = [f"{what}: new column {name!r} (not used)" for name in columns
             if name not in fields.known]
    return list(reader), notes


def csv_cell(record: Mapping[str, str], column: str, line: int, what: str) -> str:
    """A required CSV cell; an empty one is an error naming the line and column."""
    value = (record.get(column) or "").strip()
    if not value:
        raise UpstreamError(f"{what} line {line}: required column {column!r} is empty")
    return value


def csv_number(record: Mapping[str, str], column: str, line: int, what: str) -> float:
    """A required numeric CSV cell."""
    value = csv_cell(record, column, line, what)
    try:
        return float(value)
    except ValueError:
        raise UpstreamError(f"{what} line {line}: column {column!r} is {value!r}, "
                            "not a number") from None
