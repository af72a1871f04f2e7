"""METR's Time Horizon releases: horizons, doubling times and costs, and METR's model names.

Three kinds of release: `metr-horizons` (the newest `benchmark_results_M_N.yaml`: horizons with
CIs, frontier flags and doubling times), `metr-costs` (a results file that records `usage.usd`,
release 1.0) and `metr-release-dates` (METR's `release_dates.yaml`, whose keys are METR's display
names). A results file states its version (`benchmark_name: METR-Horizon-v1.1`); the next
release is looked for as `benchmark_results_1_2.yaml`, then `benchmark_results_2_0.yaml`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from inference_debate.data.schemas import DOUBLING_METHODS
from inference_debate.upstream.fields import (
    Fields,
    UpstreamError,
    boolean,
    get,
    maybe_number,
    new_fields,
    number,
)
from inference_debate.upstream.kinds import Converted, Docs, Named, NewRelease, ReleaseKind

#: A results file: the top level and each model's entry.
RESULTS_TOP = Fields(
    required=("benchmark_name", "results"),
    optional=("doubling_time_in_days", "long_tasks_version", "swaa_version", "date",
              "release_date"),
)
HORIZON_ENTRY = Fields(
    required=("release_date", "metrics.p50_horizon_length.estimate",
              "metrics.p50_horizon_length.ci_low", "metrics.p50_horizon_length.ci_high",
              "metrics.is_sota"),
    optional=("benchmark_name", "scaffolds", "metrics.average_score.estimate",
              "metrics.p80_horizon_length.estimate", "metrics.p80_horizon_length.ci_low",
              "metrics.p80_horizon_length.ci_high", "metrics.usage.usd",
              "metrics.usage.working_time"),
)
DOUBLING_ENTRY = Fields(required=("point_estimate",), optional=("ci_low", "ci_high"))
COST_ENTRY = Fields(
    required=("release_date", "metrics.p50_horizon_length.estimate", "metrics.usage.usd"),
    optional=HORIZON_ENTRY.known,
)
RELEASE_DATES = Fields(required=("date",))

_FILE = re.compile(r"^benchmark_results_(\d+)_(\d+)\.yaml$")


def release_version(doc: Mapping[str, Any]) -> str:
    """The version a results file states: "METR-Horizon-v1.1" -> "1.1", "-v1" -> "1.0"."""
    name = str(get(doc, "benchmark_name", "METR release"))
    match = re.search(r"v(\d+)(?:\.(\d+))?$", name)
    if not match:
        raise UpstreamError(f"METR release: benchmark_name {name!r} has no version")
    return f"{match.group(1)}.{match.group(2) or 0}"


def _results(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    if not isinstance(doc, Mapping):
        raise UpstreamError("METR release: expected a mapping at the top level")
    results = get(doc, "results", "METR release")
    if not isinstance(results, Mapping) or not results:
        raise UpstreamError("METR release: 'results' holds no models")
    return results


def _date(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def horizons(doc: Mapping[str, Any], source_id: str) -> tuple[pd.DataFrame, list[str]]:
    """Time horizons (50% with CI; 80% where published), release dates and frontier flags."""
    release = release_version(doc)
    results = _results(doc)
    notes = new_fields([doc], RESULTS_TOP, f"METR {release}")
    notes += new_fields(results.values(), HORIZON_ENTRY, f"METR {release} models")
    rows = []
    for model_id, result in results.items():
        where = f"METR {release} model {model_id!r}"
        if not isinstance(result, Mapping):
            raise UpstreamError(f"{where}: expected the model's fields")
        row: dict[str, Any] = {"release": release, "model_id": str(model_id),
                               "release_date": _date(get(result, "release_date", where))}
        for level in ("p50", "p80"):
            base = f"metrics.{level}_horizon_length"
            read = number if level == "p50" else maybe_number
            row[f"{level}_horizon_minutes"] = read(result, f"{base}.estimate", where)
            row[f"{level}_ci_low_minutes"] = read(result, f"{base}.ci_low", where)
            row[f"{level}_ci_high_minutes"] = read(result, f"{base}.ci_high", where)
        row["is_sota"] = boolean(result, "metrics.is_sota", where)
        row["source_id"] = source_id
        rows.append(row)
    frame = pd.DataFrame(rows).sort_values(["release_date", "model_id"], ignore_index=True)
    return frame, notes


def doubling_times(doc: Mapping[str, Any], source_id: str) -> tuple[pd.DataFrame, list[str]]:
    """The doubling times METR publishes with a release, one row per method."""
    release = release_version(doc)
    block = get(doc, "doubling_time_in_days", f"METR {release}")
    notes = [f"METR {release}: new doubling-time method {name!r} (not used)"
             for name in block if name not in DOUBLING_METHODS]
    rows = []
    for method in DOUBLING_METHODS:
        entry = get(block, method, f"METR {release} doubling_time_in_days")
        where = f"METR {release} doubling time {method!r}"
        rows.append({
            "release": release, "method": method,
            "doubling_days": number(entry, "point_estimate", where),
            "ci_low_days": maybe_number(entry, "ci_low", where),
            "ci_high_days": maybe_number(entry, "ci_high", where),
            "source_id": source_id,
        })
        notes += new_fields([entry], DOUBLING_ENTRY, where)
    return pd.DataFrame(rows), notes


def costs(doc: Mapping[str, Any], source_id: str) -> tuple[pd.DataFrame, list[str]]:
    """Cost of one pass over the suite (`usage.usd`), skipping models with no recorded cost."""
    release = release_version(doc)
    notes: list[str] = []
    rows = []
    for model_id, result in _results(doc).items():
        where = f"METR {release} model {model_id!r}"
        usd = number(result, "metrics.usage.usd", where)
        if usd <= 0:
            notes.append(f"{where}: usage.usd is {usd}; skipped (no cost recorded)")
            continue
        working = maybe_number(result, "metrics.usage.working_time", where)
        rows.append({
            "model_id": str(model_id),
            "release_date": _date(get(result, "release_date", where)),
            "p50_horizon_minutes": number(result, "metrics.p50_horizon_length.estimate", where),
            "usd_per_pass": usd,
            "working_time_minutes": working if working else None,
            "source_id": source_id,
        })
    frame = pd.DataFrame(rows).sort_values(["release_date", "model_id"], ignore_index=True)
    return frame, notes


def _named(frame: pd.DataFrame, source_id: str, release: str) -> list[Named]:
    return [Named(str(m), source_id, where=f"source {source_id} (METR {release})")
            for m in frame["model_id"]]


def convert_horizons(docs: Docs, source_id: str) -> Converted:
    """A `metr-horizons` release: horizons and doubling times; its model keys need names."""
    frame, notes = horizons(docs[0], source_id)
    doubling, more = doubling_times(docs[0], source_id)
    release = release_version(docs[0])
    return Converted({"metr_horizons": frame, "metr_doubling_times": doubling}, notes + more,
                     _named(frame, source_id, release))


def convert_costs(docs: Docs, source_id: str) -> Converted:
    """A `metr-costs` release: the cost of a pass per model; its model keys need names."""
    frame, notes = costs(docs[0], source_id)
    return Converted({"metr_costs": frame}, notes,
                     _named(frame, source_id, release_version(docs[0])))


def convert_release_dates(docs: Docs, source_id: str) -> Converted:
    """METR's `release_dates.yaml`: its keys are the names METR gives its models."""
    doc = docs[0]
    dates = get(doc, "date", "METR release dates") if isinstance(doc, Mapping) else None
    if not isinstance(dates, Mapping):
        raise UpstreamError("METR release dates: required field 'date' is missing")
    return Converted(listed_names=[str(name) for name in dates], listed_by=source_id)


def stated_date(docs: Docs) -> str | None:
    """A release date the results file states itself (a top-level `date` or `release_date`)."""
    doc = docs[0]
    if isinstance(doc, Mapping):
        for name in ("release_date", "date"):
            value = doc.get(name)
            if isinstance(value, dt.date):
                return value.isoformat()
            if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", value.strip()):
                return value.strip()
    return None


def file_version(name: str) -> str | None:
    """The version a results file's name gives: "benchmark_results_1_2.yaml" -> "1.2"."""
    match = _FILE.match(name)
    return f"{match.group(1)}.{match.group(2)}" if match else None


def following_files(version: str) -> list[str]:
    """The file names the releases after `version` would have: the next minor, then major."""
    major, minor = (int(part) for part in version.split("."))
    return [f"benchmark_results_{major}_{minor + 1}.yaml", f"benchmark_results_{major + 1}_0.yaml"]


def source_for(version: str) -> tuple[str, str]:
    """The `data/sources.yml` id and title a results release of `version` is cited as."""
    return f"metr-th-{version.replace('.', '-')}", f"Time Horizon {version}"


KINDS = (
    ReleaseKind(
        name="metr-horizons", folder="metr", files=("benchmark_results_*.yaml",),
        fields={"benchmark_results_*.yaml": (RESULTS_TOP, HORIZON_ENTRY, DOUBLING_ENTRY)},
        convert=convert_horizons, tables=("metr_horizons", "metr_doubling_times"),
        version=lambda docs: release_version(docs[0]), date=stated_date,
        newer=NewRelease(following_files, source_for, file_version),
    ),
    ReleaseKind(
        name="metr-costs", folder="metr", files=("benchmark_results_*.yaml",),
        fields={"benchmark_results_*.yaml": (RESULTS_TOP, COST_ENTRY)},
        convert=convert_costs, tables=("metr_costs",),
        version=lambda docs: release_version(docs[0]), date=stated_date,
    ),
    ReleaseKind(
        name="metr-release-dates", folder="metr", files=("release_dates.yaml",),
        fields={"release_dates.yaml": (RELEASE_DATES,)}, convert=convert_release_dates,
    ),
)
