"""The synthesis model: what a frontier task costs an AI, as a fraction of what it costs a person.

Four quantities, one per argument, each a factor per year:

- ``inference_growth`` (Ord): how much more inference compute goes into each query;
- ``cost_decline`` (Epoch): how much cheaper a fixed amount of capability gets;
- ``task_growth`` (Kokotajlo): how much longer, and so more valuable, the frontier task gets;

and a starting point, ``start_fraction`` (Greenblatt's measure): the AI's cost as a fraction of
the human cost of the same task today. The human cost of the task grows with its length, so

    cost_fraction(t) = start_fraction * (inference_growth / (cost_decline * task_growth)) ** t

Above 1 the AI costs more than a person would. A scenario takes one author at their word on the
quantity they argue about and leaves the rest to the reader's settings; Greenblatt's scenario ties
the compute per query to the task's length (a slope-1 frontier), so that inference_growth equals
task_growth.

The chart recomputes this in the browser. The Vega expressions below are the same equation; the
test suite evaluates them against :func:`cost_fraction`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from inference_debate import data
from inference_debate.analysis import book_analysis
from inference_debate.models.epoch import frontiermath_example, stated_decline_range
from inference_debate.models.kokotajlo import yearly_growth_from_doubling

PARAMETER_NAMES = ("start_fraction", "inference_growth", "cost_decline", "task_growth")


@dataclass(frozen=True)
class Parameters:
    """One setting of the model (each growth or decline a factor per year)."""

    start_fraction: float
    inference_growth: float
    cost_decline: float
    task_growth: float

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not (value > 0 and math.isfinite(value)):
                raise ValueError(f"{name} must be a positive number, not {value!r}")


@book_analysis
def cost_fraction(params: Parameters, years: float | np.ndarray) -> np.ndarray:
    """AI cost of the frontier task as a fraction of its human cost, `years` from now."""
    t = np.asarray(years, dtype=float)
    net = params.inference_growth / (params.cost_decline * params.task_growth)
    return params.start_fraction * net ** t


@book_analysis
def years_to_parity(params: Parameters) -> float:
    """Years until the AI costs as much as a person (inf if never; 0 if it already does)."""
    if params.start_fraction >= 1:
        return 0.0
    net = params.inference_growth / (params.cost_decline * params.task_growth)
    if net <= 1:
        return math.inf
    return math.log(1 / params.start_fraction) / math.log(net)


@dataclass(frozen=True)
class Scenario:
    """An author's assumptions: the parameters they pin; the others come from the sliders.

    Attributes
    ----------
    name : label of the line.
    author : ord | greenblatt | kokotajlo | epoch | reader.
    pinned : parameter name -> value the line gives it.
    inference_tracks_task : compute per query grows with the task's length (Greenblatt).
    basis : where the pinned values come from.
    authors_figure : whether what the line pins is a figure the author states (cited by
        `source_id`) rather than the book's choice.
    forces : what the book's choice (or the author's figure) forces the line to do.
    """

    name: str
    author: str
    pinned: dict[str, float] = field(default_factory=dict)
    inference_tracks_task: bool = False
    basis: str = ""
    authors_figure: bool = False
    source_id: str = "book-assumptions"
    forces: str = ""

    def __post_init__(self) -> None:
        unknown = set(self.pinned) - set(PARAMETER_NAMES)
        if unknown:
            raise ValueError(f"{self.name}: unknown parameters {sorted(unknown)}")
        if self.inference_tracks_task and "inference_growth" in self.pinned:
            raise ValueError(f"{self.name}: inference_growth cannot be both pinned and tied")

    def resolve(self, sliders: Parameters) -> Parameters:
        """The scenario's parameters under the reader's slider settings."""
        values = {name: self.pinned.get(name, getattr(sliders, name)) for name in PARAMETER_NAMES}
        if self.inference_tracks_task:
            values["inference_growth"] = values["task_growth"]
        return Parameters(**values)


#: The inference-per-query growth of the line in Ord's spirit: a tenfold step a year, the first
#: of the 10x, 100x, 1000x steps in cost per use he names. The book's parameter: Ord gives no
#: yearly rate.
ORD_INFERENCE_GROWTH = 10.0


def build_scenarios(epoch_cost_decline: float, kokotajlo_task_growth: float) -> list[Scenario]:
    """The four authors' scenarios and the reader's own line.

    Parameters
    ----------
    epoch_cost_decline : Epoch's yearly fall in the cost of a fixed capability.
    kokotajlo_task_growth : yearly growth of the frontier task's length.
    """
    return [
        Scenario("In Ord's spirit", "ord",
                 {"inference_growth": ORD_INFERENCE_GROWTH, "task_growth": 1.0},
                 basis="the book's choice: inference per query rises tenfold a year (Ord names "
                       "ever larger multiples of cost per use, but no yearly rate), and the value "
                       "of a query is held flat, for his guess that willingness to pay does not "
                       "scale with inference",
                 forces="with the value of a query held flat, the line rises whenever inference "
                        "per query grows faster than the cost of a fixed capability falls"),
        Scenario("In Greenblatt's spirit", "greenblatt", inference_tracks_task=True,
                 basis="Greenblatt's own figure: on his frontier, doubling the time horizon "
                       "takes roughly double the cost, so compute per query grows in step with "
                       "the task's length",
                 authors_figure=True, source_id="greenblatt-2026",
                 forces="the task's growth cancels out and the line falls exactly as fast as "
                        "the cost of a fixed capability falls, however fast tasks grow"),
        Scenario("In Kokotajlo's spirit", "kokotajlo", {"task_growth": kokotajlo_task_growth},
                 basis="the book's choice: task length grows as METR's time horizons have since "
                       "2023 (METR's measurement; Kokotajlo gives no rate)",
                 source_id="metr-th-1-1",
                 forces="the trend since 2023 is faster than the all-time trend the task slider "
                        "starts from, so at the starting settings the line falls"),
        Scenario("In Epoch's spirit", "epoch", {"cost_decline": epoch_cost_decline},
                 basis="Epoch's own range of 5-10x a year, at its geometric middle (the middle "
                       "is the book's choice)",
                 authors_figure=True, source_id="epoch-2026-inference-burden",
                 forces="both ends of Epoch's range are faster than the FrontierMath rate the "
                        "cost slider starts from, so at the starting settings the line falls "
                        "whichever end is taken"),
        Scenario("Your settings", "reader", basis="every parameter from the sliders"),
    ]


@dataclass(frozen=True)
class Slider:
    """A slider's range and default, and where the default comes from."""

    name: str
    label: str
    low: float
    high: float
    step: float
    default: float
    basis: str
    forces: str = ""
    """What the default forces, where it is the book's choice."""


def scenario_rows(scenarios: list[Scenario], years: np.ndarray) -> pd.DataFrame:
    """The inline data the browser computes from: one row per scenario and year.

    For each parameter p: `p_fixed` (the pinned value, else 0) and `p_free` (1 if the slider sets
    it, else 0); `inference_task` is 1 where compute per query follows the task's length.
    """
    rows = []
    for s in scenarios:
        for t in years:
            row: dict[str, float | str] = {"scenario": s.name, "year": float(t)}
            for name in PARAMETER_NAMES:
                tied = name == "inference_growth" and s.inference_tracks_task
                row[f"{name}_fixed"] = float(s.pinned.get(name, 0.0))
                row[f"{name}_free"] = 0.0 if (name in s.pinned or tied) else 1.0
            row["inference_task"] = 1.0 if s.inference_tracks_task else 0.0
            rows.append(row)
    return pd.DataFrame(rows)


#: The browser's version of :meth:`Scenario.resolve` and :func:`cost_fraction`, in order: each
#: (field, expression) becomes a calculate transform. Slider names are the parameter names.
VEGA_CALCULATIONS: tuple[tuple[str, str], ...] = (
    ("start_fraction", "datum.start_fraction_fixed + datum.start_fraction_free * start_fraction"),
    ("task_growth", "datum.task_growth_fixed + datum.task_growth_free * task_growth"),
    ("cost_decline", "datum.cost_decline_fixed + datum.cost_decline_free * cost_decline"),
    ("inference_growth", "datum.inference_growth_fixed"
     " + datum.inference_growth_free * inference_growth"
     " + datum.inference_task * datum.task_growth"),
    ("cost_fraction", "datum.start_fraction"
     " * pow(datum.inference_growth / (datum.cost_decline * datum.task_growth), datum.year)"),
)


def vega_parity(scenario: Scenario) -> str:
    """The browser's version of :func:`years_to_parity` for one scenario under the sliders: a
    Vega expression of the slider signals (named after the parameters), -1 for never (Vega's
    expressions have no Infinity)."""
    def value(name: str) -> str:
        if name == "inference_growth" and scenario.inference_tracks_task:
            return value("task_growth")
        return repr(float(scenario.pinned[name])) if name in scenario.pinned else name
    start = value("start_fraction")
    net = (f"({value('inference_growth')} / ({value('cost_decline')} * "
           f"{value('task_growth')}))")
    return f"({start} >= 1 ? 0 : {net} <= 1 ? -1 : log(1 / {start}) / log({net}))"


#: Beyond this many years the readout says "over" it rather than a number: a line that is
#: almost level reaches parity at some huge, meaningless time.
PARITY_HORIZON_YEARS = 100


def short_name(scenario: Scenario) -> str:
    """The scenario's name in a legend: the author's surname, or "Yours"."""
    return "Yours" if scenario.author == "reader" else scenario.author.capitalize()


def vega_parity_label(scenarios: list[Scenario]) -> str:
    """A legend label expression: each scenario's short name and when its line reaches parity
    at the sliders' current settings ("Ord: parity in 2.9 years"), to two significant figures
    as the prose gives them."""
    expr = "datum.label"
    for s in reversed(scenarios):
        years = vega_parity(s)
        text = (f"({years} < 0 ? 'never reaches parity' : {years} === 0 ? 'at parity now' : "
                f"{years} > {PARITY_HORIZON_YEARS} ? 'parity in over {PARITY_HORIZON_YEARS} "
                f"years' : 'parity in ' + format({years}, '.2~r') + ' years')")
        expr = (f"datum.label === {json_string(s.name)} ? "
                f"{json_string(short_name(s) + ': ')} + {text} : {expr}")
    return expr


def json_string(text: str) -> str:
    """A string literal for a Vega expression."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def model_check(scenarios: list[Scenario], settings: list[Parameters],
                years: np.ndarray) -> list[dict]:
    """Expected values for the browser test: per slider setting, each scenario's line."""
    checks = []
    for sliders in settings:
        expected = []
        for s in scenarios:
            values = cost_fraction(s.resolve(sliders), years)
            expected += [{"scenario": s.name, "year": float(t), "cost_fraction": float(v)}
                         for t, v in zip(years, values, strict=True)]
        parity = {s.name: years_to_parity(s.resolve(sliders)) for s in scenarios}
        checks.append({"params": asdict(sliders), "expected": expected,
                       "parity": {k: (None if math.isinf(v) else v) for k, v in parity.items()}})
    return checks


# Defaults from the book's data -----------------------------------------------------------------

#: Where the reader's line starts for the parameter no table or author gives: AI at a tenth of
#: the human cost today. The book's own round figure.
START_FRACTION_DEFAULT = 0.1

#: Every slider moves in hundredths, so that each default is the figure it comes from (Epoch's
#: FrontierMath rate reads 4.4, as in its chapter), not the nearest coarse step.
SLIDER_STEP = 0.01


def task_growth_from_metr(method: str, release: str | None = None) -> float:
    """Yearly growth of METR's 50% horizon, from the doubling time fitted by `method` in
    `release` (by default the newest release the table holds)."""
    release = release or data.latest_release("metr_doubling_times")
    table = data.load_table("metr_doubling_times")
    rows = table[(table["release"] == release) & (table["method"] == method)]
    if len(rows) != 1:
        raise KeyError(f"metr_doubling_times has no single row for {release} {method}")
    return yearly_growth_from_doubling(float(rows["doubling_days"].iloc[0]))


@book_analysis
def epoch_middle_decline() -> float:
    """The geometric middle of Epoch's 5-10x a year."""
    low, high = stated_decline_range()
    return math.sqrt(low * high)


@book_analysis
def default_scenarios() -> list[Scenario]:
    """The scenarios with their pinned values taken from the book's data."""
    return build_scenarios(epoch_middle_decline(), task_growth_from_metr("from_2023_on"))


def parameter_rows() -> dict[str, pd.DataFrame]:
    """The data rows the scenarios and slider defaults are computed from, by table."""
    stated = data.load_table("stated_figures")
    used = ["epoch_yearly_decline_low", "epoch_yearly_decline_high",
            "frontiermath_o4mini_output_tokens", "frontiermath_gpt52_output_tokens",
            "frontiermath_months_between"]
    runs = frontiermath_example()
    prices = data.load_table("api_prices")
    doubling = data.load_table("metr_doubling_times")
    return {
        "stated_figures": stated[stated["figure_id"].isin(used)],
        "api_prices": prices[prices["model"].isin([runs.earlier.model, runs.later.model])],
        "metr_doubling_times": doubling[
            doubling["release"] == data.latest_release("metr_doubling_times")],
    }


def _snap(value: float, step: float) -> float:
    return round(round(value / step) * step, 10)


@book_analysis
def default_sliders() -> list[Slider]:
    """The four sliders, their ranges, and defaults with where each comes from.

    Inference per query starts where it exactly offsets the other two defaults (the fall in
    the cost of a fixed capability times the growth of the task), so that the reader's line
    starts level and every author's line rises or falls only through what that line pins.
    """
    decline = _snap(frontiermath_example().yearly_rate, SLIDER_STEP)
    task = _snap(task_growth_from_metr("all_time_stitched"), SLIDER_STEP)
    return [
        Slider("start_fraction", "AI cost as a fraction of human cost today", 0.01, 1.0,
               SLIDER_STEP, START_FRACTION_DEFAULT, "the book's round figure",
               forces="it moves every line up or down by the same factor, so it changes when a "
                      "rising line reaches parity, never whether a line rises or falls"),
        Slider("inference_growth", "Inference per query, × a year", 1.0, 30.0, SLIDER_STEP,
               _snap(decline * task, SLIDER_STEP),
               "the book's choice: the growth that the other two starting values exactly offset",
               forces="your line starts level, so at the starting settings each author's line "
                      "rises or falls only through the figure it pins"),
        Slider("cost_decline", "Cost of a fixed capability falls, × a year", 1.0, 20.0,
               SLIDER_STEP, decline,
               "the rate implied by Epoch's FrontierMath example (the book's annualisation)"),
        Slider("task_growth", "Task length grows, × a year", 1.0, 10.0, SLIDER_STEP, task,
               "METR's all-time doubling time of the time horizon"),
    ]


def slider_parameters(sliders: list[Slider]) -> Parameters:
    """The Parameters at the sliders' defaults."""
    return Parameters(**{s.name: s.default for s in sliders})
