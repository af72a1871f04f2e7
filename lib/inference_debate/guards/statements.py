"""The book's guarded sentences: each registered with its check and a way data could falsify it.

A sentence here must read exactly as in its chapter (a test checks that it does). Thresholds
for words such as "most" or "a little" are stated in each check's docstring, which the Methods
appendix prints.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from inference_debate import data
from inference_debate.guards import Verdict, guard
from inference_debate.models import epoch

# --- helpers for falsifiers: they edit the CSV files of a copied data folder --------------------


def edit_rows(folder: Path, table: str, edit: Callable[[dict], None]) -> None:
    """Rewrite `<folder>/<table>.csv`, applying `edit` to each row (a dict, changed in place)."""
    path = folder / f"{table}.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    fields = list(rows[0])
    for row in rows:
        edit(row)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _trends() -> pd.DataFrame:
    return data.load_table("epoch_price_trends")


# --- Epoch chapter --------------------------------------------------------------------------------


def _trends_inside_range(folder: Path) -> None:
    def inside(row: dict) -> None:
        row.update(yearly_reduction_factor="6", ci90_low="5.5", ci90_high="6.5")

    edit_rows(folder, "epoch_price_trends", inside)


@guard("epoch-trends-mostly-faster", "chapters/epoch.qmd",
       "Epoch's own earlier measurements of the cheapest price to reach fixed benchmark scores "
       "(@fig-epoch-price-trends) mostly run faster still",
       falsify=_trends_inside_range)
def trends_mostly_faster() -> Verdict:
    """More than half of the benchmark thresholds' yearly price-reduction factors lie above the
    top of Epoch's stated range."""
    trends = _trends()
    _, high = epoch.stated_decline_range()
    above = int((trends["yearly_reduction_factor"] > high).sum())
    return Verdict(above > len(trends) / 2, {"thresholds": len(trends), "above the range": above,
                                              "top of the range": high})


def _later_run_dearer(folder: Path) -> None:
    def dearer(row: dict) -> None:
        if row["model"] == "GPT-5.2":
            row["usd_per_million_output_tokens"] = "40.00"

    edit_rows(folder, "api_prices", dearer)


@guard("epoch-frontiermath-below-range", "chapters/epoch.qmd",
       "a little below the bottom of Epoch's range, and far below most of Epoch's earlier "
       "benchmark trends",
       falsify=_later_run_dearer)
def frontiermath_below_range() -> Verdict:
    """The FrontierMath example's yearly rate is below the bottom of Epoch's range but at least
    half of it ("a little below"), and the median benchmark trend is at least twice that rate
    ("far below most")."""
    rate = epoch.frontiermath_example().yearly_rate
    low, _ = epoch.stated_decline_range()
    median = float(_trends()["yearly_reduction_factor"].median())
    holds = low / 2 <= rate < low and median >= 2 * rate
    return Verdict(holds, {"yearly rate": round(rate, 2), "bottom of the range": low,
                           "median trend": round(median, 2)})


def _narrow_intervals(folder: Path) -> None:
    def narrow(row: dict) -> None:
        factor = float(row["yearly_reduction_factor"])
        row.update(ci90_low=f"{factor * 0.9:.6g}", ci90_high=f"{factor * 1.1:.6g}")

    edit_rows(folder, "epoch_price_trends", narrow)


@guard("epoch-some-intervals-wide", "chapters/epoch.qmd", "Some intervals are very wide",
       falsify=_narrow_intervals)
def some_intervals_wide() -> Verdict:
    """At least one threshold's 90% interval spans a factor of ten or more (high ÷ low)."""
    trends = _trends()
    widest = float((trends["ci90_high"] / trends["ci90_low"]).max())
    return Verdict(widest >= 10, {"widest interval (high ÷ low)": round(widest, 1)})


# --- Synthesis -----------------------------------------------------------------------------------


def _slow_task_growth(folder: Path) -> None:
    def slow(row: dict) -> None:
        if row["method"] == "from_2023_on":
            row.update(doubling_days="2000", ci_low_days="1500", ci_high_days="2500")

    edit_rows(folder, "metr_doubling_times", slow)


@guard("synthesis-lines-rise-and-fall", "chapters/synthesis.qmd",
       "The line in Ord's spirit climbs towards the dotted parity rule; yours starts level; the "
       "others fall",
       falsify=_slow_task_growth)
def synthesis_lines() -> Verdict:
    """At the sliders' starting values, the cost fraction in Ord's spirit grows each year, the
    reader's line changes by less than 0.1% a year ("level"), and every other line shrinks; the
    line in Epoch's spirit shrinks at either end of Epoch's range, as the chapter says."""
    from dataclasses import replace

    from inference_debate.models import combined

    defaults = combined.slider_parameters(combined.default_sliders())
    yearly = {}
    scenarios = combined.default_scenarios()
    for scenario in scenarios:
        params = scenario.resolve(defaults)
        yearly[scenario.author] = params.inference_growth / (
            params.cost_decline * params.task_growth)
    epoch_line = next(s for s in scenarios if s.author == "epoch")
    ends = []
    for rate in epoch.stated_decline_range():
        params = replace(epoch_line, pinned={"cost_decline": rate}).resolve(defaults)
        ends.append(params.inference_growth / (params.cost_decline * params.task_growth))
    others = [f for a, f in yearly.items() if a not in ("ord", "reader")]
    holds = (yearly["ord"] > 1 and abs(yearly["reader"] - 1) < 1e-3
             and all(f < 1 for f in others) and all(f < 1 for f in ends))
    values = {f"{a} yearly factor": round(f, 4) for a, f in yearly.items()}
    values["Epoch's line at the ends of its range"] = [round(f, 3) for f in ends]
    return Verdict(holds, values)
