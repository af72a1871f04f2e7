"""`make refresh`: fetch every upstream release, rebuild the curated tables, replace them at once.

For every source in `data/sources.yml` with a `release_url`, the release files are downloaded
(urllib, with a timeout), parsed, and converted by :mod:`inference_debate.upstream`. Every
resulting table, and the changelog with the rows this refresh appends, is written to a temporary
file in `data/` and checked against its schema. Only when everything has succeeded are the files
moved into place with `os.replace`; any failure (network, HTTP status, a truncated or malformed
release, a changed format) stops with a message naming the source and address and leaves `data/`
exactly as it was.

Where the releases are fetched from can be changed for testing or mirrors:
`--release-base URL` (or `$INFERENCE_DEBATE_RELEASE_BASE`) serves every file at
`URL/<folder>/<file>` (the layout of the upstream folder: `metr/`, `arcprize/`, `epoch/`), and
`--base-url-override SOURCE_ID=URL` (or `$INFERENCE_DEBATE_RELEASE_OVERRIDES`, entries separated
by `;`) fetches one source's files from the folder `URL`.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import hashlib
import http.client
import io
import json
import os
import re
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import yaml

from inference_debate import upstream
from inference_debate.data.errors import DataError
from inference_debate.data.schemas import TABLES
from inference_debate.data.sources import Source, load_sources
from inference_debate.data.tables import check_table

RELEASE_BASE_ENV = "INFERENCE_DEBATE_RELEASE_BASE"
OVERRIDES_ENV = "INFERENCE_DEBATE_RELEASE_OVERRIDES"
CHANGELOG = "changelog"
CHANGELOG_COLUMNS = ("date", "file", "release", "rows_added", "rows_removed", "rows_changed",
                     "note", "source_id")
DEFAULT_TIMEOUT = 30.0
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NOTE_KEYS = 4


class RefreshError(RuntimeError):
    """A release could not be fetched, read or converted; `data/` was left unchanged."""


# --- What each source's release holds ------------------------------------------------------

Docs = Sequence[Any]


def _check_metr_horizons(docs: Docs) -> None:
    horizons = upstream.metr_horizons(docs[0]).frame
    upstream.metr_doubling_times(docs[0])
    upstream.metr_models(list(horizons["model_id"]), {})


def _check_metr_costs(docs: Docs) -> None:
    costs = upstream.metr_costs(docs[0]).frame
    upstream.metr_models(list(costs["model_id"]), {})


def _check_release_dates(docs: Docs) -> None:
    if not isinstance(docs[0], Mapping) or not isinstance(docs[0].get("date"), Mapping):
        raise upstream.UpstreamError("METR release dates: required field 'date' is missing")


def _check_arc(docs: Docs) -> None:
    evaluations, models, datasets = docs
    for name, value in (("evaluations.json", evaluations), ("models.json", models),
                        ("datasets.json", datasets)):
        if not isinstance(value, list):
            raise upstream.UpstreamError(f"ARC Prize {name}: expected a list of records")
    frame = upstream.arc_agi(evaluations, models, datasets).frame
    upstream.arc_models(models, list(frame["model_id"]))


def _check_epoch(docs: Docs) -> None:
    upstream.epoch_price_trends(docs[0])
    upstream.epoch_cheapest_prices(docs[1])


def _metr_version(docs: Docs) -> str | None:
    return upstream.metr_release(docs[0])


def _stated_date(docs: Docs) -> str | None:
    """A release date the release states itself (a top-level `date` or `release_date`)."""
    doc = docs[0]
    if isinstance(doc, Mapping):
        for name in ("release_date", "date"):
            value = doc.get(name)
            if isinstance(value, dt.date):
                return value.isoformat()
            if isinstance(value, str) and _ISO_DATE.match(value.strip()):
                return value.strip()
    return None


@dataclass(frozen=True)
class ReleaseFormat:
    """A source's release: its files (as laid out in the upstream folder) and how to read them.

    `check` runs the source's converters on the parsed files and raises `UpstreamError` if the
    format has changed; `version` and `date` read the release's own version and date, if any.
    """

    files: tuple[str, ...]
    check: Callable[[Docs], None] | None = None
    version: Callable[[Docs], str | None] | None = None
    date: Callable[[Docs], str | None] | None = None


RELEASES: dict[str, ReleaseFormat] = {
    "metr-th-1-1": ReleaseFormat(("metr/benchmark_results_1_1.yaml",), _check_metr_horizons,
                                 _metr_version, _stated_date),
    "metr-th-1-0": ReleaseFormat(("metr/benchmark_results_1_0.yaml",), _check_metr_costs,
                                 _metr_version, _stated_date),
    "metr-release-dates": ReleaseFormat(("metr/release_dates.yaml",), _check_release_dates),
    "arcprize-leaderboard": ReleaseFormat(
        ("arcprize/evaluations.json", "arcprize/models.json", "arcprize/datasets.json"),
        _check_arc),
    "epoch-price-trends": ReleaseFormat(
        ("epoch/lowest_price_models_results.csv", "epoch/lowest_price_models_data.csv"),
        _check_epoch),
    "epoch-benchmark-runs": ReleaseFormat(("epoch/benchmarks_runs.csv",)),
}


# --- Fetching and parsing --------------------------------------------------------------------

@dataclass
class Release:
    """One source's downloaded release: each file's address, bytes and parsed content."""

    source_id: str
    urls: list[str]
    layout: list[str]
    raw: list[bytes] = field(default_factory=list)
    docs: list[Any] = field(default_factory=list)
    version: str = ""
    date: str | None = None

    @property
    def where(self) -> str:
        return f"source {self.source_id} ({', '.join(self.urls)})"


def _basename(url: str) -> str:
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


def release_addresses(source: Source, release_base: str | None = None,
                      override: str | None = None) -> list[tuple[str, str]]:
    """(layout path, address) of each file of a source's release.

    Files the format needs but `release_url` does not list are fetched from the same folder as
    the first listed address (ARC Prize's models.json beside evaluations.json).
    """
    fmt = RELEASES.get(source.id)
    layout = list(fmt.files) if fmt else [_basename(u) for u in source.release_urls]
    listed = {_basename(u): u for u in source.release_urls}
    unused = sorted(set(listed) - {Path(p).name for p in layout})
    if unused:
        raise RefreshError(f"source {source.id}: release file(s) {', '.join(unused)} are not "
                           "read by any converter; add them to RELEASES in refresh.py")
    pairs = []
    for path in layout:
        name = Path(path).name
        if override:
            single = len(layout) == 1 and not override.endswith("/")
            url = override if single else urljoin(override.rstrip("/") + "/", name)
        elif release_base:
            url = release_base.rstrip("/") + "/" + path
        else:
            url = listed.get(name) or urljoin(source.release_urls[0], name)
        pairs.append((path, url))
    return pairs


def fetch(url: str, where: str, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """The bytes at `url`; raises RefreshError naming `where` on any failure or short read."""
    scheme = urlsplit(url).scheme
    if scheme not in ("http", "https", "file"):
        raise RefreshError(f"{where}: not an http(s) or file address")
    request = urllib.request.Request(url, headers={"User-Agent": "inference-debate-refresh"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            length = response.headers.get("Content-Length")
    except urllib.error.HTTPError as err:
        raise RefreshError(f"{where}: HTTP error {err.code} {err.reason}") from None
    except urllib.error.URLError as err:
        raise RefreshError(f"{where}: could not connect ({err.reason})") from None
    except TimeoutError:
        raise RefreshError(f"{where}: no answer within {timeout:g} s") from None
    except http.client.IncompleteRead as err:
        raise RefreshError(f"{where}: download truncated after "
                           f"{len(err.partial)} bytes") from None
    except (OSError, http.client.HTTPException) as err:
        raise RefreshError(f"{where}: download failed ({err})") from None
    if length is not None and length.isdigit() and int(length) != len(body):
        raise RefreshError(f"{where}: download truncated ({len(body)} of {length} bytes)")
    if not body.strip():
        raise RefreshError(f"{where}: the release is empty")
    return body


def parse(name: str, body: bytes, where: str) -> Any:
    """A release file's content: YAML and JSON parsed, CSV checked row by row and kept as text."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise RefreshError(f"{where}: {name} is not UTF-8 text (byte {err.start})") from None
    suffix = Path(name).suffix.lower()
    try:
        if suffix in (".yaml", ".yml"):
            doc = yaml.safe_load(text)
            if not isinstance(doc, Mapping | list):
                raise RefreshError(f"{where}: {name} holds no YAML mapping (truncated?)")
            return doc
        if suffix == ".json":
            return json.loads(text)
    except (yaml.YAMLError, json.JSONDecodeError) as err:
        detail = str(err).replace("\n", " ")
        raise RefreshError(f"{where}: {name} is malformed or truncated: {detail}") from None
    if suffix == ".csv":
        _check_csv(text, name, where)
    return text


def _check_csv(text: str, name: str, where: str) -> None:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if not header:
            raise RefreshError(f"{where}: {name} has no header row")
        for row in reader:
            if row and len(row) != len(header):
                raise RefreshError(
                    f"{where}: {name} line {reader.line_num} has {len(row)} fields, the header "
                    f"{len(header)} (truncated or malformed)")
    except csv.Error as err:
        raise RefreshError(f"{where}: {name} is malformed CSV ({err})") from None


def content_id(raw: Sequence[bytes]) -> str:
    """A release identifier from its bytes, for releases that state no version: "sha256:…"."""
    digest = hashlib.sha256()
    for body in raw:
        digest.update(hashlib.sha256(body).digest())
    return "sha256:" + digest.hexdigest()[:8]


# --- Comparing tables ------------------------------------------------------------------------

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


def changelog_rows(name: str, change: TableChange, releases: Mapping[str, Release],
                   sources: Mapping[str, Source], run_date: str) -> list[dict[str, str]]:
    """The changelog rows recording one table's change, one per source id with changes."""
    rows = []
    for sid in change.sources():
        added, removed = change.added.get(sid, []), change.removed.get(sid, [])
        changed = change.changed.get(sid, [])
        release = releases.get(sid)
        parts = [_keys_note(label, keys) for label, keys in
                 (("added", added), ("changed", changed), ("removed", removed)) if keys]
        rows.append({
            "date": (release.date if release and release.date else run_date),
            "file": f"data/{name}.csv",
            "release": release.version if release else (sources[sid].date if sid in sources
                                                        else "unknown"),
            "rows_added": str(len(added)), "rows_removed": str(len(removed)),
            "rows_changed": str(len(changed)),
            "note": "refresh: " + "; ".join(parts), "source_id": sid,
        })
    return rows


def append_changelog(old: Path, new: Path, rows: Sequence[Mapping[str, str]]) -> None:
    """Write `old`'s changelog with `rows` appended to `new` (the old bytes kept as they are)."""
    text = old.read_text("utf-8") if old.is_file() else ""
    if not text.strip():
        text = ",".join(CHANGELOG_COLUMNS) + "\n"
    elif not text.endswith("\n"):
        text += "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CHANGELOG_COLUMNS, lineterminator="\n")
    writer.writerows(rows)
    new.write_text(text + out.getvalue(), encoding="utf-8")


# --- The refresh ---------------------------------------------------------------------------

@dataclass
class RefreshReport:
    """What a refresh did: the releases read, notes, changelog rows and files replaced."""

    releases: dict[str, Release] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    changelog: list[dict[str, str]] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)


@contextlib.contextmanager
def _project_env(project: Path) -> Iterator[None]:
    previous = os.environ.get("QUARTO_PROJECT_DIR")
    os.environ["QUARTO_PROJECT_DIR"] = str(project.resolve())
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("QUARTO_PROJECT_DIR", None)
        else:
            os.environ["QUARTO_PROJECT_DIR"] = previous


def refresh(project: Path, run_date: str | None = None,
            overrides: Mapping[str, str] | None = None, release_base: str | None = None,
            timeout: float = DEFAULT_TIMEOUT, log: Callable[[str], None] = print
            ) -> RefreshReport:
    """Fetch every release, rebuild and check the tables, then replace them in `data/`.

    `run_date` (ISO) dates the changelog rows of releases that state no date of their own; it
    defaults to today. Raises RefreshError (data/ untouched) on any failure.
    """
    run_date = run_date or dt.date.today().isoformat()
    if not _ISO_DATE.match(run_date):
        raise RefreshError(f"--date {run_date!r} is not an ISO date (YYYY-MM-DD)")
    overrides = dict(overrides or {})
    project = Path(project)
    data_dir = project / "data"
    report = RefreshReport()
    with _project_env(project):
        try:
            sources = load_sources()
        except DataError as err:
            raise RefreshError(f"data/sources.yml does not validate:\n{err}") from None
        unknown = sorted(set(overrides) - set(sources))
        if unknown:
            raise RefreshError(f"--base-url-override names unknown source(s): {', '.join(unknown)}")
        with tempfile.TemporaryDirectory(prefix="refresh-") as tmp:
            folder = Path(tmp)
            for source in sources.values():
                if not source.release_urls:
                    continue
                addresses = release_addresses(source, release_base, overrides.get(source.id))
                log(f"fetching {source.id}: {', '.join(u for _, u in addresses)}")
                release = read_release(source, addresses, timeout)
                report.releases[source.id] = release
                for path, body in zip(release.layout, release.raw, strict=True):
                    (folder / path).parent.mkdir(parents=True, exist_ok=True)
                    (folder / path).write_bytes(body)
            try:
                tables, notes = upstream.build_tables(folder)
            except upstream.UpstreamError as err:
                raise RefreshError(f"converting the releases: the format has changed: {err}"
                                   ) from None
            except (OSError, KeyError, TypeError, ValueError) as err:
                raise RefreshError(f"converting the releases failed ({err})") from None
        report.notes = notes
        for note in notes:
            log(f"note: {note}")
        _replace_tables(data_dir, tables, report, sources, run_date)
    return report


def read_release(source: Source, addresses: Sequence[tuple[str, str]],
                 timeout: float = DEFAULT_TIMEOUT) -> Release:
    """Fetch, parse and check one source's release; raises RefreshError naming the source."""
    release = Release(source.id, [u for _, u in addresses], [p for p, _ in addresses])
    for path, url in addresses:
        where = f"source {source.id} ({url})"
        body = fetch(url, where, timeout)
        release.raw.append(body)
        release.docs.append(parse(Path(path).name, body, where))
    fmt = RELEASES.get(source.id)
    try:
        if fmt and fmt.check:
            fmt.check(release.docs)
        version = fmt.version(release.docs) if fmt and fmt.version else None
        release.date = fmt.date(release.docs) if fmt and fmt.date else None
    except upstream.UpstreamError as err:
        raise RefreshError(f"{release.where}: the release format has changed, or the release "
                           f"is incomplete{_cut_hint(release)}: {err}") from None
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as err:
        raise RefreshError(f"{release.where}: the release is malformed{_cut_hint(release)} "
                           f"({type(err).__name__}: {err})") from None
    release.version = version or content_id(release.raw)
    return release


def _cut_hint(release: Release) -> str:
    """A hint when a line-based release file does not end with a line break."""
    cut = [Path(path).name for path, body in zip(release.layout, release.raw, strict=True)
           if Path(path).suffix.lower() in (".yaml", ".yml", ".csv") and not body.endswith(b"\n")]
    return f" ({', '.join(cut)} ends mid-line: truncated?)" if cut else ""


def _origin(frame_path: Path, releases: Mapping[str, Release]) -> str:
    """The releases a table's rows come from, as "source id (addresses)" for messages."""
    with open(frame_path, encoding="utf-8", newline="") as fh:
        ids = sorted({row.get("source_id", "") for row in csv.DictReader(fh)})
    named = [releases[sid].where for sid in ids if sid in releases]
    return "from " + "; ".join(named) if named else ""


def _replace_tables(data_dir: Path, tables: Mapping[str, Any], report: RefreshReport,
                    sources: Mapping[str, Source], run_date: str) -> None:
    """Write every table and the changelog to temporary files, check all, then move them in."""
    temps: dict[str, Path] = {}
    try:
        problems = []
        for name in sorted(tables):
            if name not in TABLES:
                raise RefreshError(f"the converters built a table {name!r} with no schema")
            temp = data_dir / f".{name}.csv.refresh-{os.getpid()}"
            temps[name] = temp
            upstream.write_table(tables[name], temp)
            try:
                check_table(temp, TABLES[name], sources.keys(), shown=f"data/{name}.csv")
            except DataError as err:
                problems.append(f"{err}\n  ({_origin(temp, report.releases)})")
            change = compare_tables(data_dir / f"{name}.csv", temp, TABLES[name].key)
            report.changelog += changelog_rows(name, change, report.releases, sources, run_date)
        if problems:
            raise RefreshError("the refreshed tables do not validate:\n" + "\n".join(problems))
        if report.changelog:
            temp = data_dir / f".{CHANGELOG}.csv.refresh-{os.getpid()}"
            temps[CHANGELOG] = temp
            append_changelog(data_dir / f"{CHANGELOG}.csv", temp, report.changelog)
            try:
                check_table(temp, TABLES[CHANGELOG], sources.keys(),
                            shown=f"data/{CHANGELOG}.csv")
            except DataError as err:
                raise RefreshError(f"the changelog would not validate:\n{err}") from None
        for name, temp in temps.items():
            final = data_dir / f"{name}.csv"
            if final.is_file() and final.read_bytes() == temp.read_bytes():
                continue
            os.replace(temp, final)
            report.replaced.append(f"data/{name}.csv")
    finally:
        for temp in temps.values():
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()


def parse_overrides(values: Sequence[str]) -> dict[str, str]:
    """`SOURCE_ID=URL` strings (and `;`-separated lists of them) as a mapping."""
    overrides: dict[str, str] = {}
    for value in values:
        for item in filter(None, (part.strip() for part in value.split(";"))):
            sid, sep, url = item.partition("=")
            if not sep or not sid.strip() or not url.strip():
                raise RefreshError(f"--base-url-override {item!r}: expected SOURCE_ID=URL")
            overrides[sid.strip()] = url.strip()
    return overrides


def main(argv: Sequence[str] | None = None) -> int:
    """Command line of `make refresh`; exit status 0 on success, 1 when data/ was left as it was."""
    parser = argparse.ArgumentParser(prog="python -m inference_debate.refresh",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", default=None,
                        help="the book's directory (default: $QUARTO_PROJECT_DIR or the "
                             "nearest folder above holding _quarto.yml)")
    parser.add_argument("--date", default=None,
                        help="date of the changelog rows for releases that state none "
                             "(YYYY-MM-DD; default today)")
    parser.add_argument("--base-url-override", action="append", default=[],
                        metavar="SOURCE_ID=URL", help="fetch one source's files from URL")
    parser.add_argument("--release-base", default=os.environ.get(RELEASE_BASE_ENV),
                        help=f"fetch every file from URL/<folder>/<file> (${RELEASE_BASE_ENV})")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help="seconds to wait for each download")
    args = parser.parse_args(argv)
    try:
        if args.project:
            project = Path(args.project)
        else:
            from inference_debate.data.paths import project_root

            project = project_root()
        overrides = parse_overrides([os.environ.get(OVERRIDES_ENV, ""),
                                     *args.base_url_override])
        report = refresh(project, args.date, overrides, args.release_base, args.timeout)
    except (RefreshError, FileNotFoundError) as err:
        print(f"refresh failed: {err}", file=sys.stderr)
        print("data/ is unchanged.", file=sys.stderr)
        return 1
    if not report.changelog:
        print("refresh: every table is as the releases have it; nothing changed.")
    for row in report.changelog:
        print(f"{row['file']}: +{row['rows_added']} -{row['rows_removed']} "
              f"~{row['rows_changed']} ({row['source_id']} {row['release']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
