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


def cost_fraction(params: Parameters, years: float | np.ndarray) -> np.ndarray:
    """AI cost of the frontier task as a fraction of its human cost, `years` from now."""
    t = np.asarray(years, dtype=float)
    net = params.inference_growth / (params.cost_decline * params.task_growth)
    return params.start_fraction * net ** t


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
    pinned : parameter name -> value the author's argument gives it.
    inference_tracks_task : compute per query grows with the task's length (Greenblatt).
    basis : where the pinned values come from.
    """

    name: str
    author: str
    pinned: dict[str, float] = field(default_factory=dict)
    inference_tracks_task: bool = False
    basis: str = ""

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
                 basis="the book's figure: inference per query rises tenfold a year; the value of "
                       "a query, and so willingness to pay for it, does not rise with it"),
        Scenario("In Greenblatt's spirit", "greenblatt", inference_tracks_task=True,
                 basis="compute per query grows in step with the task's length"),
        Scenario("In Kokotajlo's spirit", "kokotajlo", {"task_growth": kokotajlo_task_growth},
                 basis="task length grows as METR's time horizons have since 2023 (METR's figure, "
                       "not Kokotajlo's)"),
        Scenario("In Epoch's spirit", "epoch", {"cost_decline": epoch_cost_decline},
                 basis="fixed-capability cost falls at the geometric middle of Epoch's stated "
                       "range"),
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
        checks.append({"params": asdict(sliders), "expected": expected})
    return checks


# Defaults from the book's data -----------------------------------------------------------------

#: Where the reader's line starts for the two parameters no table gives: AI at a tenth of the
#: human cost today, and inference per query tripling each year. The book's own round figures.
START_FRACTION_DEFAULT = 0.1
INFERENCE_GROWTH_DEFAULT = 3.0


def task_growth_from_metr(method: str, release: str | None = None) -> float:
    """Yearly growth of METR's 50% horizon, from the doubling time fitted by `method` in
    `release` (by default the newest release the table holds)."""
    release = release or data.latest_release("metr_doubling_times")
    table = data.load_table("metr_doubling_times")
    rows = table[(table["release"] == release) & (table["method"] == method)]
    if len(rows) != 1:
        raise KeyError(f"metr_doubling_times has no single row for {release} {method}")
    return yearly_growth_from_doubling(float(rows["doubling_days"].iloc[0]))


def epoch_middle_decline() -> float:
    """The geometric middle of Epoch's 5-10x a year."""
    low, high = stated_decline_range()
    return math.sqrt(low * high)


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


def default_sliders() -> list[Slider]:
    """The four sliders, their ranges, and defaults with where each comes from."""
    return [
        Slider("start_fraction", "AI cost as a fraction of human cost today", 0.01, 1.0, 0.01,
               START_FRACTION_DEFAULT, "the book's round figure"),
        Slider("inference_growth", "Inference per query, × a year", 1.0, 30.0, 0.5,
               INFERENCE_GROWTH_DEFAULT, "the book's round figure"),
        Slider("cost_decline", "Cost of a fixed capability falls, × a year", 1.0, 20.0, 0.5,
               _snap(frontiermath_example().yearly_rate, 0.5),
               "the rate implied by Epoch's FrontierMath example"),
        Slider("task_growth", "Task length grows, × a year", 1.0, 10.0, 0.1,
               _snap(task_growth_from_metr("all_time_stitched"), 0.1),
               "METR's all-time doubling time of the time horizon"),
    ]


def slider_parameters(sliders: list[Slider]) -> Parameters:
    """The Parameters at the sliders' defaults."""
    return Parameters(**{s.name: s.default for s in sliders})
