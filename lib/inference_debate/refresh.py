"""`make refresh`: fetch every upstream release, rebuild the curated tables, replace them at once.

Every source in `data/sources.yml` with a `release_url` names its `release_kind`, one of the
kinds the source modules of :mod:`inference_debate.upstream` declare. Its release files are
downloaded (each within `--timeout` seconds in all and 50 MB), parsed and converted. A versioned
kind (METR's results) also looks for the releases that follow the newest one it knows, where the
source publishes them, and takes the newest it finds, adding its entry to `data/sources.yml`.
Every resulting table, the changelog with the rows this refresh appends and `sources.yml` are
written to temporary files in `data/` and checked against their schemas; only when everything has
succeeded are they moved into place with `os.replace`. Any failure stops with a message naming
the source and address and leaves `data/` exactly as it was.

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
import fnmatch
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pandas as pd
import yaml

from inference_debate import upstream
from inference_debate.changelog import (
    COLUMNS as CHANGELOG_COLUMNS,
)
from inference_debate.changelog import (
    append_changelog,
    changelog_rows,
    compare_tables,
)
from inference_debate.data.errors import DataError
from inference_debate.data.schemas import TABLES
from inference_debate.data.sources import Source, load_sources, parse_sources
from inference_debate.data.tables import check_table
from inference_debate.upstream.fetch import (
    DEFAULT_TIMEOUT,
    MAX_RELEASE_BYTES,
    RefreshError,
    content_id,
    fetch,
    parse,
)
from inference_debate.upstream.kinds import Converted, ReleaseKind

__all__ = ["CHANGELOG_COLUMNS", "DEFAULT_TIMEOUT", "MAX_RELEASE_BYTES", "RefreshError",
           "RefreshReport", "Release", "main", "parse_overrides", "refresh"]

RELEASE_BASE_ENV = "INFERENCE_DEBATE_RELEASE_BASE"
OVERRIDES_ENV = "INFERENCE_DEBATE_RELEASE_OVERRIDES"
CHANGELOG = "changelog"
SOURCES_FILE = "sources.yml"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: How many successive newer releases one refresh follows at most.
_MAX_NEWER = 20


@dataclass
class Release:
    """One source's downloaded release: each file's address, bytes and parsed content."""

    source_id: str
    kind: ReleaseKind
    urls: list[str]
    layout: list[str]
    raw: list[bytes] = field(default_factory=list)
    docs: list[Any] = field(default_factory=list)
    version: str = ""
    date: str | None = None
    converted: Converted = field(default_factory=Converted)

    @property
    def where(self) -> str:
        return f"source {self.source_id} ({', '.join(self.urls)})"


@dataclass
class RefreshReport:
    """What a refresh did: the releases read, notes, changelog rows, new sources, files replaced."""

    releases: dict[str, Release] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    changelog: list[dict[str, str]] = field(default_factory=list)
    new_sources: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)


# --- Where each file of a release is fetched from --------------------------------------------

def _basename(url: str) -> str:
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


def _kind_of(source: Source) -> ReleaseKind:
    if not source.release_kind:
        raise RefreshError(f"source {source.id}: has a release_url but no release_kind in "
                           f"data/sources.yml (one of {', '.join(sorted(upstream.KINDS))})")
    kind = upstream.KINDS.get(source.release_kind)
    if kind is None:
        raise RefreshError(f"source {source.id}: release_kind {source.release_kind!r} is not "
                           f"one of {', '.join(sorted(upstream.KINDS))}")
    return kind


def _file_names(source: Source, kind: ReleaseKind) -> list[str]:
    """The names of the release's files: the kind's, a `*` filled in from `release_url`."""
    listed = [_basename(u) for u in source.release_urls]
    unused = [n for n in listed if not any(fnmatch.fnmatchcase(n, p) for p in kind.files)]
    if unused:
        raise RefreshError(f"source {source.id}: release file(s) {', '.join(unused)} are not "
                           f"files of a {kind.name} release ({', '.join(kind.files)})")
    names = []
    for pattern in kind.files:
        if "*" not in pattern:
            names.append(pattern)
            continue
        matching = [n for n in listed if fnmatch.fnmatchcase(n, pattern)]
        if len(matching) != 1:
            raise RefreshError(f"source {source.id}: release_url must name one file like "
                               f"{pattern}")
        names.append(matching[0])
    return names


def _address(name: str, source: Source, kind: ReleaseKind, release_base: str | None,
             override: str | None, single: bool = False) -> str:
    if override:
        if single and not override.endswith("/"):
            return override
        return urljoin(override.rstrip("/") + "/", name)
    if release_base:
        return f"{release_base.rstrip('/')}/{kind.folder}/{name}"
    listed = {_basename(u): u for u in source.release_urls}
    return listed.get(name) or urljoin(source.release_urls[0], name)


def release_addresses(source: Source, release_base: str | None = None,
                      override: str | None = None) -> list[tuple[str, str]]:
    """(layout path, address) of each file of a source's release.

    Files the kind needs but `release_url` does not list are fetched from the same folder as
    the first listed address (ARC Prize's models.json beside evaluations.json).
    """
    kind = _kind_of(source)
    names = _file_names(source, kind)
    return [(f"{kind.folder}/{name}",
             _address(name, source, kind, release_base, override, single=len(names) == 1))
            for name in names]


# --- Reading one release ---------------------------------------------------------------------

def _cut_hint(release: Release) -> str:
    """A hint when a line-based release file does not end with a line break."""
    cut = [Path(path).name for path, body in zip(release.layout, release.raw, strict=True)
           if Path(path).suffix.lower() in (".yaml", ".yml", ".csv") and not body.endswith(b"\n")]
    return f" ({', '.join(cut)} ends mid-line: truncated?)" if cut else ""


def _convert(release: Release) -> None:
    kind = release.kind
    try:
        release.converted = upstream.convert(kind, release.docs, release.source_id)
        version = kind.version(release.docs)
        release.date = kind.date(release.docs)
    except upstream.UpstreamError as err:
        raise RefreshError(f"{release.where}: a field the book needs is missing or unreadable"
                           f"{_cut_hint(release)}: {err}") from None
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as err:
        raise RefreshError(f"{release.where}: the release is malformed{_cut_hint(release)} "
                           f"({type(err).__name__}: {err})") from None
    except RecursionError:
        raise RefreshError(f"{release.where}: the release is nested too deeply to read") from None
    release.version = version or content_id(release.raw)


def read_release(source_id: str, kind: ReleaseKind, addresses: Sequence[tuple[str, str]],
                 timeout: float = DEFAULT_TIMEOUT, max_bytes: int = MAX_RELEASE_BYTES
                 ) -> Release:
    """Fetch, parse and convert one source's release; raises RefreshError naming the source."""
    release = Release(source_id, kind, [u for _, u in addresses], [p for p, _ in addresses])
    for path, url in addresses:
        body = fetch(url, f"source {source_id} ({url})", timeout, max_bytes)
        assert body is not None
        release.raw.append(body)
        where = f"source {source_id} ({url})"
        try:
            release.docs.append(parse(Path(path).name, body, where))
        except RecursionError:
            raise RefreshError(f"{where}: {Path(path).name} is nested too deeply to read") from None
    _convert(release)
    return release


def _file_version(source: Source, kind: ReleaseKind) -> tuple[int, ...]:
    """The highest version the names of a source's release files give (versioned kinds)."""
    assert kind.newer is not None
    found = [kind.newer.file_version(_basename(u)) for u in source.release_urls]
    return max((tuple(int(p) for p in v.split(".")) for v in found if v), default=())


def _current(sources: Mapping[str, Source]) -> list[Source]:
    """The sources to fetch: for a versioned kind, only the entry of its newest release."""
    chosen: dict[str, Source] = {}
    for source in sources.values():
        if not source.release_urls:
            continue
        kind = _kind_of(source)
        key = kind.name if kind.newer else source.id
        if key in chosen and _file_version(source, kind) <= _file_version(chosen[key], kind):
            continue
        chosen[key] = source
    return list(chosen.values())


def _newer_releases(release: Release, source: Source, timeout: float, max_bytes: int,
                    run_date: str, log: Callable[[str], None]
                    ) -> tuple[Release, list[dict[str, str]]]:
    """The newest release published after `release`, with the sources.yml entries it needs.

    The next releases are looked for beside the file just read (on the mirror, if one is used);
    a new entry cites the address beside the source's own `release_url`.
    """
    kind = release.kind
    assert kind.newer is not None
    entries: list[dict[str, str]] = []
    for _ in range(_MAX_NEWER):
        found = None
        for name in kind.newer.candidates(release.version):
            url = urljoin(release.urls[0], name)
            where = f"source {source.id} (newer release {url})"
            body = fetch(url, where, timeout, max_bytes, missing_ok=True)
            if body is None:
                continue
            version = kind.newer.file_version(name) or ""
            sid, title = kind.newer.source(version)
            log(f"found a newer release of {source.id}: {url} (cited as {sid})")
            found = Release(sid, kind, [url], [f"{kind.folder}/{name}"], [body],
                            [parse(name, body, where)])
            _convert(found)
            if found.version != version:
                raise RefreshError(f"{found.where}: the file name says release {version}, "
                                   f"the file itself {found.version}")
            canonical = urljoin(source.release_urls[0], name)
            entry = {
                "author": source.author, "title": title,
                "date": found.date or run_date, "url": canonical, "release_url": canonical,
                "release_kind": kind.name, "licence": source.licence,
                "taken": source.taken.replace(release.version, version), "kind": source.kind,
            }
            entries.append({"id": sid, **entry})
            source = Source(id=sid, release_urls=(canonical,), release_kind=kind.name,
                            **{k: v for k, v in entry.items()
                               if k not in ("release_url", "release_kind")})
            break
        if found is None:
            return release, entries
        release = found
    raise RefreshError(f"source {source.id}: more than {_MAX_NEWER} newer releases in a row")


# --- The refresh ---------------------------------------------------------------------------

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


def _sources_text(old: str, entries: Sequence[Mapping[str, str]]) -> str:
    """`sources.yml` with entries for newly found releases appended (the old text kept)."""
    text = old if old.endswith("\n") else old + "\n"
    for entry in entries:
        body = {k: v for k, v in entry.items() if k != "id"}
        text += "\n" + yaml.safe_dump({entry["id"]: body}, sort_keys=False, allow_unicode=True,
                                      width=1000)
    return text


def _previous_models(data_dir: Path) -> pd.DataFrame | None:
    path = data_dir / "models.csv"
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def refresh(project: Path, run_date: str | None = None,
            overrides: Mapping[str, str] | None = None, release_base: str | None = None,
            timeout: float = DEFAULT_TIMEOUT, log: Callable[[str], None] = print,
            max_bytes: int = MAX_RELEASE_BYTES) -> RefreshReport:
    """Fetch every release, rebuild and check the tables, then replace them in `data/`.

    `run_date` (ISO) dates the changelog rows of releases that state no date of their own; it
    defaults to today. `timeout` bounds each file's whole download, `max_bytes` its size.
    Raises RefreshError (data/ untouched) on any failure.
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
        new_entries: list[dict[str, str]] = []
        for source in _current(sources):
            override = overrides.get(source.id)
            addresses = release_addresses(source, release_base, override)
            log(f"fetching {source.id}: {', '.join(u for _, u in addresses)}")
            release = read_release(source.id, _kind_of(source), addresses, timeout, max_bytes)
            if release.kind.newer:
                release, found = _newer_releases(release, source, timeout, max_bytes,
                                                 run_date, log)
                new_entries += found
            report.releases[release.source_id] = release
        report.new_sources = [entry["id"] for entry in new_entries]
        try:
            tables, notes = upstream.build_tables(
                [(sid, r.converted) for sid, r in report.releases.items()],
                _previous_models(data_dir))
        except upstream.UpstreamError as err:
            raise RefreshError(f"converting the releases: {err}") from None
        report.notes = notes
        for note in notes:
            log(f"note: {note}")
        _replace_files(data_dir, tables, new_entries, report, sources, run_date)
    return report


def _origin(frame_path: Path, releases: Mapping[str, Release]) -> str:
    """The releases a table's rows come from, as "source id (addresses)" for messages."""
    with open(frame_path, encoding="utf-8", newline="") as fh:
        ids = sorted({row.get("source_id", "") for row in csv.DictReader(fh)})
    named = [releases[sid].where for sid in ids if sid in releases]
    return "from " + "; ".join(named) if named else ""


def _replace_files(data_dir: Path, tables: Mapping[str, pd.DataFrame],
                   new_entries: Sequence[Mapping[str, str]], report: RefreshReport,
                   sources: Mapping[str, Source], run_date: str) -> None:
    """Write every table, sources.yml and the changelog to temporary files, check all, move in."""
    temps: dict[str, Path] = {}

    def temp_for(name: str) -> Path:
        temps[name] = data_dir / f".{name}.refresh-{os.getpid()}"
        return temps[name]

    try:
        if new_entries:
            old = (data_dir / SOURCES_FILE).read_text("utf-8")
            temp = temp_for(SOURCES_FILE)
            temp.write_text(_sources_text(old, new_entries), encoding="utf-8")
            try:
                sources = parse_sources(temp.read_bytes(), f"data/{SOURCES_FILE}")
            except DataError as err:
                raise RefreshError(f"the new entries of data/{SOURCES_FILE} would not "
                                   f"validate:\n{err}") from None
        versions = {sid: (r.version, r.date or "") for sid, r in report.releases.items()}
        for sid, source in sources.items():
            versions.setdefault(sid, (source.date, run_date))
        problems = []
        for name in sorted(tables):
            if name not in TABLES:
                raise RefreshError(f"the converters built a table {name!r} with no schema")
            temp = temp_for(f"{name}.csv")
            upstream.write_table(tables[name], temp)
            try:
                check_table(temp, TABLES[name], sources.keys(), shown=f"data/{name}.csv")
            except DataError as err:
                problems.append(f"{err}\n  ({_origin(temp, report.releases)})")
            change = compare_tables(data_dir / f"{name}.csv", temp, TABLES[name].key)
            report.changelog += changelog_rows(name, change, versions, run_date)
        if problems:
            raise RefreshError("the refreshed tables do not validate:\n" + "\n".join(problems))
        if report.changelog:
            temp = temp_for(f"{CHANGELOG}.csv")
            append_changelog(data_dir / f"{CHANGELOG}.csv", temp, report.changelog)
            try:
                check_table(temp, TABLES[CHANGELOG], sources.keys(),
                            shown=f"data/{CHANGELOG}.csv")
            except DataError as err:
                raise RefreshError(f"the changelog would not validate:\n{err}") from None
        for name, temp in temps.items():
            final = data_dir / name
            if final.is_file() and final.read_bytes() == temp.read_bytes():
                continue
            os.replace(temp, final)
            report.replaced.append(f"data/{name}")
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
                        help="seconds one file's whole download may take "
                             f"(default {DEFAULT_TIMEOUT:g})")
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
    for sid in report.new_sources:
        print(f"data/{SOURCES_FILE}: added {sid} (a newer release)")
    for row in report.changelog:
        print(f"{row['file']}: +{row['rows_added']} -{row['rows_removed']} "
              f"~{row['rows_changed']} ({row['source_id']} {row['release']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
