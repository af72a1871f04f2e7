"""The schema of every table in `data/`: columns, types, units, ranges, keys, allowed values.

A table's spec says what each column holds; :func:`pandera_schema` turns it into the pandera
schema that checks ranges, allowed values and unique keys on every load. Types (numbers, dates,
true/false) are read cell by cell before that, so that each bad cell is named with its line.

Text columns may hold anything, HTML included: it is data, and whatever prints it escapes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import pandera.pandas as pa

Kind = Literal["text", "number", "integer", "boolean", "date"]

KIND_EXPECTATION: dict[str, str] = {
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "date": "an ISO date (YYYY-MM-DD)",
    "text": "text",
}


@dataclass(frozen=True)
class Col:
    """One column: its name, kind, unit (for the catalogue), whether it may be empty, checks."""

    name: str
    kind: Kind = "text"
    unit: str = ""
    nullable: bool = False
    checks: tuple[pa.Check, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    """One table: its columns in order, its unique key and a one-line description."""

    name: str
    description: str
    columns: tuple[Col, ...]
    key: tuple[str, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Col:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


def positive() -> pa.Check:
    return pa.Check.gt(0, error="a number above 0")


def non_negative() -> pa.Check:
    return pa.Check.ge(0, error="a number of 0 or more")


def fraction() -> pa.Check:
    return pa.Check.in_range(0, 1, error="a fraction from 0 to 1")


def percent() -> pa.Check:
    return pa.Check.in_range(0, 100, error="a percentage from 0 to 100")


def one_of(values: Iterable[str]) -> pa.Check:
    allowed = list(values)
    return pa.Check.isin(allowed, error="one of " + ", ".join(allowed))


def matches(pattern: str, described: str) -> pa.Check:
    return pa.Check.str_matches(pattern, error=described)


SOURCE = Col("source_id")
#: A release number as a source states it ("1.1").
RELEASE = matches(r"^\d+\.\d+$", "a release number such as 1.1")
#: The doubling-time methods METR publishes with each release.
DOUBLING_METHODS = ("from_2023_on", "all_time_stitched")
ARC_DATASETS = ("ARC-AGI-1", "ARC-AGI-2")
#: The four authors of the debate, by id, with the short name the claims table shows.
AUTHORS: dict[str, str] = {
    "ord": "Ord",
    "greenblatt": "Greenblatt",
    "kokotajlo": "Kokotajlo",
    "epoch": "Epoch",
}
STANCES = ("asserts", "disputes", "qualifies", "silent")
#: Where a model's display name comes from (see inference_debate.upstream.names).
NAME_ORIGINS = ("curated", "release", "derived")
EFFORT_PATTERN = r"^(|none|minimal|low|medium|high|xhigh|max|budget-\d+k)$"

TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "metr_horizons",
            "METR time horizons (50% and 80% success) with confidence intervals, per model",
            (
                Col("release", checks=(RELEASE,)),
                Col("model_id"),
                Col("release_date", "date"),
                Col("p50_horizon_minutes", "number", "minutes", checks=(positive(),)),
                Col("p50_ci_low_minutes", "number", "minutes", checks=(non_negative(),)),
                Col("p50_ci_high_minutes", "number", "minutes", checks=(positive(),)),
                Col("p80_horizon_minutes", "number", "minutes", nullable=True,
                    checks=(positive(),)),
                Col("p80_ci_low_minutes", "number", "minutes", nullable=True,
                    checks=(non_negative(),)),
                Col("p80_ci_high_minutes", "number", "minutes", nullable=True,
                    checks=(positive(),)),
                Col("is_sota", "boolean"),
                SOURCE,
            ),
            ("release", "model_id"),
        ),
        TableSpec(
            "metr_doubling_times",
            "METR's doubling time of the 50% time horizon, by fitting method",
            (
                Col("release", checks=(RELEASE,)),
                Col("method", checks=(one_of(DOUBLING_METHODS),)),
                Col("doubling_days", "number", "days", checks=(positive(),)),
                Col("ci_low_days", "number", "days", nullable=True, checks=(positive(),)),
                Col("ci_high_days", "number", "days", nullable=True, checks=(positive(),)),
                SOURCE,
            ),
            ("release", "method"),
        ),
        TableSpec(
            "metr_costs",
            "Dollar cost of one pass over METR's task suite, with each model's 50% horizon",
            (
                Col("model_id"),
                Col("release_date", "date"),
                Col("p50_horizon_minutes", "number", "minutes", checks=(positive(),)),
                Col("usd_per_pass", "number", "US dollars", checks=(positive(),)),
                Col("working_time_minutes", "number", "minutes", nullable=True,
                    checks=(positive(),)),
                SOURCE,
            ),
            ("model_id",),
        ),
        TableSpec(
            "models",
            "Display names and developers for the model ids of the METR and ARC tables, and "
            "where each name comes from (curated, the release's own, or derived from the id)",
            (Col("model_id"), Col("display_name"), Col("developer"),
             Col("name_origin", checks=(one_of(NAME_ORIGINS),)), SOURCE),
            ("model_id",),
        ),
        TableSpec(
            "arc_agi",
            "ARC-AGI score and cost per task, per model and reasoning-effort setting",
            (
                Col("dataset", checks=(one_of(ARC_DATASETS),)),
                Col("model_id"),
                Col("display_name"),
                Col("family"),
                Col("reasoning_effort", nullable=True,
                    checks=(matches(EFFORT_PATTERN, "a reasoning effort such as low, high, "
                                                    "xhigh, max or budget-16k"),)),
                Col("score_fraction", "number", "fraction (0\u20131)", checks=(fraction(),)),
                Col("usd_per_task", "number", "US dollars", checks=(positive(),)),
                Col("is_human", "boolean"),
                SOURCE,
            ),
            ("dataset", "model_id"),
        ),
        TableSpec(
            "epoch_price_trends",
            "Yearly factor by which the cheapest price to reach a benchmark threshold falls",
            (
                Col("benchmark"),
                Col("threshold"),
                Col("threshold_score", "number", "benchmark score", nullable=True,
                    checks=(non_negative(),)),
                Col("yearly_reduction_factor", "number", "\u00d7 per year", checks=(positive(),)),
                Col("ci90_low", "number", "\u00d7 per year", checks=(positive(),)),
                Col("ci90_high", "number", "\u00d7 per year", checks=(positive(),)),
                Col("sample_size", "integer", "models", nullable=True, checks=(positive(),)),
                SOURCE,
            ),
            ("benchmark", "threshold"),
        ),
        TableSpec(
            "epoch_cheapest_prices",
            "The cheapest model at or above each benchmark threshold over time",
            (
                Col("benchmark"),
                Col("threshold"),
                Col("model"),
                Col("release_date", "date"),
                Col("usd_per_million_tokens", "number", "US dollars per 1M tokens",
                    checks=(positive(),)),
                Col("score", "number", "benchmark score", checks=(non_negative(),)),
                SOURCE,
            ),
            ("benchmark", "threshold", "model", "release_date"),
        ),
        TableSpec(
            "api_prices",
            "Published API prices per million tokens",
            (
                Col("model"),
                Col("release_date", "date"),
                Col("usd_per_million_input_tokens", "number", "US dollars per 1M tokens",
                    checks=(positive(),)),
                Col("usd_per_million_output_tokens", "number", "US dollars per 1M tokens",
                    checks=(positive(),)),
                SOURCE,
            ),
            ("model",),
        ),
        TableSpec(
            "stated_figures",
            "Figures the texts state, each with its passage",
            (
                Col("figure_id", checks=(matches(r"^[a-z0-9_]+$", "a snake_case figure id"),)),
                Col("value", "number", "see unit"),
                Col("unit"),
                SOURCE,
                Col("passage"),
            ),
            ("figure_id",),
        ),
        TableSpec(
            "assumptions",
            "The book's own adjustable assumptions",
            (
                Col("name", checks=(matches(r"^[a-z0-9_]+$", "a snake_case name"),)),
                Col("value", "number", "see unit"),
                Col("unit"),
                Col("basis"),
                SOURCE,
            ),
            ("name",),
        ),
        TableSpec(
            "claims",
            "Where each author stands on each claim of the debate",
            (
                Col("claim_id", checks=(matches(r"^[a-z0-9_]+$", "a snake_case claim id"),)),
                Col("claim"),
                Col("author", checks=(one_of(AUTHORS),)),
                Col("stance", checks=(one_of(STANCES),)),
                Col("anchor", checks=(matches(r"^sec-[a-z0-9-]+$", "a section id sec-..."),)),
                # The passage the stance rests on, verbatim, and where it is in the source; every
                # stance but "silent" needs both (inference_debate.claims checks it).
                Col("quote", nullable=True),
                Col("location", nullable=True),
                Col("note", nullable=True),
                SOURCE,
            ),
            ("claim_id", "author"),
        ),
        TableSpec(
            "corrections",
            "Substantive corrections to the book's text: when, where and what changed",
            (
                Col("date", "date"),
                Col("page", checks=(matches(r"^(index|(chapters|appendices)/[a-z0-9-]+)\.qmd$",
                                            "a page of the book such as chapters/ord.qmd"),)),
                Col("section", checks=(matches(r"^sec-[a-z0-9-]+$", "a section id sec-..."),)),
                Col("change"),
                SOURCE,
            ),
            ("date", "section", "change"),
        ),
        TableSpec(
            "changelog",
            "What each curation or refresh changed in each table, by source and release",
            (
                Col("date", "date"),
                Col("file", checks=(matches(r"^data/[a-z0-9_]+\.csv$",
                                            "a table file such as data/metr_horizons.csv"),)),
                Col("release"),
                Col("rows_added", "integer", "rows", checks=(non_negative(),)),
                Col("rows_removed", "integer", "rows", checks=(non_negative(),)),
                Col("rows_changed", "integer", "rows", checks=(non_negative(),)),
                Col("note", nullable=True),
                SOURCE,
            ),
            ("date", "file", "source_id", "release"),
        ),
    )
}


def pandera_schema(spec: TableSpec, columns: Iterable[str], known_sources: Iterable[str]
                   ) -> pa.DataFrameSchema:
    """The pandera schema checking `spec`'s ranges, allowed values and key on the given columns.

    Only the columns present are checked (a missing column is reported on its own); `source_id`
    must be one of `known_sources`.
    """
    present = set(columns)
    dtypes = {"number": "float64", "integer": "Int64", "boolean": "boolean",
              "date": "datetime64[us]", "text": None}
    known = sorted(known_sources)
    whole_key = all(k in present for k in spec.key)
    schema_columns = {}
    for col in spec.columns:
        if col.name not in present:
            continue
        checks = list(col.checks)
        if col.name == "source_id":
            checks.append(pa.Check.isin(known, error="a source id listed in data/sources.yml"))
        schema_columns[col.name] = pa.Column(
            dtypes[col.kind], checks=checks, nullable=True, unique=spec.key == (col.name,)
        )
    multi_key = list(spec.key) if whole_key and len(spec.key) > 1 else None
    return pa.DataFrameSchema(schema_columns, unique=multi_key, strict=False, name=spec.name)
