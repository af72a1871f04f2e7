"""The ARC Prize leaderboard: score and cost per task on ARC-AGI-1 and -2, with its model names.

One kind of release, `arcprize-leaderboard`: `evaluations.json` (one record per model and
dataset), `models.json` (each model's `displayName` and `providerId`) and `datasets.json`. The
book needs, per evaluation, `datasetId`, `modelId`, `score` and `costPerTask`; a model's display
name is the leaderboard's own where it gives one, else derived from the id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from inference_debate.data.schemas import ARC_DATASETS
from inference_debate.upstream.fields import (
    Fields,
    UpstreamError,
    get,
    new_fields,
    number,
    optional,
)
from inference_debate.upstream.kinds import Converted, Docs, Named, ReleaseKind
from inference_debate.upstream.names import derive_name, developer_of

#: The leaderboard's dataset ids the book reads, and the names it shows them by.
DATASETS = dict(zip(("v1_Semi_Private", "v2_Semi_Private"), ARC_DATASETS, strict=True))

EVALUATION = Fields(
    required=("datasetId", "modelId", "score", "costPerTask"),
    optional=("cost", "resultsUrl", "display", "displayLabel", "labelOffsetX", "labelOffsetY"),
)
MODEL = Fields(
    required=("id",),
    optional=("displayName", "providerId", "modelGroup", "modelReleaseDate", "modelType",
              "paperUrl", "codeUrl", "dataUrl", "featured", "notes", "metadata"),
)
DATASET = Fields(required=("id",), optional=("displayName", "url"))

_EFFORT_WORDS = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
_BUDGET = re.compile(r"^(?:thinking\s*)?(\d+)\s*k$", re.IGNORECASE)
_ID_EFFORT = re.compile(r"[-_](none|minimal|low|medium|high|xhigh|max)(?:[-_]|$)")
_ID_BUDGET = re.compile(r"[-_](\d+)k(?:[-_]|$)", re.IGNORECASE)


def parse_name(display_name: str, model_id: str) -> tuple[str, str]:
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
                effort_word = lowered
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


def _records(value: Any, name: str) -> Sequence[Mapping[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(r, Mapping) for r in value):
        raise UpstreamError(f"ARC Prize {name}: expected a list of records")
    return value


def _display(model: Mapping[str, Any] | None) -> str | None:
    name = optional(model or {}, "displayName")
    return str(name).replace("\u00b9", "").strip() or None if name is not None else None


def scores(evaluations: Sequence[Mapping[str, Any]], models: Sequence[Mapping[str, Any]],
           datasets: Sequence[Mapping[str, Any]] | None = None,
           source_id: str = "arcprize-leaderboard") -> tuple[pd.DataFrame, list[str]]:
    """Score and cost per task on the ARC-AGI-1 and -2 semi-private sets, human panel included.

    Rows the leaderboard hides (`display: false`) are kept: they are published results. A model
    `models.json` does not describe gets a name derived from its id.
    """
    names = dict(DATASETS)
    for entry in datasets or ():
        if entry.get("id") in DATASETS and entry.get("displayName"):
            names[entry["id"]] = str(entry["displayName"])
    by_id = {str(get(m, "id", "ARC Prize models.json entry")): m for m in models}
    chosen = [r for r in evaluations if r.get("datasetId") in DATASETS]
    notes = new_fields(chosen, EVALUATION, "ARC Prize evaluations")
    notes += new_fields(models, MODEL, "ARC Prize models")
    rows = []
    seen: dict[tuple[str, str], dict] = {}
    for number_, record in enumerate(evaluations):
        dataset_id = get(record, "datasetId", f"ARC Prize evaluation #{number_}")
        if dataset_id not in DATASETS:
            continue
        model_id = str(get(record, "modelId", f"ARC Prize evaluation #{number_}"))
        where = f"ARC Prize {dataset_id} result for {model_id!r}"
        cost = number(record, "costPerTask", where)
        score = number(record, "score", where)
        if cost <= 0:
            notes.append(f"{where}: cost per task {cost}; skipped (cannot sit on a log axis)")
            continue
        model = by_id.get(model_id)
        display = _display(model) or derive_name(model_id)
        is_human = bool(model) and (model.get("providerId") == "Human"
                                    or model.get("modelGroup") == "Human")
        family, effort = ("Human", "") if is_human else parse_name(display, model_id)
        row = {"dataset": names[dataset_id], "model_id": model_id, "display_name": display,
               "family": family, "reasoning_effort": effort, "score_fraction": score,
               "usd_per_task": cost, "is_human": is_human, "source_id": source_id}
        key = (row["dataset"], model_id)
        if key in seen:
            same = seen[key] == row
            notes.append(f"{where}: listed twice{' (identical)' if same else ''}; kept the first")
            continue
        seen[key] = row
        rows.append(row)
    frame = pd.DataFrame(rows).sort_values(["dataset", "model_id"], ignore_index=True)
    return frame, notes


def convert(docs: Docs, source_id: str) -> Converted:
    """An `arcprize-leaderboard` release: the `arc_agi` table and the names of its models."""
    evaluations = _records(docs[0], "evaluations.json")
    models = _records(docs[1], "models.json")
    datasets = _records(docs[2], "datasets.json")
    frame, notes = scores(evaluations, models, datasets, source_id)
    by_id = {str(m["id"]): m for m in models}
    named = []
    for model_id in sorted(set(frame["model_id"])):
        model = by_id.get(model_id)
        provider = optional(model or {}, "providerId")
        named.append(Named(model_id, source_id, _display(model),
                           str(provider) if provider else developer_of(model_id),
                           where=f"source {source_id}"))
    return Converted({"arc_agi": frame}, notes, named)


KINDS = (
    ReleaseKind(
        name="arcprize-leaderboard", folder="arcprize",
        files=("evaluations.json", "models.json", "datasets.json"),
        fields={"evaluations.json": (EVALUATION,), "models.json": (MODEL,),
                "datasets.json": (DATASET,)},
        convert=convert, tables=("arc_agi",),
    ),
)
