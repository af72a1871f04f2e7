"""The sources every figure comes from: `data/sources.yml`, read and checked.

Each entry is keyed by its source id and gives author, title, date (ISO: a year, a month or a
day), address (`url`), licence, what was taken from it (`taken`), its kind (text, dataset or
assumption) and, for datasets, optionally the machine-readable release address(es)
(`release_url`, a string or a list) with the kind of release they are (`release_kind`, one of
the kinds the source modules of `inference_debate.upstream` declare).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import yaml

from inference_debate.data.errors import DataError, Problem
from inference_debate.data.paths import display_path, sources_path

REQUIRED_FIELDS = ("author", "title", "date", "url", "licence", "taken", "kind")
OPTIONAL_FIELDS = ("release_url", "release_kind")
KINDS = ("text", "dataset", "assumption")
SOURCE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class Source:
    """One entry of `data/sources.yml`."""

    id: str
    author: str
    title: str
    date: str
    url: str
    licence: str
    taken: str
    kind: str
    release_urls: tuple[str, ...] = ()
    release_kind: str = ""

    @property
    def year(self) -> str:
        """The year of publication, as printed in citations."""
        return self.date[:4]

    @property
    def release_url(self) -> str | None:
        """The first machine-readable release address, if any."""
        return self.release_urls[0] if self.release_urls else None


def parse_partial_date(text: str) -> dt.date | None:
    """A date written as YYYY, YYYY-MM or YYYY-MM-DD, or None if it is not one."""
    match = _PARTIAL_DATE.match(text)
    if not match:
        return None
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _scalar_text(node: yaml.Node) -> str | None:
    if isinstance(node, yaml.ScalarNode):
        return str(node.value).strip()
    return None


_PARSED: dict[bytes, dict[str, Source]] = {}


def load_sources() -> dict[str, Source]:
    """Read `data/sources.yml` and check every entry; raises `DataError` listing all problems.

    The file is read on every call; its check is done once per distinct content.
    """
    path = sources_path()
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError([Problem(shown, 1, "(file)", "(no such file)", "a sources file")]) from None
    if raw not in _PARSED:
        _PARSED[raw] = parse_sources(raw, shown)
    return dict(_PARSED[raw])


def parse_sources(raw: bytes, shown: str) -> dict[str, Source]:
    """The entries of a sources file's bytes, checked; `shown` names the file in errors."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DataError(
            [Problem(shown, line, "(text)", repr(raw[err.start : err.end]), "UTF-8 text")]
        ) from None
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise DataError(
            [Problem(shown, line, "(syntax)", str(getattr(err, "problem", err)), "valid YAML")]
        ) from None
    if root is None or not isinstance(root, yaml.MappingNode):
        raise DataError(
            [Problem(shown, 1, "(file)", "(no entries)", "a mapping from source id to entry")]
        )

    problems: list[Problem] = []
    sources: dict[str, Source] = {}
    for key_node, entry_node in root.value:
        sid = str(key_node.value)
        line = key_node.start_mark.line + 1
        if not SOURCE_ID.match(sid):
            problems.append(Problem(shown, line, "id", sid, "a kebab-case source id"))
        if sid in sources:
            problems.append(Problem(shown, line, "id", sid, "a source id used only once"))
        if not isinstance(entry_node, yaml.MappingNode):
            problems.append(Problem(shown, line, "id", sid, f"fields for source {sid!r}"))
            continue
        fields: dict[str, str] = {}
        release: list[str] = []
        release_kind = ""
        for field_node, value_node in entry_node.value:
            name = str(field_node.value)
            fline = field_node.start_mark.line + 1
            if name == "release_url":
                items = (
                    value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                )
                for item in items:
                    value = _scalar_text(item)
                    if not value:
                        problems.append(Problem(shown, fline, name, "(empty)",
                                                f"a release address for source {sid!r}"))
                    else:
                        release.append(value)
                continue
            if name == "release_kind":
                release_kind = _scalar_text(value_node) or ""
                if not release_kind:
                    problems.append(Problem(shown, fline, name, "(empty)",
                                            f"the kind of release of source {sid!r}"))
                continue
            if name not in REQUIRED_FIELDS:
                problems.append(Problem(shown, fline, name, name,
                                        "one of the fields " + ", ".join(REQUIRED_FIELDS
                                                                         + OPTIONAL_FIELDS)))
                continue
            value = _scalar_text(value_node)
            if value is None:
                problems.append(Problem(shown, fline, name, "(not text)",
                                        f"a single value for source {sid!r}"))
                continue
            fields[name] = value
            if name == "date" and value and parse_partial_date(value) is None:
                problems.append(Problem(shown, fline, name, value,
                                        "an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"))
            if name == "kind" and value and value not in KINDS:
                problems.append(Problem(shown, fline, name, value, "one of " + ", ".join(KINDS)))
        for name in REQUIRED_FIELDS:
            if not fields.get(name):
                what = "an address (url)" if name == "url" else f"a non-empty {name}"
                problems.append(Problem(shown, line, name,
                                        "(missing)" if name not in fields else "(empty)",
                                        f"{what} for source {sid!r}"))
        if all(fields.get(name) for name in REQUIRED_FIELDS):
            sources[sid] = Source(id=sid, release_urls=tuple(release), release_kind=release_kind,
                                  **{name: fields[name] for name in REQUIRED_FIELDS})
    if problems:
        raise DataError(problems)
    return sources


def source_text(source_id: str) -> str:
    """A one-line label for a source: "Author (year), Title"."""
    sources = load_sources()
    if source_id not in sources:
        raise KeyError(f"unknown source id {source_id!r}: add it to data/sources.yml")
    source = sources[source_id]
    return f"{source.author} ({source.year}), {source.title}"
