"""The introduction's chart: cost of a pass over METR's task suite against the horizon reached."""

from __future__ import annotations

import altair as alt
import pandas as pd

from inference_debate import data, fmt
from inference_debate.charts.common import figure_builder, finish, sequential_colours


def cost_and_horizon() -> pd.DataFrame:
    """METR release 1.0 costs joined with display names; one row per model with a recorded cost."""
    costs = data.load_table("metr_costs")
    names = data.load_table("models").drop_duplicates("model_id").set_index("model_id")
    out = costs[costs["usd_per_pass"] > 0].copy()
    out["model"] = out["model_id"].map(names["display_name"]).fillna(out["model_id"])
    out["year"] = out["release_date"].dt.year.astype(str)
    out["released"] = out["release_date"].dt.strftime("%Y-%m-%d")
    return out[["model", "released", "year", "p50_horizon_minutes", "usd_per_pass"]]


@figure_builder
def cost_horizon_chart() -> alt.Chart:
    """Scatter of the cost of one pass over METR's suite against the 50% time horizon, log-log.

    Returns
    -------
    alt.Chart
        Points coloured by release year, both axes logarithmic; the reader can switch the
        cost axis to linear.
    """
    rows = cost_and_horizon()
    years = sorted(rows["year"].unique())
    chart = alt.Chart(rows).mark_point(filled=True, size=70, opacity=0.85).encode(
        x=alt.X("p50_horizon_minutes:Q", scale=alt.Scale(type="log"),
                title="50% time horizon (minutes of human work)"),
        y=alt.Y("usd_per_pass:Q", scale=alt.Scale(type="log"),
                title="Cost of one pass over the suite (US$)"),
        color=alt.Color("year:O", title="Released",
                        scale=alt.Scale(domain=years, range=sequential_colours(len(years)))),
        # Three significant figures, so that GPT-2's seconds and cents do not read as zero.
        tooltip=[alt.Tooltip("model:N", title="Model"), alt.Tooltip("released:N", title="Released"),
                 alt.Tooltip("p50_horizon_minutes:Q", title="50% horizon (min)", format=",.3~r"),
                 alt.Tooltip("usd_per_pass:Q", title="Cost per pass ($)", format=",.3~r")],
    )
    costs = data.load_table("metr_costs")
    return finish(chart, kind="data", tables=["metr_costs", "models"],
                  rows={"metr_costs": costs[costs["usd_per_pass"] > 0]},
                  sources=["metr-release-dates"], switch=("x", "y"))


def horizon_in_release(display_name: str, release: str) -> pd.Series | None:
    """One model's row of `metr_horizons` in a release, by display name; None if not measured."""
    horizons = data.load_table("metr_horizons")
    names = data.load_table("models").drop_duplicates("model_id").set_index("model_id")
    rows = horizons[horizons["release"] == release]
    match = rows[rows["model_id"].map(names["display_name"]) == display_name]
    return None if match.empty else match.iloc[0]


def horizon_in_release_1_0(display_name: str) -> float | None:
    """A model's 50% horizon (minutes) in METR's release 1.0, the release that records costs;
    None if release 1.0 did not measure it."""
    rows = cost_and_horizon()
    match = rows[rows["model"] == display_name]
    return None if match.empty else float(match["p50_horizon_minutes"].iloc[0])


def release_note(display_name: str, horizon_1_1: float) -> str:
    """A sentence on why a model's horizon in release 1.1 differs from the introduction's (1.0)."""
    earlier = horizon_in_release_1_0(display_name)
    if earlier is None:
        return (f"Release 1.0 of METR's results, whose costs the introduction charts, did not "
                f"measure {display_name}.")
    return (f"The introduction's cost chart gives {display_name} a horizon of "
            f"{fmt.duration(earlier)}, against {fmt.duration(horizon_1_1)} here: it uses METR's "
            "release 1.0, the only one that records costs, and release 1.1 measured the model "
            "again on a newer version of the task suite.")
