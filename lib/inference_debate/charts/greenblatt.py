"""Charts for Ryan Greenblatt's chapter: illustrative budget–time-horizon frontiers, the same
frontiers against cost as a fraction of human cost, and METR's measured time horizons."""

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
from inference_debate.models import greenblatt as model

_TEXT = "greenblatt-2026"
_HUMAN_COLOUR = "#000000"


def _ILLUSTRATION_ROWS() -> dict[str, pd.DataFrame]:  # noqa: N802 - a constant computed late
    return {"stated_figures": stated_rows("greenblatt_easy_compute_multiplier",
                                          "greenblatt_easy_horizon_multiplier"),
            "assumptions": assumption_rows("human_hourly_rate_usd")}


def _rate_slider(name: str, rate: float) -> alt.Parameter:
    return alt.param(name=name, value=float(rate),
                     bind=alt.binding_range(min=10, max=300, step=5,
                                            name="Human hourly rate (USD) "))


def _fraction_calc(rate_param: str) -> dict[str, str]:
    return {"human_usd": f"datum.horizon_minutes / 60 * {rate_param}",
            "fraction": "datum.cost_usd / datum.human_usd"}


def _frontier_colour(names: list[str]) -> alt.Color:
    return alt.Color("frontier:N", title=None,
                     scale=alt.Scale(domain=names + ["Human"],
                                     range=PALETTE[: len(names)] + [_HUMAN_COLOUR]))


def _frontier_data(params: model.FrontierSet | None) -> tuple[pd.DataFrame, list[str], float]:
    rate = model.human_hourly_rate()
    table = model.frontier_table(params, rate)
    ai = table[table["kind"] == "ai"][["frontier", "cost_usd", "horizon_minutes"]]
    names = list(dict.fromkeys(ai["frontier"]))
    return ai.reset_index(drop=True), names, rate


def _human_costs(params: model.FrontierSet | None) -> pd.DataFrame:
    params = params or model.FrontierSet()
    costs = np.geomspace(params.cost_min_usd, params.cost_max_usd, 40)
    return pd.DataFrame({"frontier": "Human", "cost_usd": costs})


_TIPS = [
    alt.Tooltip("frontier:N", title="frontier"),
    alt.Tooltip("cost_usd:Q", title="budget (USD)", format="$,.3~r"),
    alt.Tooltip("horizon_minutes:Q", title="time horizon (minutes)", format=",.3~r"),
    alt.Tooltip("human_usd:Q", title="human cost (USD)", format="$,.3~r"),
    alt.Tooltip("fraction:Q", title="fraction of human cost", format=".2~r"),
]


@figure_builder
def frontiers_chart(params: model.FrontierSet | None = None) -> alt.LayerChart:
    """Illustrative Pareto frontiers of budget against time horizon, with the human line.

    Parameters
    ----------
    params : the frontiers' made-up parameters; defaults to :class:`FrontierSet`'s.

    Returns
    -------
    alt.LayerChart
        Log-log: cost per task on x, 50% time horizon on y. The human line's height follows a
        slider for the hourly rate (starting at the book's assumption); the dashed frontier is
        the newest model in an easy-to-check domain ("8x compute for 2x horizon").
    """
    ai, names, rate = _frontier_data(params)
    horizon_max = (params or model.FrontierSet()).horizon_max_minutes
    slider = _rate_slider("hourly_rate_frontier", rate)
    x = alt.X("cost_usd:Q", title="Budget per task (USD)", scale=alt.Scale(type="log"))
    y = alt.Y("horizon_minutes:Q", title="50% time horizon (minutes of human work)",
              scale=alt.Scale(type="log"))
    colour = _frontier_colour(names)
    dash = alt.StrokeDash("easy:N", legend=None,
                          scale=alt.Scale(domain=[False, True], range=[[1, 0], [6, 4]]))
    easy_name = (params or model.FrontierSet()).easy_domain_name
    calc = _fraction_calc(slider.name)
    ai_layer = alt.Chart(ai).transform_calculate(
        easy=f"datum.frontier == '{easy_name}'", **calc,
    ).mark_line().encode(x=x, y=y, color=colour, strokeDash=dash, tooltip=_TIPS)
    human_layer = alt.Chart(_human_costs(params)).transform_calculate(
        horizon_minutes=f"datum.cost_usd / {slider.name} * 60", **calc,
    ).transform_filter(f"datum.horizon_minutes <= {horizon_max}").mark_line().encode(
        x=x, y=y, color=colour, tooltip=_TIPS)
    chart = alt.layer(human_layer, ai_layer).add_params(slider)
    return finish(chart, kind="illustration", rows=_ILLUSTRATION_ROWS(), sources=(_TEXT,),
                  switch=("x", "y"))


@figure_builder
def fraction_chart(params: model.FrontierSet | None = None) -> alt.LayerChart:
    """The illustrative frontiers against cost as a fraction of human cost, with the two shifts.

    Parameters
    ----------
    params : the frontiers' made-up parameters; defaults to :class:`FrontierSet`'s.

    Returns
    -------
    alt.LayerChart
        Fraction of human cost on a log x-axis, time horizon on a log y-axis, the human line as
        a vertical rule at 1, and two arrows: an upward one ("bigger tasks, same efficiency")
        and a rightward one ("inference scaling"). A slider sets the hourly rate.
    """
    ai, names, rate = _frontier_data(params)
    slider = _rate_slider("hourly_rate_fraction", rate)
    x = alt.X("fraction:Q", title="Cost as a fraction of human cost", scale=alt.Scale(type="log"))
    y = alt.Y("horizon_minutes:Q", title="50% time horizon (minutes of human work)",
              scale=alt.Scale(type="log"))
    colour = _frontier_colour(names)
    easy_name = (params or model.FrontierSet()).easy_domain_name
    calc = _fraction_calc(slider.name)
    dash = alt.StrokeDash("easy:N", legend=None,
                          scale=alt.Scale(domain=[False, True], range=[[1, 0], [6, 4]]))
    ai_layer = alt.Chart(ai).transform_calculate(
        easy=f"datum.frontier == '{easy_name}'", **calc,
    ).transform_filter("datum.fraction <= 20").mark_line().encode(
        x=x, y=y, color=colour, strokeDash=dash, tooltip=_TIPS)
    human = pd.DataFrame({"frontier": ["Human"], "fraction": [1.0]})
    human_layer = alt.Chart(human).mark_rule(color=_HUMAN_COLOUR).encode(
        x="fraction:Q", tooltip=[alt.Tooltip("frontier:N", title="frontier"),
                                 alt.Tooltip("fraction:Q", title="fraction of human cost")])
    moves = model.shifts(params, rate)
    arrows = pd.DataFrame({
        "shift": [m.kind for m in moves],
        "start_usd": [m.start_fraction * model.human_cost_usd(m.start_minutes, rate)
                      for m in moves],
        "end_usd": [m.end_fraction * model.human_cost_usd(m.end_minutes, rate) for m in moves],
        "start_minutes": [m.start_minutes for m in moves],
        "end_minutes": [m.end_minutes for m in moves],
        "shape": ["triangle-up", "triangle-right"],
    })
    arrow_calc = alt.Chart(arrows).transform_calculate(
        start_fraction=f"datum.start_usd / (datum.start_minutes / 60 * {slider.name})",
        end_fraction=f"datum.end_usd / (datum.end_minutes / 60 * {slider.name})",
        horizon_gain="datum.end_minutes / datum.start_minutes",
        fraction_gain="datum.end_fraction / datum.start_fraction",
    )
    arrow_tips = [alt.Tooltip("shift:N", title="shift"),
                  alt.Tooltip("horizon_gain:Q", title="horizon grows ×", format=",.2~r"),
                  alt.Tooltip("fraction_gain:Q", title="fraction of human cost grows ×",
                              format=",.2~r")]
    arrow_colour = alt.Color("shift:N", title="Shift",
                             scale=alt.Scale(range=["#444444", PALETTE[4]]))
    rule = arrow_calc.mark_rule(strokeWidth=2.5).encode(
        x=alt.X("start_fraction:Q", scale=alt.Scale(type="log")), x2="end_fraction:Q",
        y=alt.Y("start_minutes:Q", scale=alt.Scale(type="log")), y2="end_minutes:Q",
        color=arrow_colour, tooltip=arrow_tips)
    head = arrow_calc.mark_point(size=120, filled=True, opacity=1).encode(
        x=alt.X("end_fraction:Q", scale=alt.Scale(type="log")),
        y=alt.Y("end_minutes:Q", scale=alt.Scale(type="log")),
        shape=alt.Shape("shape:N", scale=None),
        color=alt.Color("shift:N", legend=None, scale=alt.Scale(range=["#444444", PALETTE[4]])),
        tooltip=arrow_tips)
    chart = alt.layer(human_layer, ai_layer, rule, head).add_params(slider).resolve_scale(
        color="independent")
    return finish(chart, kind="illustration", rows=_ILLUSTRATION_ROWS(), sources=(_TEXT,),
                  switch=("x", "y"))


@figure_builder
def metr_horizons_chart() -> alt.LayerChart:
    """METR's 50% time horizons by release date, with CIs and the library's fitted trend.

    Returns
    -------
    alt.LayerChart
        Points (state-of-the-art at release or not) with 95% CI bars on a log y-axis, and the
        doubling-time trend fitted on state-of-the-art models from 2023 on. The tooltip gives the
        human cost of a task of that length at the book's assumed hourly rate.
    """
    rate = model.human_hourly_rate()
    table = model.horizons_with_human_cost(rate)
    names = data.load_table("models")[["model_id", "display_name"]]
    table = table.merge(names, on="model_id", how="left")
    table["display_name"] = table["display_name"].fillna(table["model_id"])
    table["status"] = np.where(table["is_sota"].astype(bool), "state of the art at release",
                               "not state of the art")
    cols = ["display_name", "release_date", "p50_horizon_minutes", "p50_ci_low_minutes",
            "p50_ci_high_minutes", "p50_human_usd", "status"]
    points = table[cols]
    fit = model.fit_doubling_time(table)
    last = pd.to_datetime(table["release_date"]).max()
    dates = pd.date_range(fit.start, last, periods=30)
    trend = pd.DataFrame({"release_date": dates,
                          "p50_horizon_minutes": fit.horizon_minutes(dates),
                          "doubling_days": fit.doubling_days})
    x = alt.X("release_date:T", title="Release date",
              axis=alt.Axis(format="%Y", tickCount={"interval": "year", "step": 1}))
    y = alt.Y("p50_horizon_minutes:Q", title="50% time horizon (minutes)",
              scale=alt.Scale(type="log"))
    tip = [alt.Tooltip("display_name:N", title="model"),
           alt.Tooltip("release_date:T", title="released", format="%Y-%m-%d"),
           alt.Tooltip("p50_horizon_minutes:Q", title="50% horizon (min)", format=",.3~r"),
           alt.Tooltip("p50_ci_low_minutes:Q", title="95% CI low (min)", format=",.3~r"),
           alt.Tooltip("p50_ci_high_minutes:Q", title="95% CI high (min)", format=",.3~r"),
           alt.Tooltip("p50_human_usd:Q", title=f"human cost at ${rate:,.0f}/h",
                       format="$,.3~r"),
           alt.Tooltip("status:N", title="status")]
    colour = alt.Color("status:N", title=None,
                       scale=alt.Scale(domain=["state of the art at release",
                                               "not state of the art"],
                                       range=[PALETTE[1], "#9a9a9a"]))
    chart = alt.layer(
        alt.Chart(points).mark_rule(strokeWidth=1.5).encode(
            x=x, y=alt.Y("p50_ci_low_minutes:Q", scale=alt.Scale(type="log")),
            y2="p50_ci_high_minutes:Q", color=colour, tooltip=tip),
        alt.Chart(trend).mark_line(strokeDash=[6, 4], color="#444444").encode(
            x=x, y=y,
            tooltip=[alt.Tooltip("release_date:T", title="date", format="%Y-%m"),
                     alt.Tooltip("p50_horizon_minutes:Q", title="fitted horizon (min)",
                                 format=",.3~r"),
                     alt.Tooltip("doubling_days:Q", title="doubling time (days)",
                                 format=".0f")]),
        alt.Chart(points).mark_point(size=70).encode(x=x, y=y, color=colour, tooltip=tip),
    )
    horizons = data.load_table("metr_horizons")
    return finish(chart, kind="book-analysis", tables=["models"],
                  rows={"metr_horizons": horizons,
                        "assumptions": assumption_rows("human_hourly_rate_usd")},
                  switch=("y",))
