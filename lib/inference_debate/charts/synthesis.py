"""The synthesis chart: AI cost of the frontier task as a fraction of human cost, one line per
set of the book's parameters in the spirit of one author, recomputed in the browser as the
reader moves four sliders. The whole chart is the book's analysis."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from inference_debate.charts.common import AUTHOR_COLOURS, PALETTE, figure_builder, finish
from inference_debate.models import combined as model

#: Slider settings at which the Python model's values are stamped into the chart for the
#: browser test: the defaults, and every parameter moved.
CHECK_OFFSETS = {"start_fraction": 2.0, "inference_growth": 3.0, "cost_decline": 0.5,
                 "task_growth": 0.5}


def check_settings(sliders: list[model.Slider]) -> list[model.Parameters]:
    """Two slider settings: the defaults, and each default scaled and snapped into its range."""
    moved = {}
    for s in sliders:
        value = min(max(s.default * CHECK_OFFSETS[s.name], s.low), s.high)
        moved[s.name] = round(round(value / s.step) * s.step, 10)
    return [model.slider_parameters(sliders), model.Parameters(**moved)]


@figure_builder
def model_chart(years: float = 5.0) -> alt.LayerChart:
    """Cost per frontier task relative to human cost over the coming years, five lines.

    Parameters
    ----------
    years : how many years ahead to draw.

    Returns
    -------
    alt.LayerChart
        One line per scenario (Ord, Greenblatt, Kokotajlo, Epoch, the reader's settings) on a log
        axis, with a rule at parity with human cost. Each line is computed in the browser from
        the sliders named after the model's parameters; `usermeta.model_check` holds the Python
        model's values at two slider settings.
    """
    sliders = model.default_sliders()
    scenarios = model.default_scenarios()
    t = np.arange(0.0, years + 0.25, 0.5)
    table = model.scenario_rows(scenarios, t)
    params = [
        alt.param(name=s.name, value=s.default,
                  bind=alt.binding_range(min=s.low, max=s.high, step=s.step, name=s.label + " "))
        for s in sliders
    ]
    names = [s.name for s in scenarios]
    colours = [AUTHOR_COLOURS.get(s.author, PALETTE[7]) for s in scenarios]
    tooltip = [alt.Tooltip("scenario:N"), alt.Tooltip("year:Q", format=".1f"),
               alt.Tooltip("cost_fraction:Q", title="AI cost ÷ human cost", format=",.3~r"),
               alt.Tooltip("inference_growth:Q", title="inference per query × a year",
                           format=".2f"),
               alt.Tooltip("cost_decline:Q", title="cost decline × a year", format=".2f"),
               alt.Tooltip("task_growth:Q", title="task growth × a year", format=".2f")]
    # No fixed domain and no clamp: the axis follows the lines wherever the sliders send them,
    # so a line that keeps falling is drawn falling, not flattened against the axis's floor.
    y_scale = alt.Scale(type="log")
    lines = alt.Chart(table).mark_line(point=True).encode(
        x=alt.X("year:Q", title="Years from now"),
        y=alt.Y("cost_fraction:Q", scale=y_scale,
                title="AI cost of the frontier task ÷ human cost"),
        # The legend names each line and says when it reaches parity at the current settings.
        color=alt.Color("scenario:N", title=["The book's lines, in the spirit of",
                                             "(and when each reaches parity)"],
                        scale=alt.Scale(domain=names, range=colours),
                        legend=alt.Legend(labelExpr=model.vega_parity_label(scenarios))),
        strokeDash=alt.condition("datum.scenario === 'Your settings'", alt.value([5, 3]),
                                 alt.value([1, 0])),
        tooltip=tooltip,
    ).add_params(*params)
    for field, expr in model.VEGA_CALCULATIONS:
        lines = lines.transform_calculate(**{field: expr})
    parity = pd.DataFrame({"cost_fraction": [1.0], "label": ["AI costs as much as a person"]})
    rule = alt.Chart(parity).mark_rule(color=PALETTE[7], strokeDash=[2, 2]).encode(
        y=alt.Y("cost_fraction:Q", scale=y_scale),
        tooltip=[alt.Tooltip("label:N", title="rule")])
    chart = finish(alt.layer(lines, rule),
                   kind="book-analysis", rows=model.parameter_rows(),
                   sources=("ord-2025-rl-scale", "greenblatt-2026", "book-assumptions"),
                   switch=("y",), height=380)
    chart.usermeta["model_check"] = model.model_check(scenarios, check_settings(sliders), t)
    return chart
