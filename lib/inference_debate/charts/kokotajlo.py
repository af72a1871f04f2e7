"""Charts for Daniel Kokotajlo's chapter: s-curves with rising plateaus, the exchange rate read
along them, the Grok 4 thought experiment, and the human cost of METR's time horizons."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from inference_debate import data
from inference_debate.charts.common import (
    PALETTE,
    assumption_rows,
    figure_builder,
    finish,
    stated_rows,
)
from inference_debate.models import kokotajlo as model
from inference_debate.models import ord as ord_model

_TEXT_SOURCES = ("ord-2025-rl-scale",)
_ORD_PAIR = ("ord_rl_multiplier_large", "ord_inference_multiplier_large")
_COMPUTE = alt.Tooltip("compute:Q", title="inference compute (relative)", format=",.3~r")


def ord_slope_ratio() -> float:
    """Ord's exchange rate as a slope ratio: log(10,000) / log(100), from the stated figures."""
    return ord_model.implied_ratio(data.stated("ord_rl_multiplier_large"),
                                   data.stated("ord_inference_multiplier_large"))


@figure_builder
def s_curves_chart(curves: tuple[model.SCurve, ...] = model.ILLUSTRATIVE_CURVES) -> alt.LayerChart:
    """Performance against inference compute for three training levels (illustration).

    Parameters
    ----------
    curves : the s-curves to draw, base model first.

    Returns
    -------
    alt.LayerChart
        One logistic curve per training level on a log inference-compute axis, and a band over
        the base model's steep climb, where an exchange rate like Ord's is read.
    """
    table = model.curve_table(curves).assign(
        compute=lambda d: 10.0 ** d["log10_compute"],
        performance_pct=lambda d: 100 * d["performance"],
    )[["model", "compute", "performance_pct"]].round({"performance_pct": 2})
    table["compute"] = table["compute"].map(lambda v: float(f"{v:.4g}"))
    low, high = curves[0].steep_region(0.2, 0.8)
    band = pd.DataFrame({"start": [10.0**low], "end": [10.0**high],
                         "label": ["steep part of the base curve"]})
    order = [c.name for c in curves]
    x = alt.X("compute:Q", title="Inference compute (relative)",
              scale=alt.Scale(type="log"))
    chart = alt.layer(
        alt.Chart(band).mark_rect(opacity=0.12, color=PALETTE[7]).encode(
            x=alt.X("start:Q", title="Inference compute (relative)",
                    scale=alt.Scale(type="log")), x2="end:Q",
            tooltip=[alt.Tooltip("label:N", title="band"),
                     alt.Tooltip("start:Q", title="from", format=",.3~r"),
                     alt.Tooltip("end:Q", title="to", format=",.3~r")]),
        alt.Chart(table).mark_line().encode(
            x=x,
            y=alt.Y("performance_pct:Q", title="Performance (% of tasks)",
                    scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("model:N", title="Training", sort=order),
            tooltip=[alt.Tooltip("model:N", title="training"), _COMPUTE,
                     alt.Tooltip("performance_pct:Q", title="performance (%)", format=".1f")]),
    )
    return finish(chart, kind="illustration", sources=_TEXT_SOURCES, switch=("x",))


@figure_builder
def exchange_rate_chart(
    curves: tuple[model.SCurve, ...] = model.ILLUSTRATIVE_CURVES,
) -> alt.LayerChart:
    """The slope ratio one would read at each point of the illustrative curves.

    Parameters
    ----------
    curves : the s-curves, base model first.

    Returns
    -------
    alt.LayerChart
        Decades of RL worth one decade of inference, read over a 100x inference window, along
        the compute axis for each adjacent pair of training levels; a rule at Ord's ratio.
    """
    window = np.log10(data.stated("o1_aime_inference_multiplier"))
    low = curves[0].steep_region(0.1, 0.9)[0]
    table = model.exchange_rate_table(curves, log10_min=low, log10_max=5.0, points=41,
                                      window_decades=window)
    table = table[table["slope_ratio"] > 0].assign(
        compute=lambda d: (10.0 ** d["log10_compute"]).map(lambda v: float(f"{v:.4g}")),
        slope_ratio=lambda d: d["slope_ratio"].map(lambda v: float(f"{v:.4g}")),
    )[["pair", "compute", "slope_ratio"]]
    rule = pd.DataFrame({"slope_ratio": [ord_slope_ratio()], "label": ["Ord's reading"]})
    y_scale = alt.Scale(type="log")
    chart = alt.layer(
        alt.Chart(table).mark_line().encode(
            x=alt.X("compute:Q", title="Inference compute where the rate is read",
                    scale=alt.Scale(type="log")),
            y=alt.Y("slope_ratio:Q", title="Decades of RL worth one decade of inference",
                    scale=y_scale),
            color=alt.Color("pair:N", title="Between", sort=list(table["pair"].unique())),
            tooltip=[alt.Tooltip("pair:N", title="between"), _COMPUTE,
                     alt.Tooltip("slope_ratio:Q", title="slope ratio", format=".3~r")]),
        alt.Chart(rule).mark_rule(strokeDash=[6, 4], color=PALETTE[7]).encode(
            y=alt.Y("slope_ratio:Q", scale=y_scale),
            tooltip=[alt.Tooltip("label:N", title="rule"),
                     alt.Tooltip("slope_ratio:Q", title="slope ratio", format=".3~r")]),
    )
    return finish(chart, kind="illustration",
                  rows={"stated_figures": stated_rows(*_ORD_PAIR)}, sources=_TEXT_SOURCES,
                  switch=("x", "y"))


def thought_experiment() -> model.ThoughtExperiment:
    """Kokotajlo's Grok 4 question on the illustrative curves, with the stated multipliers."""
    return model.grok4_thought_experiment(data.stated("grok4_rl_multiplier"), ord_slope_ratio())


@figure_builder
def grok4_chart() -> alt.LayerChart:
    """The base model given more inference, under a constant exchange rate and under plateaus.

    Returns
    -------
    alt.LayerChart
        Score against the inference multiplier given to the base model: a straight rise that
        meets the RL-trained model's score (constant rate) and an s-curve that levels off below
        it (plateau model); a rule at the trained model's score and a point where the constant
        rate says the two meet.
    """
    exp = thought_experiment()
    table = exp.table(log10_max=5.0, points=41).assign(
        score_pct=lambda d: (100 * d["score"]).round(2),
    )[["model", "inference_multiplier", "score_pct"]]
    target = pd.DataFrame({"score_pct": [100 * exp.target],
                           "label": ["RL-trained model at its budget"]})
    meet = pd.DataFrame({"inference_multiplier": [exp.matching_inference_multiplier],
                         "score_pct": [100 * exp.target],
                         "label": ["where a constant rate says they meet"]})
    x = alt.X("inference_multiplier:Q", title="Extra inference given to the base model",
              scale=alt.Scale(type="log"))
    y = alt.Y("score_pct:Q", title="Performance (% of tasks)", scale=alt.Scale(domain=[0, 100]))
    mult = alt.Tooltip("inference_multiplier:Q", title="inference multiplier", format=",.3~r")
    score = alt.Tooltip("score_pct:Q", title="performance (%)", format=".1f")
    chart = alt.layer(
        alt.Chart(table).mark_line().encode(
            x=x, y=y, color=alt.Color("model:N", title="If the base model follows"),
            strokeDash=alt.StrokeDash("model:N", title="If the base model follows"),
            tooltip=[alt.Tooltip("model:N", title="model"), mult, score]),
        alt.Chart(target).mark_rule(color=PALETTE[2]).encode(
            y="score_pct:Q", tooltip=[alt.Tooltip("label:N", title="rule"), score]),
        alt.Chart(meet).mark_point(size=120, color=PALETTE[2], filled=True).encode(
            x=x, y=y, tooltip=[alt.Tooltip("label:N", title="point"), mult, score]),
    )
    return finish(chart, kind="illustration",
                  rows={"stated_figures": stated_rows("grok4_rl_multiplier", *_ORD_PAIR)},
                  sources=_TEXT_SOURCES, switch=("x",))


def horizon_values(release: str | None = None) -> pd.DataFrame:
    """METR 50% horizons of one release (by default the newest) with display names and human
    cost at the book's rate."""
    release = release or data.latest_release("metr_horizons")
    horizons = data.load_table("metr_horizons")
    horizons = horizons[horizons["release"] == release]
    names = data.load_table("models")[["model_id", "display_name"]]
    merged = horizons.merge(names, on="model_id", how="left")
    merged["display_name"] = merged["display_name"].fillna(merged["model_id"])
    return model.horizon_values(merged, data.assumption("human_hourly_rate_usd"))


@figure_builder
def horizon_value_chart(release: str | None = None) -> alt.LayerChart:
    """Human cost of a task as long as each model's 50% time horizon, by release date.

    Parameters
    ----------
    release : METR Time Horizon release to plot (by default the newest in the data).

    Returns
    -------
    alt.LayerChart
        One point per model (state-of-the-art models marked) with its 95% interval, on a log
        dollar axis: what a person at the book's hourly rate would cost for such a task.
    """
    release = release or data.latest_release("metr_horizons")
    table = horizon_values(release)
    table = table.assign(
        frontier=np.where(table["is_sota"], "state of the art at release", "other"),
    )[["display_name", "release_date", "p50_horizon_minutes", "human_cost_usd",
       "human_cost_low_usd", "human_cost_high_usd", "frontier"]]
    y_scale = alt.Scale(type="log")
    # One tick a year, labelled with the year: a default time axis puts several ticks in each
    # year, and "%Y" then prints the same year under each of them.
    x = alt.X("release_date:T", title="Model release date",
              axis=alt.Axis(format="%Y", tickCount={"interval": "year", "step": 1}))
    tooltip = [
        alt.Tooltip("display_name:N", title="model"),
        alt.Tooltip("release_date:T", title="released", format="%b %Y"),
        alt.Tooltip("p50_horizon_minutes:Q", title="50% horizon (minutes)", format=",.3~r"),
        alt.Tooltip("human_cost_usd:Q", title="human cost of such a task ($)", format="$,.3~r"),
    ]
    colour = alt.Color("frontier:N", title="Model",
                       scale=alt.Scale(domain=["state of the art at release", "other"],
                                       range=[PALETTE[2], PALETTE[7]]))
    chart = alt.layer(
        # an interval reaching zero cannot be drawn on a log axis; those points stand alone
        alt.Chart(table[table["human_cost_low_usd"] > 0]).mark_rule(opacity=0.8).encode(
            x=x, y=alt.Y("human_cost_low_usd:Q", scale=y_scale), y2="human_cost_high_usd:Q",
            color=colour, tooltip=tooltip),
        alt.Chart(table).mark_point().encode(
            x=x, y=alt.Y("human_cost_usd:Q", scale=y_scale,
                         title="Human cost of a task that long (US$)"),
            color=colour, tooltip=tooltip),
    )
    horizons = data.load_table("metr_horizons")
    return finish(chart, kind="book-analysis", tables=["models"],
                  rows={"metr_horizons": horizons[horizons["release"] == release],
                        "assumptions": assumption_rows("human_hourly_rate_usd")},
                  switch=("y",))
