"""Charts for Toby Ord's chapter: the log-x chart, the RL–inference exchange rate, ARC-AGI score
against cost per task, and what a per-use cost means."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from inference_debate import data
from inference_debate.charts.common import PALETTE, figure_builder, finish, stated_rows
from inference_debate.models import ord as model

#: The chart Ord read. The readings themselves are rows of `stated_figures`, from Epoch's summary
#: of Ord's "How Well Does RL Scale?"; the log-x essay is cited only for the log-x chart.
_AIME_SOURCES = ("openai-o1-2024",)
_LOG_X_SOURCES = ("openai-o1-2024", "ord-2026-log-x")
_INFERENCE_ROWS = ("o1_aime_inference_low_pct", "o1_aime_inference_high_pct",
                   "o1_aime_inference_multiplier")
_RL_ROWS = ("o1_aime_rl_low_pct", "o1_aime_rl_high_pct", "o1_aime_rl_multiplier")
_ORD_PAIRS = ("ord_rl_multiplier_small", "ord_inference_multiplier_small",
              "ord_rl_multiplier_large", "ord_inference_multiplier_large")
_MULT = alt.Tooltip("multiplier:Q", title="compute multiplier", format=",.3~r")
_ACC = alt.Tooltip("accuracy_pct:Q", title="accuracy (%)", format=".0f")


def _line_points(reading: model.Reading, start: float, stop: float, n: int = 60) -> np.ndarray:
    return np.geomspace(start, stop, n)


@figure_builder
def log_x_chart() -> alt.LayerChart:
    """The o1 AIME test-time reading as one straight line on a log-x axis.

    Returns
    -------
    alt.LayerChart
        Accuracy against inference-compute multiplier, with the two read points marked. The
        engine offers a linear x-axis beside the log one, where the same line bends over.
    """
    reading = model.o1_inference_reading()
    xs = _line_points(reading, 1.0, reading.multiplier)
    line = pd.DataFrame({"multiplier": xs, "accuracy_pct": model.accuracy_at(reading, xs)})
    points = pd.DataFrame({"multiplier": [1.0, reading.multiplier],
                           "accuracy_pct": [reading.low_pct, reading.high_pct]})
    x = alt.X("multiplier:Q", title="Inference compute (multiple of the starting amount)",
              scale=alt.Scale(type="log", domain=[1, reading.multiplier]))
    y = alt.Y("accuracy_pct:Q", title="AIME accuracy (%)", scale=alt.Scale(domain=[0, 100]))
    chart = alt.layer(
        alt.Chart(line).mark_line(color=PALETTE[0]).encode(x=x, y=y, tooltip=[_MULT, _ACC]),
        alt.Chart(points).mark_point(color=PALETTE[0], size=90).encode(
            x=x, y=y, tooltip=[_MULT, _ACC]),
    )
    return finish(chart, kind="reconstruction",
                  rows={"stated_figures": stated_rows(*_INFERENCE_ROWS)},
                  sources=_LOG_X_SOURCES, switch=("x",))


#: The readings chart's mark where the book's extension of the RL line gains as much as inference.
BOOK_MATCH = "This book: the extension matches"


@figure_builder
def readings_chart() -> alt.LayerChart:
    """Both o1 AIME readings as accuracy gained against compute, RL extended until it matches.

    Returns
    -------
    alt.LayerChart
        Solid lines over the read spans (inference and RL training), each as the points of
        accuracy gained from its panel's starting accuracy; a dashed extension of the RL line at
        its own slope that stops where it has gained as much as the inference line (the book's
        extension, so the figure is the book's analysis); and two marks at that gain: where the
        extended line gets there, and Ord's own round figure.
    """
    inf, rl = model.o1_inference_reading(), model.o1_rl_reading()
    rl_match = model.rl_multiplier_for_gain(inf.gain_points, rl)
    ord_rl = data.stated("ord_rl_multiplier_large")
    frames = []
    for label, reading, start, stop, part in (
        ("Inference (test time)", inf, 1.0, inf.multiplier, "read off the chart"),
        ("RL training", rl, 1.0, rl.multiplier, "read off the chart"),
        ("RL training", rl, rl.multiplier, rl_match, "extended by this book at the same slope"),
    ):
        xs = _line_points(reading, start, stop, 40)
        frames.append(pd.DataFrame({"panel": label, "part": part, "multiplier": xs,
                                    "gain_points": model.accuracy_at(reading, xs)
                                    - reading.low_pct}))
    lines = pd.concat(frames, ignore_index=True)
    lines["series"] = lines["panel"] + ", " + lines["part"]
    points = pd.DataFrame({
        "panel": ["Inference (test time)"] * 2 + ["RL training"] * 2,
        "multiplier": [1.0, inf.multiplier, 1.0, rl.multiplier],
        "gain_points": [0.0, inf.gain_points, 0.0, rl.gain_points],
        "accuracy_pct": [inf.low_pct, inf.high_pct, rl.low_pct, rl.high_pct],
    })
    ord_match = f"Ord: {ord_rl:,.0f}× RL matches"
    marks = pd.DataFrame({"mark": [BOOK_MATCH, ord_match], "multiplier": [rl_match, ord_rl],
                          "gain_points": [inf.gain_points, inf.gain_points]})
    x = alt.X("multiplier:Q", title="Compute (multiple of the starting amount)",
              scale=alt.Scale(type="log"))
    y = alt.Y("gain_points:Q", title="AIME accuracy gained (percentage points)",
              scale=alt.Scale(domain=[0, 10 * np.ceil(inf.gain_points / 10 + 0.5)]))
    colour = alt.Color("panel:N", title=None,
                       scale=alt.Scale(domain=["Inference (test time)", "RL training"],
                                       range=[PALETTE[0], PALETTE[1]]))
    gain = alt.Tooltip("gain_points:Q", title="accuracy gained (points)", format=".0f")
    tip = [alt.Tooltip("panel:N", title="panel"), _MULT, gain]
    parts = ["read off the chart", "extended by this book at the same slope"]
    chart = alt.layer(
        alt.Chart(lines).mark_line().encode(
            x=x, y=y, color=colour, detail="series:N",
            strokeDash=alt.StrokeDash("part:N", title=None,
                                      scale=alt.Scale(domain=parts, range=[[1, 0], [6, 4]])),
            tooltip=tip + [alt.Tooltip("part:N", title="line")]),
        alt.Chart(points).mark_point(size=90).encode(
            x=x, y=y, color=colour, tooltip=tip + [_ACC]),
        alt.Chart(marks).mark_point(size=130, filled=True, color="#000000").encode(
            x=x, y=y, shape=alt.Shape("mark:N", title=None,
                                      scale=alt.Scale(domain=[BOOK_MATCH, ord_match],
                                                      range=["diamond", "square"])),
            tooltip=[alt.Tooltip("mark:N", title="mark"), _MULT, gain]),
    )
    return finish(chart, kind="book-analysis",
                  rows={"stated_figures": stated_rows(*_INFERENCE_ROWS, *_RL_ROWS,
                                                      "ord_rl_multiplier_large")},
                  sources=_AIME_SOURCES, switch=("x",))


@figure_builder
def exchange_rate_chart(points: float = 3.0) -> alt.LayerChart:
    """RL multiplier needed to match an inference multiplier, from the slopes and from Ord.

    Parameters
    ----------
    points : how far (percentage points) each of the four readings may be off; the band spans
        every combination.

    Returns
    -------
    alt.LayerChart
        Log-log lines for the ratio the stated readings give and for Ord's rounded ratio of 2, a
        band for the readings' uncertainty, and Ord's two stated pairs as points.
    """
    inf, rl = model.o1_inference_reading(), model.o1_rl_reading()
    ratio = model.slope_ratio(inf, rl)
    rounded = model.ord_rounded_ratios()[1]
    sens = model.sensitivity(inf, rl, points)
    xs = np.geomspace(1.0, inf.multiplier, 50)
    stated_label = "From the stated readings"
    ord_label = "Ord's rounding"
    lines = pd.concat([
        pd.DataFrame({"line": stated_label, "slope_ratio": ratio, "inference_multiplier": xs,
                      "rl_multiplier": model.rl_multiplier_for(xs, ratio)}),
        pd.DataFrame({"line": ord_label, "slope_ratio": rounded, "inference_multiplier": xs,
                      "rl_multiplier": model.rl_multiplier_for(xs, rounded)}),
    ], ignore_index=True)
    band = pd.DataFrame({"inference_multiplier": xs,
                         "rl_low": model.rl_multiplier_for(xs, sens.ratio_low),
                         "rl_high": model.rl_multiplier_for(xs, sens.ratio_high)})
    pairs = pd.DataFrame({
        "line": [ord_label, ord_label],
        "inference_multiplier": [data.stated("ord_inference_multiplier_small"),
                                 data.stated("ord_inference_multiplier_large")],
        "rl_multiplier": [data.stated("ord_rl_multiplier_small"),
                          data.stated("ord_rl_multiplier_large")],
    })
    x = alt.X("inference_multiplier:Q", title="Inference scale-up",
              scale=alt.Scale(type="log", domain=[1, inf.multiplier]))
    y = alt.Y("rl_multiplier:Q", title="RL scale-up giving the same gain",
              scale=alt.Scale(type="log"))
    colour = alt.Color("line:N", title=None,
                       scale=alt.Scale(domain=[stated_label, ord_label],
                                       range=[PALETTE[0], PALETTE[1]]))
    inf_tip = alt.Tooltip("inference_multiplier:Q", title="inference ×", format=",.3~r")
    rl_tip = alt.Tooltip("rl_multiplier:Q", title="RL ×", format=",.2~r")
    chart = alt.layer(
        alt.Chart(band).mark_area(opacity=0.18, color=PALETTE[0]).encode(
            x=x, y=alt.Y("rl_low:Q", scale=alt.Scale(type="log")), y2="rl_high:Q",
            tooltip=[inf_tip,
                     alt.Tooltip("rl_low:Q", title="RL × (readings least favourable)",
                                 format=",.2~r"),
                     alt.Tooltip("rl_high:Q", title="RL × (readings most favourable)",
                                 format=",.2~r")]),
        alt.Chart(lines).mark_line().encode(
            x=x, y=y, color=colour,
            tooltip=[alt.Tooltip("line:N", title="line"),
                     alt.Tooltip("slope_ratio:Q", title="slope ratio", format=".2f"),
                     inf_tip, rl_tip]),
        alt.Chart(pairs).mark_point(size=100, shape="diamond").encode(
            x=x, y=y, color=colour,
            tooltip=[alt.Tooltip("line:N", title="stated by"), inf_tip, rl_tip]),
    )
    return finish(chart, kind="book-analysis",
                  rows={"stated_figures": stated_rows(*_INFERENCE_ROWS, *_RL_ROWS, *_ORD_PAIRS)},
                  sources=_AIME_SOURCES, switch=("x", "y"))


#: Families joined as lines on the ARC-AGI chart: OpenAI's o-series and its GPT-5 successors,
#: which Ord's essay charts, and one other developer's reasoning family for contrast.
ARC_FAMILIES: tuple[str, ...] = ("o3-mini", "o3", "o4-mini", "o3-Pro", "GPT-5", "GPT-5.2",
                                 "Opus 4.5")

#: Human reference points drawn on the ARC-AGI chart (display names in `arc_agi.csv`).
ARC_HUMANS: tuple[str, ...] = ("Human Panel",)

#: The entries of Ord's o-series chart (o1-mini to o3) that the leaderboard still lists, by
#: model id: o1-mini and o3-preview at low effort. o1 itself and o3-preview at high effort are
#: no longer on it, so the chart cannot redraw his o1-to-o3 comparison; these are labelled.
ARC_ORD_CHART: tuple[str, ...] = ("o1-mini-2024-09-12", "o3-preview-low")


@figure_builder
def arc_agi_chart(
    dataset: str = "ARC-AGI-1",
    families: Sequence[str] = ARC_FAMILIES,
    humans: Sequence[str] = ARC_HUMANS,
    ord_chart: Sequence[str] = ARC_ORD_CHART,
) -> alt.LayerChart:
    """ARC-AGI score against cost per task, each family's reasoning-effort settings joined.

    Parameters
    ----------
    dataset : "ARC-AGI-1" or "ARC-AGI-2".
    families : model families drawn as lines (cheapest setting to dearest); every other entry
        on the leaderboard is a grey point.
    humans : display names of the human reference points to mark.
    ord_chart : model ids of the entries of Ord's o-series chart still listed, labelled.

    Returns
    -------
    alt.LayerChart
        Lines for the chosen families, grey points for the rest, labelled triangles for the
        entries of Ord's o-series chart still listed, and the human reference points, on a log
        cost axis.
    """
    table = data.load_table("arc_agi")
    rows = table[table["dataset"] == dataset].copy()
    if rows.empty:
        raise ValueError(f"no ARC-AGI rows for dataset {dataset!r}")
    rows["score_pct"] = rows["score_fraction"] * 100.0
    rows["reasoning_effort"] = rows["reasoning_effort"].fillna("").astype(str)
    is_human = rows["is_human"].astype(bool)
    models = rows[~is_human]
    marked = rows[is_human & rows["display_name"].isin(list(humans))]
    chosen = models[models["family"].isin(list(families))].sort_values(["family", "usd_per_task"])
    from_ord = models[models["model_id"].isin(list(ord_chart))]
    others = models[~models["family"].isin(list(families))
                    & ~models["model_id"].isin(list(ord_chart))]
    cols = ["display_name", "family", "reasoning_effort", "usd_per_task", "score_pct"]
    x = alt.X("usd_per_task:Q", title="Cost per task (USD)", scale=alt.Scale(type="log"))
    y = alt.Y("score_pct:Q", title=f"{dataset} score (%)", scale=alt.Scale(domain=[0, 100]))
    tip = [alt.Tooltip("display_name:N", title="model"),
           alt.Tooltip("reasoning_effort:N", title="reasoning effort"),
           alt.Tooltip("usd_per_task:Q", title="USD per task", format="$,.3~r"),
           alt.Tooltip("score_pct:Q", title="score (%)", format=".1f")]
    present = [f for f in families if f in set(chosen["family"])]
    layers = [
        alt.Chart(others[cols]).mark_point(size=35, opacity=0.4, color="#9a9a9a").encode(
            x=x, y=y, tooltip=tip),
        alt.Chart(chosen[cols]).mark_line(point=True).encode(
            x=x, y=y, color=alt.Color("family:N", title="Family", sort=present),
            order="usd_per_task:Q", tooltip=tip),
    ]
    if not from_ord.empty:
        layers.append(alt.Chart(from_ord[cols]).mark_point(
            shape="triangle-up", size=140, color=PALETTE[4], filled=True).encode(
                x=x, y=y, tooltip=tip))
        # A label to the right of its point, or to the left near the right edge of the axis.
        near_edge = from_ord["usd_per_task"] > from_ord["usd_per_task"].max() / 10
        for frame, align, dx in ((from_ord[~near_edge], "left", 9),
                                 (from_ord[near_edge], "right", -9)):
            if not frame.empty:
                layers.append(alt.Chart(frame[cols]).mark_text(
                    align=align, dx=dx, dy=-8, fontSize=12, color=PALETTE[4]).encode(
                        x=x, y=y, text="display_name:N", tooltip=tip))
    if not marked.empty:
        layers.append(alt.Chart(marked[cols]).mark_point(
            shape="diamond", size=160, color="#000000", filled=True).encode(
                x=x, y=y, tooltip=tip))
        layers.append(alt.Chart(marked[cols]).mark_text(
            align="right", dx=-10, dy=0, fontSize=12).encode(
                x=x, y=y, text="display_name:N", tooltip=tip))
    return finish(alt.layer(*layers), kind="data",
                  rows={"arc_agi": pd.concat([models, marked])}, switch=("x",))


@figure_builder
def per_use_cost_chart(max_multiplier: float = 10_000.0, chosen_decline: float = 2.0
                       ) -> alt.LayerChart:
    """Years of falling cost per token needed to absorb a k-fold inference scale-up per query.

    Parameters
    ----------
    max_multiplier : right end of the inference scale-up axis.
    chosen_decline : the slider's starting yearly fall in cost per token; by default a slower
        fall than Epoch's range, so that the three lines start apart.

    Returns
    -------
    alt.LayerChart
        Lines for the low and high ends of Epoch's yearly decline and a third line set by a
        slider (`yearly_decline`); the tooltip also gives the growth in willingness to pay per
        query that the same scale-up needs if no decline absorbs it.
    """
    low = data.stated("epoch_yearly_decline_low")
    high = data.stated("epoch_yearly_decline_high")
    ks = np.geomspace(1.0, max_multiplier, 60)
    labels = [f"{r:g}× a year (Epoch)" for r in (low, high)]
    chosen_label = "Chosen rate (slider)"
    frames = [pd.DataFrame({"rate": label, "line": label, "multiplier": ks,
                            "wtp_growth": [model.wtp_growth_needed(k) for k in ks],
                            "years": model.years_to_absorb(ks, r)})
              for label, r in zip(labels, (low, high), strict=True)]
    fixed = pd.concat(frames, ignore_index=True)
    slider = alt.param(name="yearly_decline", value=float(chosen_decline),
                       bind=alt.binding_range(min=1.5, max=20, step=0.5,
                                              name="Fixed-capability cost falls (× a year) "))
    x = alt.X("multiplier:Q", title="Inference per query (multiple of today's)",
              scale=alt.Scale(type="log", domain=[1, max_multiplier]))
    y = alt.Y("years:Q", title="Years of cost decline to absorb it")
    tip = [alt.Tooltip("rate:N", title="fixed-capability cost falls"),
           alt.Tooltip("multiplier:Q", title="inference per query ×", format=",.3~r"),
           alt.Tooltip("wtp_growth:Q", title="willingness to pay must grow ×", format=",.3~r"),
           alt.Tooltip("years:Q", title="years to absorb", format=".1f")]
    # One legend names all three lines, the dashed one too.
    domain = [*labels, chosen_label]
    colour = alt.Color("line:N", title=None,
                       scale=alt.Scale(domain=domain, range=[PALETTE[0], PALETTE[1], PALETTE[4]]))
    dash = alt.StrokeDash("line:N", title=None,
                          scale=alt.Scale(domain=domain, range=[[1, 0], [1, 0], [6, 4]]))
    chosen = alt.Chart(pd.DataFrame({"multiplier": ks})).transform_calculate(
        years="log(datum.multiplier) / log(yearly_decline)",
        wtp_growth="datum.multiplier",
        rate="format(yearly_decline, '.3~r') + '× a year (chosen)'",
        line=f"'{chosen_label}'",
    ).mark_line().encode(x=x, y=y, color=colour, strokeDash=dash, tooltip=tip)
    chart = alt.layer(
        alt.Chart(fixed).mark_line().encode(x=x, y=y, color=colour, strokeDash=dash,
                                            tooltip=tip),
        chosen,
    ).add_params(slider)
    return finish(chart, kind="book-analysis",
                  rows={"stated_figures": stated_rows("epoch_yearly_decline_low",
                                                      "epoch_yearly_decline_high")},
                  sources=("ord-2025-rl-scale",), switch=("x",))
