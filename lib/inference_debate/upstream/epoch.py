"""Epoch AI's price-trend data: yearly falls in the price of a fixed capability, and the points.

Two kinds of release: `epoch-price-trends` (`lowest_price_models_results.csv`, one trend per
benchmark and threshold, and `lowest_price_models_data.csv`, the cheapest-model prices behind
them) and `epoch-benchmark-runs` (`benchmarks_runs.csv`, listed as a source but not tabulated:
it is fetched and checked as CSV only).
"""

from __future__ import annotations

import pandas as pd

from inference_debate.upstream.fields import (
    Fields,
    UpstreamError,
    csv_cell,
    csv_number,
    csv_records,
)
from inference_debate.upstream.kinds import Converted, Docs, ReleaseKind

RESULTS_FILE = "lowest_price_models_results.csv"
POINTS_FILE = "lowest_price_models_data.csv"

TREND = Fields(
    required=("bench", "threshold_model", "price_reduction_factor_per_year",
              "price_reduction_factor_per_year_90_ci"),
    optional=("performance_range", "sample_size", "start_date", "end_date", "r_squared"),
)
POINT = Fields(
    required=("bench", "threshold_model", "Model Name", "Release Date", "USD per 1M Tokens",
              "benchmark_score"),
    optional=("performance_range", "predicted_log_price"),
)


def _pair(text: str, where: str) -> tuple[float, float]:
    try:
        low, high = text.strip().strip("[]").split(",")
        return float(low), float(high)
    except ValueError:
        raise UpstreamError(f"{where}: {text!r} is not a pair [low, high]") from None


def price_trends(text: str, source_id: str) -> tuple[pd.DataFrame, list[str]]:
    """Yearly price-reduction factors with 90% CIs, one row per benchmark and threshold."""
    what = f"Epoch {RESULTS_FILE}"
    records, notes = csv_records(text, TREND, what)
    rows = []
    for line, record in enumerate(records, start=2):
        where = f"{what} line {line}"
        low, high = _pair(csv_cell(record, "price_reduction_factor_per_year_90_ci", line, what),
                          where)
        score_range = (record.get("performance_range") or "").strip()
        size = (record.get("sample_size") or "").strip()
        rows.append({
            "benchmark": csv_cell(record, "bench", line, what),
            "threshold": csv_cell(record, "threshold_model", line, what),
            "threshold_score": _pair(score_range, where)[0] if score_range else None,
            "yearly_reduction_factor": csv_number(record, "price_reduction_factor_per_year",
                                                  line, what),
            "ci90_low": low, "ci90_high": high,
            "sample_size": int(float(size)) if size else None,
            "source_id": source_id,
        })
    frame = pd.DataFrame(rows)
    frame["sample_size"] = frame["sample_size"].astype("Int64")
    return frame, notes


def cheapest_prices(text: str, source_id: str) -> tuple[pd.DataFrame, list[str]]:
    """The cheapest-model points behind each trend; repeats and non-positive prices skipped."""
    what = f"Epoch {POINTS_FILE}"
    records, notes = csv_records(text, POINT, what)
    rows = []
    seen = set()
    for line, record in enumerate(records, start=2):
        key = tuple(csv_cell(record, c, line, what)
                    for c in ("bench", "threshold_model", "Model Name", "Release Date"))
        if key in seen:
            notes.append(f"{what} line {line}: repeats {key}; kept the first")
            continue
        seen.add(key)
        price = csv_number(record, "USD per 1M Tokens", line, what)
        if price <= 0:
            notes.append(f"{what} line {line}: price {price}; skipped")
            continue
        rows.append({
            "benchmark": key[0], "threshold": key[1], "model": key[2], "release_date": key[3],
            "usd_per_million_tokens": price,
            "score": csv_number(record, "benchmark_score", line, what),
            "source_id": source_id,
        })
    return pd.DataFrame(rows), notes


def convert_price_trends(docs: Docs, source_id: str) -> Converted:
    """An `epoch-price-trends` release: the trends and the points behind them."""
    trends, notes = price_trends(docs[0], source_id)
    points, more = cheapest_prices(docs[1], source_id)
    return Converted({"epoch_price_trends": trends, "epoch_cheapest_prices": points},
                     notes + more)


KINDS = (
    ReleaseKind(
        name="epoch-price-trends", folder="epoch", files=(RESULTS_FILE, POINTS_FILE),
        fields={RESULTS_FILE: (TREND,), POINTS_FILE: (POINT,)},
        convert=convert_price_trends, tables=("epoch_price_trends", "epoch_cheapest_prices"),
    ),
    ReleaseKind(
        name="epoch-benchmark-runs", folder="epoch", files=("benchmarks_runs.csv",),
        fields={}, convert=lambda docs, source_id: Converted(),
    ),
)
