"""Upstream releases to the book's tables: METR time horizons, ARC Prize leaderboard, Epoch prices.

Each converter takes a release as parsed (the METR YAML as a dict, ARC Prize's JSON lists, the text
of an Epoch CSV) and returns the book's table with a list of notes about anything new or skipped.
Conversion is pure: nothing is read or written here except by :func:`write_tables`, which builds
every curated table from a folder of releases. A required field that is absent raises
`UpstreamError` naming the record and the field.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import yaml


class UpstreamError(ValueError):
    """A release lacks a field the book needs, or has one in an unreadable form."""


class Converted(NamedTuple):
    """A converted table and notes on what the converter skipped or did not recognise."""

    frame: pd.DataFrame
    notes: list[str]


METR_TOP_FIELDS = {"benchmark_name", "doubling_time_in_days", "long_tasks_version", "results",
                   "swaa_version"}
METR_RESULT_FIELDS = {"benchmark_name", "metrics", "release_date", "scaffolds"}
METR_METRIC_FIELDS = {"average_score", "is_sota", "p50_horizon_length", "p80_horizon_length",
                      "usage"}
DOUBLING_METHODS = ("from_2023_on", "all_time_stitched")


def _get(record: Mapping[str, Any], path: str, where: str) -> Any:
    """`record[a][b]...` for path "a.b...", or UpstreamError naming `where` and the field."""
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value or value[part] is None:
            raise UpstreamError(f"{where}: required field {path!r} is missing")
        value = value[part]
    return value


def _number(record: Mapping[str, Any], path: str, where: str) -> float:
    value = _get(record, path, where)
    try:
        return float(value)
    except (TypeError, ValueError):
        raise UpstreamError(f"{where}: field {path!r} is {value!r}, not a number") from None


def _unknown(fields: Mapping[str, Any], known: set[str], where: str) -> list[str]:
    return [f"{where}: unrecognised field {name!r} (not used)" for name in fields
            if name not in known]


def metr_release(doc: Mapping[str, Any]) -> str:
    """The release number of a METR results file: "METR-Horizon-v1.1" -> "1.1", "-v1" -> "1.0"."""
    name = str(_get(doc, "benchmark_name", "METR release"))
    match = re.search(r"v(\d+)(?:\.(\d+))?$", name)
    if not match:
        raise UpstreamError(f"METR release: benchmark_name {name!r} has no version")
    return f"{match.group(1)}.{match.group(2) or 0}"


def _metr_results(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    results = _get(doc, "results", "METR release")
    if not isinstance(results, Mapping) or not results:
        raise UpstreamError("METR release: 'results' holds no models")
    return results


def metr_horizons(doc: Mapping[str, Any], source_id: str = "metr-th-1-1") -> Converted:
    """Time horizons (50% and 80%, with CIs), release dates and frontier flags, per model."""
    release = metr_release(doc)
    notes = _unknown(doc, METR_TOP_FIELDS, "METR release")
    rows = []
    for model_id, result in _metr_results(doc).items():
        where = f"METR {release} model {model_id!r}"
        notes += _unknown(result, METR_RESULT_FIELDS, where)
        notes += _unknown(_get(result, "metrics", where), METR_METRIC_FIELDS, where)
        row = {"release": release, "model_id": str(model_id),
               "release_date": str(_get(result, "release_date", where))}
        for level in ("p50", "p80"):
            base = f"metrics.{level}_horizon_length"
            row[f"{level}_horizon_minutes"] = _number(result, f"{base}.estimate", where)
            row[f"{level}_ci_low_minutes"] = _number(result, f"{base}.ci_low", where)
            row[f"{level}_ci_high_minutes"] = _number(result, f"{base}.ci_high", where)
        is_sota = _get(result, "metrics.is_sota", where)
        if not isinstance(is_sota, bool):
            raise UpstreamError(f"{where}: field 'metrics.is_sota' is {is_sota!r}, not a boolean")
        row["is_sota"] = is_sota
        row["source_id"] = source_id
        rows.append(row)
    frame = pd.DataFrame(rows).sort_values(["release_date", "model_id"], ignore_index=True)
    return Converted(frame, notes)


def metr_doubling_times(doc: Mapping[str, Any], source_id: str = "metr-th-1-1") -> Converted:
    """The doubling times METR publishes with a release (from 2023 on, with CI; all time)."""
    release = metr_release(doc)
    block = _get(doc, "doubling_time_in_days", f"METR {release}")
    notes = [f"METR {release}: unrecognised doubling-time method {name!r} (not used)"
             for name in block if name not in DOUBLING_METHODS]
    rows = []
    for method in DOUBLING_METHODS:
        where = f"METR {release} doubling time {method!r}"
        entry = _get(block, method, f"METR {release} doubling_time_in_days")
        rows.append({
            "release": release, "method": method,
            "doubling_days": _number(entry, "point_estimate", where),
            "ci_low_days": float(entry["ci_low"]) if entry.get("ci_low") is not None else None,
            "ci_high_days": float(entry["ci_high"]) if entry.get("ci_high") is not None else None,
            "source_id": source_id,
        })
        notes += _unknown(entry, {"point_estimate", "ci_low", "ci_high"}, where)
    return Converted(pd.DataFrame(rows), notes)


def metr_costs(doc: Mapping[str, Any], source_id: str = "metr-th-1-0") -> Converted:
    """Cost of one pass over the suite (`usage.usd`), skipping models with no recorded cost."""
    release = metr_release(doc)
    notes: list[str] = []
    rows = []
    for model_id, result in _metr_results(doc).items():
        where = f"METR {release} model {model_id!r}"
        usd = _number(result, "metrics.usage.usd", where)
        if usd <= 0:
            notes.append(f"{where}: usage.usd is {usd}; skipped (no cost recorded)")
            continue
        working = result["metrics"]["usage"].get("working_time")
        rows.append({
            "model_id": str(model_id),
            "release_date": str(_get(result, "release_date", where)),
            "p50_horizon_minutes": _number(result, "metrics.p50_horizon_length.estimate", where),
            "usd_per_pass": usd,
            "working_time_minutes": float(working) if working else None,
            "source_id": source_id,
        })
    frame = pd.DataFrame(rows).sort_values(["release_date", "model_id"], ignore_index=True)
    return Converted(frame, notes)


# --- ARC Prize -------------------------------------------------------------------------------

ARC_DATASETS = {"v1_Semi_Private": "ARC-AGI-1", "v2_Semi_Private": "ARC-AGI-2"}
ARC_EVALUATION_FIELDS = {"datasetId", "modelId", "score", "costPerTask", "cost", "resultsUrl",
                         "display", "displayLabel", "labelOffsetX", "labelOffsetY"}
_EFFORT_WORDS = {"none": "none", "minimal": "minimal", "low": "low", "medium": "medium",
                 "high": "high", "xhigh": "xhigh", "max": "max"}
_BUDGET = re.compile(r"^(?:thinking\s*)?(\d+)\s*k$", re.IGNORECASE)
_ID_EFFORT = re.compile(r"[-_](none|minimal|low|medium|high|xhigh|max)(?:[-_]|$)")
_ID_BUDGET = re.compile(r"[-_](\d+)k(?:[-_]|$)", re.IGNORECASE)


def parse_arc_name(display_name: str, model_id: str) -> tuple[str, str]:
    """Family and reasoning effort from an ARC Prize display name and id.

    "GPT-5.2 (High)" -> ("GPT-5.2", "high"); "Claude 3.7 (16K)" -> ("Claude 3.7", "budget-16k");
    "Claude Opus 4.6 (120K, High)" -> ("Claude Opus 4.6", "high"); a parenthesis that is not an
    effort ("Grok 4 (Refine.)") stays in the family. Effort is "" when neither name nor id says.
    """
    name = display_name.replace("\u00b9", "").strip()
    effort_word = budget = ""
    kept: list[str] = []
    groups = re.findall(r"\(([^()]*)\)", name)
    base = re.sub(r"\s*\([^()]*\)", "", name).strip()
    for group in groups:
        other = []
        for token in (t.strip() for t in group.split(",")):
            lowered = token.lower()
            if lowered in _EFFORT_WORDS:
                effort_word = _EFFORT_WORDS[lowered]
            elif _BUDGET.match(token):
                budget = f"budget-{_BUDGET.match(token).group(1)}k"
            elif lowered == "thinking":
                continue
            elif token:
                other.append(token)
        if other:
            kept.append(f"({', '.join(other)})")
    family = " ".join([base, *kept])
    if not effort_word and not budget:
        id_effort = _ID_EFFORT.search(model_id)
        id_budget = _ID_BUDGET.search(model_id)
        if id_effort:
            effort_word = id_effort.group(1)
        elif id_budget:
            budget = f"budget-{id_budget.group(1)}k"
    return family, effort_word or budget


def arc_agi(evaluations: Sequence[Mapping[str, Any]], models: Sequence[Mapping[str, Any]],
            datasets: Sequence[Mapping[str, Any]] | None = None,
            source_id: str = "arcprize-leaderboard") -> Converted:
    """Score and cost per task on the ARC-AGI-1 and -2 semi-private sets, human panel included.

    Rows the leaderboard hides (`display: false`) are kept: they are published results.
    """
    notes: list[str] = []
    names = dict(ARC_DATASETS)
    if datasets:
        for entry in datasets:
            if entry.get("id") in ARC_DATASETS and entry.get("displayName"):
                names[entry["id"]] = str(entry["displayName"])
    by_id = {}
    for model in models:
        by_id[str(_get(model, "id", "ARC model"))] = model
    rows = []
    seen: dict[tuple[str, str], dict] = {}
    for number, record in enumerate(evaluations):
        dataset_id = _get(record, "datasetId", f"ARC evaluation #{number}")
        if dataset_id not in ARC_DATASETS:
            continue
        model_id = str(_get(record, "modelId", f"ARC evaluation #{number}"))
        where = f"ARC {dataset_id} result for {model_id!r}"
        notes += _unknown(record, ARC_EVALUATION_FIELDS, where)
        if "costPerTask" in record and record["costPerTask"] is not None:
            cost = _number(record, "costPerTask", where)
        else:
            raise UpstreamError(f"{where}: required field 'costPerTask' is missing")
        score = _number(record, "score", where)
        if cost <= 0:
            notes.append(f"{where}: cost per task {cost}; skipped (cannot sit on a log axis)")
            continue
        if model_id not in by_id:
            raise UpstreamError(f"{where}: model {model_id!r} is not in models.json")
        model = by_id[model_id]
        display = str(_get(model, "displayName", f"ARC model {model_id!r}"))
        is_human = model.get("providerId") == "Human" or model.get("modelGroup") == "Human"
        family, effort = ("Human", "") if is_human else parse_arc_name(display, model_id)
        row = {"dataset": names[dataset_id], "model_id": model_id,
               "display_name": display.replace("\u00b9", "").strip(), "family": family,
               "reasoning_effort": effort, "score_fraction": score, "usd_per_task": cost,
               "is_human": is_human, "source_id": source_id}
        key = (row["dataset"], model_id)
        if key in seen:
            same = seen[key] == row
            notes.append(f"{where}: listed twice{' (identical)' if same else ''}; "
                         "kept the first")
            continue
        seen[key] = row
        rows.append(row)
    frame = pd.DataFrame(rows).sort_values(["dataset", "model_id"], ignore_index=True)
    return Converted(frame, notes)


def arc_models(models: Sequence[Mapping[str, Any]], model_ids: Sequence[str],
               source_id: str = "arcprize-leaderboard") -> pd.DataFrame:
    """Display names and developers for the given ARC Prize model ids."""
    by_id = {str(m["id"]): m for m in models}
    rows = []
    for model_id in sorted(set(model_ids)):
        where = f"ARC model {model_id!r}"
        model = by_id.get(model_id)
        if model is None:
            raise UpstreamError(f"{where}: not in models.json")
        rows.append({"model_id": model_id,
                     "display_name": str(_get(model, "displayName", where)).replace("\u00b9", "")
                     .strip(),
                     "developer": str(model.get("providerId") or "unknown"),
                     "source_id": source_id})
    return pd.DataFrame(rows)


# --- Epoch AI --------------------------------------------------------------------------------

EPOCH_RESULT_FIELDS = {"bench", "threshold_model", "performance_range", "sample_size",
                       "start_date", "end_date", "price_reduction_factor_per_year",
                       "price_reduction_factor_per_year_90_ci", "r_squared"}
EPOCH_POINT_FIELDS = {"bench", "threshold_model", "performance_range", "Model Name",
                      "Release Date", "USD per 1M Tokens", "predicted_log_price", "benchmark_score"}


def _pair(text: str, where: str) -> tuple[float, float]:
    try:
        low, high = text.strip().strip("[]").split(",")
        return float(low), float(high)
    except ValueError:
        raise UpstreamError(f"{where}: {text!r} is not a pair [low, high]") from None


def _csv_records(text: str, required: set[str], known: set[str], what: str
                 ) -> tuple[list[dict[str, str]], list[str]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    fields = set(reader.fieldnames or [])
    missing = sorted(required - fields)
    if missing:
        raise UpstreamError(f"{what}: required column(s) {', '.join(map(repr, missing))} missing")
    notes = [f"{what}: unrecognised column {name!r} (not used)" for name in reader.fieldnames
             if name not in known]
    return list(reader), notes


def epoch_price_trends(text: str, source_id: str = "epoch-price-trends") -> Converted:
    """Yearly price-reduction factors with 90% CIs from `lowest_price_models_results.csv`."""
    required = {"bench", "threshold_model", "performance_range", "sample_size",
                "price_reduction_factor_per_year", "price_reduction_factor_per_year_90_ci"}
    records, notes = _csv_records(text, required, EPOCH_RESULT_FIELDS,
                                  "Epoch lowest_price_models_results.csv")
    rows = []
    for line, record in enumerate(records, start=2):
        where = f"Epoch results line {line}"
        low, high = _pair(record["price_reduction_factor_per_year_90_ci"], where)
        rows.append({
            "benchmark": record["bench"], "threshold": record["threshold_model"],
            "threshold_score": _pair(record["performance_range"], where)[0],
            "yearly_reduction_factor": float(record["price_reduction_factor_per_year"]),
            "ci90_low": low, "ci90_high": high, "sample_size": int(record["sample_size"]),
            "source_id": source_id,
        })
    return Converted(pd.DataFrame(rows), notes)


def epoch_cheapest_prices(text: str, source_id: str = "epoch-price-trends") -> Converted:
    """The cheapest-model points behind each trend, from `lowest_price_models_data.csv`."""
    required = {"bench", "threshold_model", "Model Name", "Release Date", "USD per 1M Tokens",
                "benchmark_score"}
    records, notes = _csv_records(text, required, EPOCH_POINT_FIELDS,
                                  "Epoch lowest_price_models_data.csv")
    rows = []
    seen = set()
    for line, record in enumerate(records, start=2):
        key = (record["bench"], record["threshold_model"], record["Model Name"],
               record["Release Date"])
        if key in seen:
            notes.append(f"Epoch data line {line}: repeats {key}; kept the first")
            continue
        seen.add(key)
        price = float(record["USD per 1M Tokens"])
        if price <= 0:
            notes.append(f"Epoch data line {line}: price {price}; skipped")
            continue
        rows.append({
            "benchmark": record["bench"], "threshold": record["threshold_model"],
            "model": record["Model Name"], "release_date": record["Release Date"],
            "usd_per_million_tokens": price, "score": float(record["benchmark_score"]),
            "source_id": source_id,
        })
    return Converted(pd.DataFrame(rows), notes)


# --- METR display names ----------------------------------------------------------------------

#: METR's model keys and the names METR's release_dates.yaml gives them (others: our reading).
METR_DISPLAY_NAMES: dict[str, tuple[str, str]] = {
    "claude_3_5_sonnet": ("Claude 3.5 Sonnet (Old)", "Anthropic"),
    "claude_3_5_sonnet_20240620_inspect": ("Claude 3.5 Sonnet (Old)", "Anthropic"),
    "claude_3_5_sonnet_20241022": ("Claude 3.5 Sonnet (New)", "Anthropic"),
    "claude_3_5_sonnet_20241022_inspect": ("Claude 3.5 Sonnet (New)", "Anthropic"),
    "claude_3_7_sonnet": ("Claude 3.7 Sonnet", "Anthropic"),
    "claude_3_7_sonnet_inspect": ("Claude 3.7 Sonnet", "Anthropic"),
    "claude_3_opus": ("Claude 3 Opus", "Anthropic"),
    "claude_3_opus_inspect": ("Claude 3 Opus", "Anthropic"),
    "claude_4_1_opus": ("Claude 4.1 Opus", "Anthropic"),
    "claude_4_opus": ("Claude 4 Opus", "Anthropic"),
    "claude_4_opus_inspect": ("Claude 4 Opus", "Anthropic"),
    "claude_4_sonnet": ("Claude 4 Sonnet", "Anthropic"),
    "claude_sonnet_4_5": ("Claude Sonnet 4.5", "Anthropic"),
    "claude_opus_4_5": ("Claude Opus 4.5", "Anthropic"),
    "claude_opus_4_5_inspect": ("Claude Opus 4.5", "Anthropic"),
    "davinci_002": ("davinci-002 (GPT-3)", "OpenAI"),
    "deepseek_r1": ("DeepSeek-R1", "DeepSeek"),
    "deepseek_r1_0528": ("DeepSeek-R1-0528", "DeepSeek"),
    "deepseek_v3": ("DeepSeek-V3", "DeepSeek"),
    "deepseek_v3_0324": ("DeepSeek-V3-0324", "DeepSeek"),
    "gemini_2_5_pro_preview": ("Gemini 2.5 Pro Preview", "Google"),
    "gpt-oss-120b": ("gpt-oss-120b", "OpenAI"),
    "gpt2": ("GPT-2", "OpenAI"),
    "gpt_3_5_turbo_instruct": ("gpt-3.5-turbo-instruct", "OpenAI"),
    "gpt_4": ("GPT-4 0314", "OpenAI"),
    "gpt_4_0125": ("GPT-4 0125", "OpenAI"),
    "gpt_4_1106": ("GPT-4 1106", "OpenAI"),
    "gpt_4_1106_inspect": ("GPT-4 1106", "OpenAI"),
    "gpt_4_turbo": ("GPT-4 Turbo", "OpenAI"),
    "gpt_4_turbo_inspect": ("GPT-4 Turbo", "OpenAI"),
    "gpt_4o": ("GPT-4o", "OpenAI"),
    "gpt_4o_inspect": ("GPT-4o", "OpenAI"),
    "gpt_5": ("GPT-5", "OpenAI"),
    "gpt_5_2025_08_07_inspect": ("GPT-5", "OpenAI"),
    "gpt_5_1_codex_max": ("GPT-5.1-Codex-Max", "OpenAI"),
    "grok_4": ("Grok 4", "xAI"),
    "kimi_k2_thinking": ("Kimi K2 Thinking", "Moonshot AI"),
    "o1_elicited": ("o1", "OpenAI"),
    "o1_inspect": ("o1", "OpenAI"),
    "o1_preview": ("o1-preview", "OpenAI"),
    "o3": ("o3", "OpenAI"),
    "o3_inspect": ("o3", "OpenAI"),
    "o4-mini": ("o4-mini", "OpenAI"),
    "qwen_2_5_72b": ("Qwen2.5-72B", "Alibaba"),
    "qwen_2_72b": ("Qwen2-72B", "Alibaba"),
}


def metr_models(model_ids: Sequence[str], release_dates: Mapping[str, Any],
                fallback_source: str = "metr-th-1-1") -> Converted:
    """Display names for METR model keys; a name METR's release_dates.yaml lists cites it."""
    listed = set((release_dates.get("date") or {}).keys())
    rows, notes = [], []
    for model_id in sorted(set(model_ids)):
        if model_id not in METR_DISPLAY_NAMES:
            raise UpstreamError(f"METR model {model_id!r}: no display name; add it to "
                                "METR_DISPLAY_NAMES")
        name, developer = METR_DISPLAY_NAMES[model_id]
        rows.append({"model_id": model_id, "display_name": name, "developer": developer,
                     "source_id": "metr-release-dates" if name in listed else fallback_source})
    return Converted(pd.DataFrame(rows), notes)


# --- Writing the curated tables --------------------------------------------------------------

def _write(frame: pd.DataFrame, path: Path) -> None:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == bool:
            out[column] = out[column].map({True: "true", False: "false"})
    out.to_csv(path, index=False, lineterminator="\n", float_format=None)


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write a converted table as the curated CSV files are written (true/false, LF endings)."""
    _write(frame, path)


def build_tables(upstream: Path) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Every curated table from a folder laid out like the releases (metr/, arcprize/, epoch/)."""
    notes: list[str] = []
    tables: dict[str, pd.DataFrame] = {}

    def keep(name: str, converted: Converted) -> None:
        tables[name] = converted.frame
        notes.extend(converted.notes)

    th11 = yaml.safe_load((upstream / "metr/benchmark_results_1_1.yaml").read_text("utf-8"))
    th10 = yaml.safe_load((upstream / "metr/benchmark_results_1_0.yaml").read_text("utf-8"))
    dates = yaml.safe_load((upstream / "metr/release_dates.yaml").read_text("utf-8"))
    keep("metr_horizons", metr_horizons(th11))
    keep("metr_doubling_times", metr_doubling_times(th11))
    keep("metr_costs", metr_costs(th10))
    arc = upstream / "arcprize"
    evaluations = json.loads((arc / "evaluations.json").read_text("utf-8"))
    models = json.loads((arc / "models.json").read_text("utf-8"))
    datasets = json.loads((arc / "datasets.json").read_text("utf-8"))
    keep("arc_agi", arc_agi(evaluations, models, datasets))
    epoch = upstream / "epoch"
    keep("epoch_price_trends",
         epoch_price_trends((epoch / "lowest_price_models_results.csv").read_text("utf-8")))
    keep("epoch_cheapest_prices",
         epoch_cheapest_prices((epoch / "lowest_price_models_data.csv").read_text("utf-8")))
    metr_ids = [*tables["metr_horizons"]["model_id"], *tables["metr_costs"]["model_id"]]
    metr_named = metr_models(metr_ids, dates)
    notes.extend(metr_named.notes)
    arc_named = arc_models(models, list(tables["arc_agi"]["model_id"]))
    tables["models"] = pd.concat([metr_named.frame, arc_named], ignore_index=True)
    return tables, notes


def write_tables(upstream: Path, data_dir: Path) -> list[str]:
    """Build every curated table from `upstream` and write it to `data_dir`; returns the notes."""
    tables, notes = build_tables(upstream)
    for name, frame in tables.items():
        _write(frame, data_dir / f"{name}.csv")
    return notes


if __name__ == "__main__":
    import sys

    for note in write_tables(Path(sys.argv[1]), Path(sys.argv[2])):
        print(note)
