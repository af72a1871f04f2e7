"""Charts for Epoch AI's chapter: the FrontierMath example, Epoch's published price trends, the
$50,000 illustration with an adjustable rate, and the RL multiplier as RL's slope improves."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from inference_debate import data
from inference_debate.charts.common import PALETTE, figure_builder, finish, stated_rows
from inference_debate.models import epoch as model
from inference_debate.models import ord as ord_model

_EPOCH = ("epoch-2026-inference-burden",)
_FRONTIERMATH = ("frontiermath_accuracy_pct", "frontiermath_o4mini_output_tokens",
                 "frontiermath_gpt52_output_tokens", "frontiermath_months_between")


def _frontiermath_rows() -> dict[str, pd.DataFrame]:
    """The stated FrontierMath runs and the two published prices they are costed at."""
    prices = data.load_table("api_prices")
    runs = model.frontiermath_example()
    return {"stated_figures": stated_rows(*_FRONTIERMATH),
            "api_prices": prices[prices["model"].isin([runs.earlier.model, runs.later.model])]}


@figure_builder
def frontiermath_chart() -> alt.Chart:
    """Cost of reaching the same FrontierMath accuracy with two models eight months apart.

    Returns
    -------
    alt.Chart
        One bar per run: output tokens times the model's published output price, its axis label
        giving the tokens and price it is made of.
    """
    cmp = model.frontiermath_example()
    runs = [cmp.earlier, cmp.later]
    table = pd.DataFrame({
        "model": [r.model for r in runs],
        "released": [r.release_date for r in runs],
        "output_tokens_m": [r.output_tokens / 1e6 for r in runs],
        "usd_per_million": [r.usd_per_million_output_tokens for r in runs],
        "cost_usd": [r.cost_usd for r in runs],
    })
    # Each bar's axis label names the run and what its cost is made of, one part a line, so
    # that the label stays narrow on a phone.
    table["row"] = [f"{m}|{t:,.0f}M tokens|× ${p:,.2f}/M" for m, t, p in
                    zip(table["model"], table["output_tokens_m"], table["usd_per_million"],
                        strict=True)]
    y = alt.Y("row:N", title=None, sort=list(table["row"]),
              axis=alt.Axis(labelExpr="split(datum.label, '|')", labelLimit=0))
    tooltip = [
        alt.Tooltip("model:N"),
        alt.Tooltip("released:T", title="released", format="%b %Y"),
        alt.Tooltip("output_tokens_m:Q", title="output tokens (millions)", format=",.0f"),
        alt.Tooltip("usd_per_million:Q", title="$ per 1M output tokens", format="$,.2f"),
        alt.Tooltip("cost_usd:Q", title="cost ($)", format="$,.0f"),
    ]
    chart = alt.Chart(table).mark_bar(color=PALETTE[3]).encode(
        x=alt.X("cost_usd:Q", title="Cost of the output tokens (US$)"), y=y, tooltip=tooltip)
    return finish(chart, kind="reconstruction", rows=_frontiermath_rows(), height=160)


@figure_builder
def price_trends_chart() -> alt.LayerChart:
    """Epoch's yearly price-reduction factors with 90% intervals, against the 5-10x range.

    Returns
    -------
    alt.LayerChart
        One row per benchmark and threshold as Epoch published it, a point at the yearly
        factor and a bar over its 90% interval, on a log axis; a band over the 5-10x-a-year
        range the essay states. The FrontierMath example's yearly rate is the book's
        arithmetic, so it is not drawn here (the chapter gives it in the book's reading).
    """
    trends = data.load_table("epoch_price_trends")
    table = merge_identical_trends(trends).sort_values("factor")
    low, high = model.stated_decline_range()
    band = pd.DataFrame({"low": [low], "high": [high], "label": ["Epoch's 5-10x a year"]})
    x_scale = alt.Scale(type="log")
    # Each row is named above its interval, across the plot's whole width, rather than by an
    # axis label beside it: a name stays whole at every width (and in print) and the plot keeps
    # the width on a phone.
    y = alt.Y("row:N", title=None, sort=list(table["row"]), axis=None,
              scale=alt.Scale(paddingInner=0, paddingOuter=0.1))
    tooltip = [alt.Tooltip("row:N", title="benchmark"), alt.Tooltip("kind:N", title="what"),
               alt.Tooltip("factor:Q", title="× cheaper per year", format=",.3~r"),
               alt.Tooltip("low:Q", title="90% interval from", format=",.3~r"),
               alt.Tooltip("high:Q", title="to", format=",.3~r")]
    colour = alt.Color("kind:N", title="Yearly factor")
    chart = alt.layer(
        alt.Chart(band).mark_rect(opacity=0.15, color=PALETTE[3]).encode(
            x=alt.X("low:Q", scale=x_scale,
                    title="Yearly factor by which the price falls"),
            x2="high:Q",
            tooltip=[alt.Tooltip("label:N", title="band"), alt.Tooltip("low:Q", title="from"),
                     alt.Tooltip("high:Q", title="to")]),
        alt.Chart(table.dropna(subset=["low"])).mark_rule(yOffset=6).encode(
            x=alt.X("low:Q", scale=x_scale), x2="high:Q", y=y, color=colour, tooltip=tooltip),
        alt.Chart(table).mark_point(yOffset=6).encode(
            x=alt.X("factor:Q", scale=x_scale), y=y, color=colour, tooltip=tooltip),
        alt.Chart(table).mark_text(align="left", baseline="bottom", dy=-1, fontSize=12).encode(
            x=alt.value(2), y=y, text="row:N", tooltip=tooltip),
    )
    rows = {"epoch_price_trends": trends,
            "stated_figures": stated_rows("epoch_yearly_decline_low",
                                          "epoch_yearly_decline_high")}
    chart = finish(chart, kind="data", rows=rows, switch=("x",), height=30 * len(table))
    chart.usermeta["phone_height"] = 30 * len(table)  # a row needs its 30 px on a phone too
    return chart


def merge_identical_trends(trends: pd.DataFrame) -> pd.DataFrame:
    """One chart row per distinct fitted trend, named after every threshold that shares it.

    In Epoch's release two thresholds can be met by the same cheapest models at the same dates
    (MATH-500 ≥ GPT-4o-2024-05 and MATH level 5 ≥ GPT-4o-2024-05), so their fits are identical;
    they are drawn once, under both names, rather than as two rows that look like a copy.
    """
    rows = []
    keys = ["yearly_reduction_factor", "ci90_low", "ci90_high", "sample_size"]
    for _, group in trends.groupby(keys, sort=False, dropna=False):
        first = group.iloc[0]
        thresholds = list(dict.fromkeys(group["threshold"].astype(str)))
        if len(thresholds) == 1:
            name = " and ".join(group["benchmark"]) + " ≥ " + thresholds[0]
        else:
            name = " and ".join(group["benchmark"] + " ≥ " + group["threshold"].astype(str))
        rows.append({"row": name,
                     "kind": "fitted trend (Epoch)",
                     "factor": first["yearly_reduction_factor"],
                     "low": first["ci90_low"], "high": first["ci90_high"],
                     "thresholds": len(group)})
    return pd.DataFrame(rows)


@figure_builder
def cheapest_prices_chart() -> alt.Chart:
    """The price of the cheapest model above each threshold over time, one benchmark at a time.

    Returns
    -------
    alt.Chart
        Points and step lines of US$ per million tokens against release date on a log axis,
        coloured by threshold; a menu (the `benchmark` parameter) picks the benchmark.
    """
    prices = data.load_table("epoch_cheapest_prices")
    table = prices.assign(threshold=prices["threshold"].astype(str))[
        ["benchmark", "threshold", "model", "release_date", "usd_per_million_tokens", "score"]]
    benchmarks = sorted(table["benchmark"].unique())
    pick = alt.param(name="benchmark", value=benchmarks[0],
                     bind=alt.binding_select(options=benchmarks, name="Benchmark "))
    tooltip = [alt.Tooltip("benchmark:N"), alt.Tooltip("threshold:N", title="threshold"),
               alt.Tooltip("model:N"),
               alt.Tooltip("release_date:T", title="price from", format="%b %Y"),
               alt.Tooltip("usd_per_million_tokens:Q", title="$ per 1M tokens", format="$,.3~r"),
               alt.Tooltip("score:Q", title="score", format=".1f")]
    chart = alt.Chart(table).mark_line(point=True, interpolate="step-after").encode(
        # Every label names its year: the default multi-format axis gives months alone ("April",
        # "August") until the first January.
        # A nice domain ends on a tick, so that the flush last label stays inside the chart.
        x=alt.X("release_date:T", title="Date of the price (model release or price change)",
                scale=alt.Scale(nice=True),
                axis=alt.Axis(format="%b %Y", labelOverlap=True, labelFlush=True)),
        y=alt.Y("usd_per_million_tokens:Q", scale=alt.Scale(type="log"),
                title="Cheapest price at or above the threshold (US$ per 1M tokens)"),
        color=alt.Color("threshold:N", title=["Threshold", "(the model whose score it is)"]),
        tooltip=tooltip,
    ).add_params(pick).transform_filter("datum.benchmark === benchmark")
    return finish(chart, kind="data", rows={"epoch_cheapest_prices": prices}, switch=("y",))


#: The $50,000 illustration's slider: the yearly rate, with Epoch's range inside it.
RATE_SLIDER = {"name": "yearly_rate", "min": 1.5, "max": 20.0, "step": 0.5}

#: The browser's version of :func:`inference_debate.models.epoch.project_cost`.
PROJECTION_EXPR = "datum.start_usd / pow(datum.fixed_rate + datum.rate_free * yearly_rate, " \
                  "datum.year)"


def projection_rows(start_usd: float, fixed: dict[str, float], years: np.ndarray) -> pd.DataFrame:
    """Inline rows: per line and year, the fixed rate (0 for the slider's line) and a free flag."""
    rows = []
    for name, rate in list(fixed.items()) + [("Chosen rate", 0.0)]:
        for t in years:
            rows.append({"line": name, "year": float(t), "start_usd": start_usd,
                         "fixed_rate": rate, "rate_free": 0.0 if rate else 1.0})
    return pd.DataFrame(rows)


@figure_builder
def illustration_chart(years: float = 3.0, default_rate: float | None = None) -> alt.LayerChart:
    """Epoch's $50,000 illustration projected at 5x and 10x a year and at a chosen rate.

    Parameters
    ----------
    years : how many years to project.
    default_rate : the slider's starting value; the FrontierMath example's implied rate if None.

    Returns
    -------
    alt.LayerChart
        Cost against years on a log axis; the chosen-rate line is computed in the browser from
        the `yearly_rate` slider. `usermeta.model_check` holds the Python model's values at two
        slider settings for the browser test.
    """
    start = data.stated("epoch_illustration_start_usd")
    low, high = model.stated_decline_range()
    fixed = {f"{low:g}× a year": low, f"{high:g}× a year": high}
    t = np.linspace(0.0, years, int(years * 4) + 1)
    rate = model.frontiermath_example().yearly_rate if default_rate is None else default_rate
    rate = round(rate / RATE_SLIDER["step"]) * RATE_SLIDER["step"]
    slider = alt.param(name=RATE_SLIDER["name"], value=rate,
                       bind=alt.binding_range(min=RATE_SLIDER["min"], max=RATE_SLIDER["max"],
                                              step=RATE_SLIDER["step"],
                                              name="Yearly rate of decline (×) "))
    table = projection_rows(start, fixed, t)
    tooltip = [alt.Tooltip("line:N", title="rate"), alt.Tooltip("year:Q", format=".2f"),
               alt.Tooltip("cost_usd:Q", title="cost ($)", format="$,.3~r")]
    chart = alt.Chart(table).mark_line(point=True).encode(
        x=alt.X("year:Q", title="Years after the first run"),
        y=alt.Y("cost_usd:Q", scale=alt.Scale(type="log"),
                title="Cost of the same task (US$)"),
        color=alt.Color("line:N", title="Yearly decline", sort=[*fixed, "Chosen rate"]),
        tooltip=tooltip,
    ).add_params(slider).transform_calculate(cost_usd=PROJECTION_EXPR)
    rows = _frontiermath_rows()
    rows["stated_figures"] = stated_rows(*_FRONTIERMATH, "epoch_illustration_start_usd",
                                         "epoch_yearly_decline_low", "epoch_yearly_decline_high")
    chart = finish(chart, kind="illustration", rows=rows, switch=("y",))
    chart.usermeta["model_check"] = projection_check(start, fixed, t, [low, high])
    return chart


def projection_check(start: float, fixed: dict[str, float], years: np.ndarray,
                     rates: list[float]) -> list[dict]:
    """Expected values of every line at each slider setting, from the Python model."""
    checks = []
    for rate in rates:
        expected = []
        for name, r in [*fixed.items(), ("Chosen rate", rate)]:
            expected += [{"line": name, "year": float(t), "cost_usd": float(c)}
                         for t, c in zip(years, model.project_cost(start, r, years), strict=True)]
        checks.append({"params": {RATE_SLIDER["name"]: rate}, "expected": expected})
    return checks


@figure_builder
def rl_slope_chart() -> alt.LayerChart:
    """RL multiplier matching Ord's 100x of inference, as a function of the slope ratio.

    Returns
    -------
    alt.LayerChart
        A curve of inference_multiplier ** ratio on a log axis, with two marked points: Ord's
        ratio, and the ratio if RL's slope were doubled (ScaleRL against GRPO).
    """
    inference = data.stated("ord_inference_multiplier_large")
    ord_ratio = ord_model.implied_ratio(data.stated("ord_rl_multiplier_large"), inference)
    improved = ord_ratio / data.stated("scalerl_slope_ratio_vs_grpo")
    curve = model.slope_ratio_table(inference, np.linspace(0.5, 3.0, 51))
    marks = pd.DataFrame({
        "slope_ratio": [ord_ratio, improved],
        "rl_multiplier": model.rl_multiplier(inference, np.array([ord_ratio, improved])),
        "label": ["Ord's reading", "RL slope doubled"],
    })
    y = alt.Y("rl_multiplier:Q", scale=alt.Scale(type="log"),
              title=f"RL scale-up matching {inference:,.0f}× inference")
    x = alt.X("slope_ratio:Q", title="Inference slope ÷ RL slope")
    tooltip = [alt.Tooltip("slope_ratio:Q", title="slope ratio", format=".2f"),
               alt.Tooltip("rl_multiplier:Q", title="RL multiplier", format=",.3~r")]
    chart = alt.layer(
        alt.Chart(curve).mark_line(color=PALETTE[3]).encode(x=x, y=y, tooltip=tooltip),
        alt.Chart(marks).mark_point(size=120, filled=True).encode(
            x=x, y=y, color=alt.Color("label:N", title=None),
            tooltip=[alt.Tooltip("label:N", title="point"), *tooltip]),
    )
    return finish(chart, kind="book-analysis",
                  rows={"stated_figures": stated_rows("ord_inference_multiplier_large",
                                                      "ord_rl_multiplier_large",
                                                      "scalerl_slope_ratio_vs_grpo")},
                  sources=("scalerl-2025",), switch=("y",))
