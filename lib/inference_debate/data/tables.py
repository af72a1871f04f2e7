"""Reading `data/*.csv`: raw text to checked, typed DataFrames, with every problem named.

A table is read in three passes, each reporting in the same form (file, line, column, value,
expectation): the raw bytes (empty file, text that is not UTF-8), the CSV rows (a row with more or
fewer fields than the header, missing or unknown columns), then each cell's type (number, date,
true/false) and finally the table's pandera schema (ranges, allowed values, unique keys, known
source ids). Nothing is cached: every call reads the file again.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import re
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from inference_debate.data.errors import DataError, Problem
from inference_debate.data.paths import display_path, sources_path, table_path
from inference_debate.data.schemas import KIND_EXPECTATION, TABLES, Col, TableSpec, pandera_schema
from inference_debate.data.sources import load_sources

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"true"}
_FALSE = {"false"}


@dataclass
class RawTable:
    """A CSV file's header and well-formed rows as text, with the file line of each row."""

    file: str
    header: list[str]
    header_line: int
    rows: list[list[str]]
    lines: list[int]


def table_spec(name: str) -> TableSpec:
    """The spec of table `name`; raises KeyError naming the known tables."""
    if name not in TABLES:
        raise KeyError(f"unknown table {name!r}; the tables are: {', '.join(sorted(TABLES))}")
    return TABLES[name]


def table_names() -> list[str]:
    """The names of all tables, sorted."""
    return sorted(TABLES)


def table_hash(name: str) -> str:
    """The first 8 hex characters of the sha256 of the table's file bytes."""
    return hashlib.sha256(table_path(name).read_bytes()).hexdigest()[:8]


def _decode(raw: bytes, shown: str) -> tuple[str, list[Problem]]:
    """The file's text, and a problem for every line that is not valid UTF-8."""
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    problems = []
    header = raw.split(b"\n", 1)[0].decode("utf-8", errors="replace").strip().split(",")
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as err:
            field = line[: err.start].count(b",")
            column = header[field] if field < len(header) else f"(field {field + 1})"
            bad = line[err.start : err.end]
            problems.append(Problem(shown, number, column, f"(bytes {bad.hex(' ')})",
                                    "UTF-8 text"))
    return raw.decode("utf-8-sig", errors="replace"), problems


def read_raw(path, shown: str | None = None) -> tuple[RawTable | None, list[Problem]]:
    """Read a CSV file as text rows; well-formed rows come back, the others as problems."""
    shown = shown or display_path(path)
    raw = path.read_bytes()
    if not raw.strip():
        return None, [Problem(shown, 1, "(header)", "(empty file)", "a header row naming the "
                              "columns, then one row per observation")]
    text, problems = _decode(raw, shown)
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    header_line = 1
    rows: list[list[str]] = []
    lines: list[int] = []
    previous_end = 0
    try:
        for row in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not row or all(not cell.strip() for cell in row) and len(row) <= 1:
                continue
            if header is None:
                header = [cell.strip() for cell in row]
                header_line = start
                continue
            if len(row) > len(header):
                extra = row[len(header):]
                problems.append(Problem(
                    shown, start, f"(field {len(header) + 1}, after {header[-1]})",
                    ",".join(extra),
                    f"{len(header)} fields as in the header, found {len(row)}"))
                continue
            if len(row) < len(header):
                problems.append(Problem(
                    shown, start, header[len(row)], "(missing)",
                    f"{len(header)} fields as in the header, found {len(row)}"))
                continue
            rows.append(row)
            lines.append(start)
    except csv.Error as err:
        problems.append(Problem(shown, reader.line_num, "(row)", "(unreadable)",
                                f"well-formed CSV ({err})"))
    if header is None:
        return None, problems + [Problem(shown, 1, "(header)", "(no header)",
                                         "a header row naming the columns")]
    return RawTable(shown, header, header_line, rows, lines), problems


def _convert(cell: str, col: Col):
    """A cell's value in its column's type; raises ValueError if it is not one."""
    text = cell.strip()
    if col.kind == "text":
        return text
    if col.kind == "number":
        value = float(text)
        if math.isnan(value) or math.isinf(value):
            raise ValueError(text)
        return value
    if col.kind == "integer":
        return int(text)
    if col.kind == "boolean":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ValueError(text)
    if col.kind == "date":
        if not _ISO_DATE.match(text):
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    raise ValueError(f"unknown column kind {col.kind}")


_SERIES_DTYPE = {"number": "float64", "integer": "Int64", "boolean": "boolean"}


def _typed_frame(raw: RawTable, spec: TableSpec) -> tuple[pd.DataFrame, set, list[Problem]]:
    """The table with each column in its type; bad cells become missing and are reported."""
    problems: list[Problem] = []
    bad_cells: set[tuple[int, str]] = set()
    data: dict[str, pd.Series] = {}
    positions = {name: i for i, name in enumerate(raw.header)}
    for col in spec.columns:
        if col.name not in positions:
            continue
        values = []
        for index, row in enumerate(raw.rows):
            cell = row[positions[col.name]]
            if not cell.strip():
                if not col.nullable:
                    problems.append(Problem(raw.file, raw.lines[index], col.name, "(empty)",
                                            f"{KIND_EXPECTATION[col.kind]} (this column "
                                            "may not be empty)"))
                    bad_cells.add((index, col.name))
                values.append("" if col.kind == "text" else None)
                continue
            try:
                values.append(_convert(cell, col))
            except ValueError:
                problems.append(Problem(raw.file, raw.lines[index], col.name, cell,
                                        KIND_EXPECTATION[col.kind]))
                bad_cells.add((index, col.name))
                values.append(None)
        if col.kind == "date":
            series = pd.Series(pd.to_datetime(pd.Series(values, dtype="object")))
        elif col.kind == "text":
            series = pd.Series(values, dtype="str")
        else:
            series = pd.Series(values, dtype=_SERIES_DTYPE[col.kind])
        data[col.name] = series
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(raw.rows)))
    return frame, bad_cells, problems


def _schema_problems(err: pa.errors.SchemaErrors, raw: RawTable, bad_cells: set
                     ) -> list[Problem]:
    """Each pandera failure case as a problem on its file line (row index + header offset)."""
    problems: list[Problem] = []
    positions = {name: i for i, name in enumerate(raw.header)}
    cases = err.failure_cases
    key_dups: dict[int, list[str]] = {}
    for case in cases.itertuples(index=False):
        column = case.column
        index = case.index
        if index is None or (isinstance(index, float) and math.isnan(index)):
            problems.append(Problem(raw.file, raw.header_line, str(column),
                                    str(case.failure_case), str(case.check)))
            continue
        index = int(index)
        if (index, column) in bad_cells:
            continue
        line = raw.lines[index]
        cell = raw.rows[index][positions[column]] if column in positions else case.failure_case
        if case.check == "multiple_fields_uniqueness":
            key_dups.setdefault(index, []).append(str(column))
            continue
        if case.check == "field_uniqueness":
            problems.append(Problem(raw.file, line, str(column), cell,
                                    f"a unique {column} (the key of this table)"))
            continue
        problems.append(Problem(raw.file, line, str(column), cell, str(case.check)))
    for index, columns in key_dups.items():
        values = ", ".join(raw.rows[index][positions[c]] for c in columns)
        problems.append(Problem(raw.file, raw.lines[index], " + ".join(columns), f"({values})",
                                f"a unique ({', '.join(columns)}) key: each combination once"))
    return problems


def check_table(path, spec: TableSpec, known_sources, shown: str | None = None) -> pd.DataFrame:
    """Read and check a CSV file against `spec`; raises DataError listing every problem."""
    raw, problems = read_raw(path, shown)
    if raw is None:
        raise DataError(problems)
    seen: set[str] = set()
    for name in raw.header:
        if name in seen:
            problems.append(Problem(raw.file, raw.header_line, name, name,
                                    "each column named once"))
        seen.add(name)
    for name in spec.column_names:
        if name not in raw.header:
            problems.append(Problem(raw.file, raw.header_line, name, "(missing)",
                                    f"a column named {name}"))
    for name in raw.header:
        if name not in spec.column_names:
            problems.append(Problem(raw.file, raw.header_line, name, name,
                                    "only the columns " + ", ".join(spec.column_names)))
    frame, bad_cells, cell_problems = _typed_frame(raw, spec)
    problems += cell_problems
    schema = pandera_schema(spec, frame.columns, known_sources)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        problems += _schema_problems(err, raw, bad_cells)
    if problems:
        raise DataError(problems)
    return frame[[c for c in spec.column_names if c in frame.columns]]


_CHECKED: dict[tuple[str, str, str], pd.DataFrame] = {}


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_table(name: str) -> pd.DataFrame:
    """Read `data/<name>.csv`, check it against its schema and return it with typed columns.

    Dates come back as datetime64, true/false as booleans, numbers as floats. Raises
    `DataError` listing every problem (file, line, column, value, expectation). Every call
    reads the file (so whoever records a page's inputs sees it); the check itself is done once
    per distinct content of the table and of `sources.yml`.
    """
    spec = table_spec(name)
    path = table_path(name)
    if not path.is_file():
        raise FileNotFoundError(f"no table {display_path(path)}")
    key = (name, _digest(path), _digest(sources_path()))
    frame = _CHECKED.get(key)
    if frame is None:
        frame = check_table(path, spec, load_sources().keys())
        _CHECKED[key] = frame
    return frame.copy()


def _lookup(table: str, key_column: str, key: str) -> float:
    frame = load_table(table)
    match = frame.loc[frame[key_column] == key, "value"]
    if match.empty:
        raise KeyError(f"no row with {key_column} {key!r} in data/{table}.csv")
    return float(match.iloc[0])


def stated(figure_id: str) -> float:
    """The value of a figure a source states (a row of `stated_figures.csv`)."""
    return _lookup("stated_figures", "figure_id", figure_id)


def assumption(name: str) -> float:
    """The value of one of the book's own assumptions (a row of `assumptions.csv`)."""
    return _lookup("assumptions", "name", name)


def latest_release(name: str) -> str:
    """The newest value of a table's `release` column, compared as numbers ("1.10" > "1.9")."""
    releases = load_table(name)["release"].astype(str).unique()
    if len(releases) == 0:
        raise KeyError(f"data/{name}.csv holds no release")
    return max(releases, key=lambda r: tuple(int(p) for p in r.split(".")))
