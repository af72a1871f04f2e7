"""Newer upstream releases of the tests' own making, built from the real files in shared/upstream.

Each source gets what a real next release brings: new entries under keys the book has never seen
(in neither the library nor `data/`), revised values for old entries, a field the book does not
use dropped, and a field the book does not know added. New entries carry only the fields the
book needs, as METR's newest entries do. The expected display names are written out here by
hand, from the naming rule the README states, not taken from the library.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import stat
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
UPSTREAM = REPO.parent / "shared" / "upstream"
METR_11 = "metr/benchmark_results_1_1.yaml"

#: New METR keys -> (the name the book should derive, the developer the prefix table gives).
METR_NEW = {
    "gpt_7_3": ("GPT-7.3", "OpenAI"),
    "claude_opus_6_1_inspect": ("Claude Opus 6.1", "Anthropic"),
    "gemini_5_2_pro": ("Gemini 5.2 Pro", "Google"),
    "grok_7_fast": ("Grok 7 Fast", "xAI"),
    "vantablack_reasoner_2": ("Vantablack Reasoner 2", "Unknown"),
}
#: New METR keys whose derived names match a name METR's release_dates.yaml lists.
METR_LISTED = {"gpt_4o_mini_inspect": "GPT-4o mini", "claude_3_sonnet": "Claude 3 Sonnet"}
#: New ARC Prize model ids -> the leaderboard's display name (None: models.json lacks the id).
ARC_NEW = {
    "quasar-9-2027-01-10-high": "Quasar 9 (High)",
    "quasar-9-2027-01-10-low": "Quasar 9 (Low)",
    "heliotrope-3-thinking-64k": "Heliotrope 3 (Thinking 64K)",
    "marrowind-v2-max": "Marrowind V2 (Max)",
    "tessellate-4-mini": "Tessellate 4 Mini",
    "obsidian_loom_7": None,
}
ARC_DERIVED = {"obsidian_loom_7": ("Obsidian Loom 7", "Unknown")}
#: New Epoch benchmark thresholds and the models on their cheapest-price frontier.
EPOCH_BENCH = "Zircon Reasoning Suite"
EPOCH_THRESHOLDS = ("Orrery-1", "Orrery-2", "Orrery-3")
EPOCH_MODELS = ("Orrery-1", "Orrery-2", "Orrery-3", "Pennant Small", "Pennant Nano")


def copy_upstream(dest: Path) -> Path:
    """A writable copy of the real upstream releases."""
    shutil.copytree(UPSTREAM, dest, copy_function=shutil.copyfile)
    for path in [dest, *dest.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    return dest


def newer_metr(folder: Path, version: str = "1.1", name: str = METR_11) -> dict:
    """METR's results with new frontier models, a revised estimate, `usage` gone, new flags."""
    doc = yaml.safe_load((folder / METR_11).read_text("utf-8"))
    doc["benchmark_name"] = f"METR-Horizon-v{version}"
    results = doc["results"]
    for result in results.values():
        result["metrics"].pop("usage", None)
        result["metrics"]["is_sota_p50"] = result["metrics"]["is_sota"]
        result["metrics"]["is_sota_p80"] = False
    results["o3_inspect"]["metrics"]["p50_horizon_length"]["estimate"] = 95.5
    best = max(r["metrics"]["p50_horizon_length"]["estimate"] for r in results.values())
    for number, key in enumerate([*METR_NEW, *METR_LISTED], start=1):
        estimate = round(best * (1 + number / 4), 3)
        results[key] = {
            "release_date": f"2026-0{number}-15",
            "metrics": {
                "is_sota": True, "is_sota_p50": True, "is_sota_p80": False,
                "p50_horizon_length": {"estimate": estimate, "ci_low": round(estimate / 2, 3),
                                       "ci_high": round(estimate * 2, 3)},
            },
        }
    (folder / name).write_text(yaml.safe_dump(doc, sort_keys=True), encoding="utf-8")
    return doc


def newer_arc(folder: Path) -> tuple[list, list]:
    """The leaderboard with new models on both sets, a revised score, `resultsUrl` gone, a
    new `tokensPerTask` field."""
    arc = folder / "arcprize"
    evaluations = json.loads((arc / "evaluations.json").read_text("utf-8"))
    models = json.loads((arc / "models.json").read_text("utf-8"))
    for record in evaluations:
        record.pop("resultsUrl", None)
        record["tokensPerTask"] = 12345
    revised = next(r for r in evaluations
                   if r["modelId"] == "o3-2025-04-16-high" and r["datasetId"] == "v1_Semi_Private")
    revised["score"] = 0.6321
    for number, (model_id, display) in enumerate(ARC_NEW.items(), start=1):
        for dataset, score in (("v1_Semi_Private", 0.5 + number / 20),
                               ("v2_Semi_Private", 0.1 + number / 20)):
            evaluations.append({"datasetId": dataset, "modelId": model_id, "score": score,
                                "costPerTask": round(0.2 * number, 2), "display": True,
                                "tokensPerTask": 1000 * number})
        if display is not None:
            models.append({"id": model_id, "displayName": display,
                           "providerId": "Nimbus Foundry", "modelGroup": "Nimbus"})
    (arc / "evaluations.json").write_text(json.dumps(evaluations), encoding="utf-8")
    (arc / "models.json").write_text(json.dumps(models), encoding="utf-8")
    return evaluations, models


def _rewrite_csv(path: Path, drop: tuple[str, ...], add: dict[str, str],
                 extra: list[dict[str, str]], revise=None) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))
    columns = [c for c in rows[0] if c not in drop] + list(add)
    for row in rows:
        row.update(add)
    if revise:
        revise(rows)
    rows += extra
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return rows


def newer_epoch(folder: Path) -> tuple[list, list]:
    """Epoch's trends with a new benchmark's thresholds, a revised factor, `r_squared` and
    `sample_size` gone, a new `method` column; and the points behind the new trends."""
    epoch = folder / "epoch"

    def revise(rows: list[dict[str, str]]) -> None:
        rows[0]["price_reduction_factor_per_year"] = "12.5"

    trends = _rewrite_csv(
        epoch / "lowest_price_models_results.csv", ("r_squared", "sample_size"),
        {"method": "log-linear"},
        [{"bench": EPOCH_BENCH, "threshold_model": t, "performance_range": f"[{40 + 10 * i}, 100]",
          "start_date": "2025-01-01", "end_date": "2026-06-01",
          "price_reduction_factor_per_year": str(3.5 + 4 * i),
          "price_reduction_factor_per_year_90_ci": f"[{2 + i}, {8 + 6 * i}]",
          "method": "log-linear"} for i, t in enumerate(EPOCH_THRESHOLDS)], revise)
    points = _rewrite_csv(
        epoch / "lowest_price_models_data.csv", (), {"provider_count": "3"},
        [{"bench": EPOCH_BENCH, "threshold_model": EPOCH_THRESHOLDS[i % 3],
          "performance_range": "[40, 100]", "Model Name": model,
          "Release Date": f"2025-0{i + 2}-01", "USD per 1M Tokens": str(round(10 / (i + 1), 3)),
          "predicted_log_price": "1.0", "benchmark_score": str(45 + 5 * i),
          "provider_count": "2"} for i, model in enumerate(EPOCH_MODELS)])
    return trends, points


def newer_releases(folder: Path) -> Path:
    """A copy of the upstream releases with a newer release of every source in it."""
    copy_upstream(folder)
    newer_metr(folder)
    newer_arc(folder)
    newer_epoch(folder)
    return folder


def new_keys() -> list[str]:
    """Every entry key the newer releases bring that the book has not seen."""
    return [*METR_NEW, *METR_LISTED, *ARC_NEW, EPOCH_BENCH, *EPOCH_THRESHOLDS, *EPOCH_MODELS]
