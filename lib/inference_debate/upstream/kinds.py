"""What a source module declares: the kinds of release it reads and what converting one yields.

A `ReleaseKind` is named in `data/sources.yml` (`release_kind:`) by every source whose release it
reads. It says which files a release consists of (as laid out in the upstream folder), the fields
the book needs from them, how to convert them into the book's tables, and how to read the
release's own version and date. A kind that is versioned also says where the releases that would
follow a version are published, so that a new release needs no code change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from inference_debate.upstream.fields import Fields

Docs = Sequence[Any]


@dataclass(frozen=True)
class Named:
    """A model id a release brings, with the name and developer the release gives, if any."""

    model_id: str
    source_id: str
    display_name: str | None = None
    developer: str | None = None
    where: str = ""


@dataclass
class Converted:
    """What one release converts into: tables, notes, the model ids it names, names it lists."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    named: list[Named] = field(default_factory=list)
    listed_names: list[str] = field(default_factory=list)
    listed_by: str = ""


@dataclass(frozen=True)
class NewRelease:
    """How a versioned kind's next releases are found and cited.

    `candidates(version)` gives the file names the releases following `version` would have, most
    likely first; `source(version)` gives the id and title of the `data/sources.yml` entry a
    release of that version is cited as (the other fields are copied from the entry it follows).
    """

    candidates: Callable[[str], Sequence[str]]
    source: Callable[[str], tuple[str, str]]
    file_version: Callable[[str], str | None]


@dataclass(frozen=True)
class ReleaseKind:
    """One kind of release a source publishes, as a source module declares it.

    `files` are the release's file names inside `folder` (a name with `*` stands for the file
    the source's `release_url` names); `fields` maps each file to the fields the book needs and
    knows; `convert(docs, source_id)` turns the parsed files into tables; `version` and `date`
    read the release's own version and date (None when it states none); `tables` lists the
    tables this kind writes.
    """

    name: str
    folder: str
    files: tuple[str, ...]
    fields: Mapping[str, Sequence[Fields]]
    convert: Callable[[Docs, str], Converted]
    tables: tuple[str, ...] = ()
    version: Callable[[Docs], str | None] = lambda docs: None
    date: Callable[[Docs], str | None] = lambda docs: None
    newer: NewRelease | None = None
