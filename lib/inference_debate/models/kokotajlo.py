"""Kokotajlo's reading: training raises the plateau of the inference-scaling s-curve.

Performance against log inference compute is modelled, for each level of RL training, as a
logistic curve with its own plateau. Ord's exchange rate (10,000x RL for 100x inference) is then a
ratio of slopes read at one point of these curves; read elsewhere it differs, and once a curve has
levelled off no amount of inference makes up for the missing training. The parameters below are
an illustration, not a fit: the texts give no curves, only their shape.

The module also converts METR's 50% time horizons into the human cost of a task of that length,
the value per task that, on Kokotajlo's account, willingness to pay can follow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from inference_debate.analysis import book_analysis
from inference_debate.models.greenblatt import human_cost_usd


@dataclass(frozen=True)
class SCurve:
    """One training level's performance against log10 inference compute.

    performance(x) = floor + (plateau - floor) / (1 + exp(-steepness * (x - midpoint)))

    Attributes
    ----------
    name : label of the training level.
    rl_decades : orders of magnitude of RL compute above the base model.
    plateau : performance (fraction of tasks solved, 0-1) reached with unlimited inference.
    midpoint : log10 of relative inference compute at which half the rise is reached.
    steepness : logistic rate per decade of inference compute (natural-log units).
    floor : performance with almost no inference compute.
    """

    name: str
    rl_decades: float
    plateau: float
    midpoint: float
    steepness: float
    floor: float = 0.0

    def __post_init__(self) -> None:
        if not 0 <= self.floor < self.plateau <= 1:
            raise ValueError(f"{self.name}: need 0 <= floor < plateau <= 1")
        if self.steepness <= 0:
            raise ValueError(f"{self.name}: steepness must be positive")

    def performance(self, log10_compute: float | np.ndarray) -> np.ndarray:
        """Performance at the given log10 inference compute."""
        x = np.asarray(log10_compute, dtype=float)
        return self.floor + (self.plateau - self.floor) / (
            1.0 + np.exp(-self.steepness * (x - self.midpoint))
        )

    def steep_region(self, low: float = 0.2, high: float = 0.8) -> tuple[float, float]:
        """The log10 compute interval where the curve climbs from `low` to `high` of its rise."""
        if not 0 < low < high < 1:
            raise ValueError("need 0 < low < high < 1")

        def at(share: float) -> float:
            return self.midpoint - math.log(1 / share - 1) / self.steepness

        return at(low), at(high)

    def log10_compute_for(self, target: float) -> float:
        """The log10 inference compute at which the curve reaches `target`; inf if it never does."""
        if target <= self.floor:
            return -math.inf
        if target >= self.plateau:
            return math.inf
        share = (target - self.floor) / (self.plateau - self.floor)
        return self.midpoint - math.log(1 / share - 1) / self.steepness


#: The illustrative family: a base model and two RL-trained successors, each with 100x more RL
#: than the last (the step of OpenAI's o1 training panel), the top one 10,000x above the base (the
#: RL scale-up Kokotajlo supposes for Grok 4). Plateaus rise with training, as Kokotajlo argues;
#: midpoints move right a little, as Ord's longer chains of thought suggest. Made-up numbers.
ILLUSTRATIVE_CURVES: tuple[SCurve, ...] = (
    SCurve("Base model", rl_decades=0.0, plateau=0.30, midpoint=1.0, steepness=1.5),
    SCurve("+100× RL", rl_decades=2.0, plateau=0.60, midpoint=1.25, steepness=1.5),
    SCurve("+10,000× RL", rl_decades=4.0, plateau=0.90, midpoint=1.5, steepness=1.5),
)


def curve_table(
    curves: tuple[SCurve, ...] = ILLUSTRATIVE_CURVES,
    log10_min: float = -1.0,
    log10_max: float = 6.0,
    points: int = 57,
) -> pd.DataFrame:
    """Tidy samples of every curve: columns model, rl_decades, log10_compute, performance."""
    x = np.linspace(log10_min, log10_max, points)
    frames = [
        pd.DataFrame({"model": c.name, "rl_decades": c.rl_decades, "log10_compute": x,
                      "performance": c.performance(x)})
        for c in curves
    ]
    return pd.concat(frames, ignore_index=True)


def local_slope_ratio(
    lower: SCurve, upper: SCurve, log10_compute: float | np.ndarray, window_decades: float = 2.0
) -> np.ndarray:
    """Ord's exchange rate read at one point: decades of RL worth one decade of inference.

    The inference slope is the gain of the `lower` curve over the next `window_decades` of
    inference compute, per decade; the RL slope is the gap between the two curves at the same
    compute, per decade of RL between them. Their ratio is the exponent in
    rl_multiplier = inference_multiplier ** ratio. Ord read about 2 on o1's AIME charts.
    """
    if upper.rl_decades <= lower.rl_decades:
        raise ValueError("upper must have more RL training than lower")
    if window_decades <= 0:
        raise ValueError("window_decades must be positive")
    x = np.asarray(log10_compute, dtype=float)
    slope_inference = (lower.performance(x + window_decades) - lower.performance(x)) / (
        window_decades
    )
    slope_rl = (upper.performance(x) - lower.performance(x)) / (upper.rl_decades - lower.rl_decades)
    return slope_inference / slope_rl


@book_analysis
def exchange_rate_table(
    curves: tuple[SCurve, ...] = ILLUSTRATIVE_CURVES,
    log10_min: float = -1.0,
    log10_max: float = 5.0,
    points: int = 49,
    window_decades: float = 2.0,
) -> pd.DataFrame:
    """The local slope ratio along the compute axis for each adjacent pair of training levels."""
    x = np.linspace(log10_min, log10_max, points)
    frames = []
    for lower, upper in zip(curves, curves[1:], strict=False):
        frames.append(pd.DataFrame({
            "pair": f"{lower.name} → {upper.name}",
            "log10_compute": x,
            "slope_ratio": local_slope_ratio(lower, upper, x, window_decades),
        }))
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class ThoughtExperiment:
    """Kokotajlo's Grok 4 question, answered under two models.

    A base model and an RL-trained one (`rl_multiplier` more RL) are compared at the RL model's
    budget. Under a constant exchange rate the base model, given
    inference_multiplier = rl_multiplier ** (1 / slope_ratio) more inference, reaches the RL model's
    score; under the plateau model it climbs its own s-curve and stops at its plateau.
    """

    base: SCurve
    trained: SCurve
    rl_multiplier: float
    slope_ratio: float
    log10_budget: float

    @property
    def target(self) -> float:
        """The RL-trained model's score at the reference budget."""
        return float(self.trained.performance(self.log10_budget))

    @property
    def start(self) -> float:
        """The base model's score at the reference budget."""
        return float(self.base.performance(self.log10_budget))

    @property
    def matching_inference_multiplier(self) -> float:
        """Inference multiplier that a constant exchange rate says matches the RL scale-up."""
        return self.rl_multiplier ** (1.0 / self.slope_ratio)

    def constant_rate(self, log10_extra: float | np.ndarray) -> np.ndarray:
        """Base-model score with 10**log10_extra more inference, if the exchange rate held.

        A straight line in log compute from the base score that meets the trained model's score
        at the matching multiplier.
        """
        extra = np.asarray(log10_extra, dtype=float)
        decades = math.log10(self.matching_inference_multiplier)
        return self.start + (self.target - self.start) * extra / decades

    def plateau_model(self, log10_extra: float | np.ndarray) -> np.ndarray:
        """Base-model score with 10**log10_extra more inference, on its own s-curve."""
        return self.base.performance(self.log10_budget + np.asarray(log10_extra, dtype=float))

    @property
    def plateau_reaches_target(self) -> bool:
        """Whether any amount of inference lifts the base model to the trained model's score."""
        return self.base.plateau > self.target

    def table(self, log10_max: float = 6.0, points: int = 49) -> pd.DataFrame:
        """Tidy samples of both answers: columns model, log10_extra, inference_multiplier, score."""
        x = np.linspace(0.0, log10_max, points)
        constant = np.minimum(self.constant_rate(x), 1.0)
        return pd.concat([
            pd.DataFrame({"model": "Constant exchange rate", "log10_extra": x,
                          "score": constant}),
            pd.DataFrame({"model": "Plateau (s-curve)", "log10_extra": x,
                          "score": self.plateau_model(x)}),
        ], ignore_index=True).assign(inference_multiplier=lambda d: 10.0 ** d["log10_extra"])


@book_analysis
def grok4_thought_experiment(
    rl_multiplier: float,
    slope_ratio: float,
    curves: tuple[SCurve, ...] = ILLUSTRATIVE_CURVES,
) -> ThoughtExperiment:
    """The thought experiment on the illustrative family: base vs the most-trained curve.

    The reference budget is where the trained model has finished its steep climb (80% of its
    rise), so the comparison is made where the RL model is used in earnest.
    """
    base, trained = curves[0], curves[-1]
    budget = trained.steep_region(0.2, 0.8)[1]
    return ThoughtExperiment(base, trained, rl_multiplier, slope_ratio, budget)


@book_analysis
def horizon_values(horizons: pd.DataFrame, hourly_rate_usd: float) -> pd.DataFrame:
    """METR 50% horizons with the human cost of a task of that length and of its interval.

    Takes rows of `metr_horizons` and adds human_cost_usd, human_cost_low_usd,
    human_cost_high_usd.
    """
    out = horizons.copy()
    out["human_cost_usd"] = human_cost_usd(out["p50_horizon_minutes"], hourly_rate_usd)
    out["human_cost_low_usd"] = human_cost_usd(out["p50_ci_low_minutes"], hourly_rate_usd)
    out["human_cost_high_usd"] = human_cost_usd(out["p50_ci_high_minutes"], hourly_rate_usd)
    return out


@book_analysis
def yearly_growth_from_doubling(doubling_days: float) -> float:
    """Yearly growth factor of a quantity that doubles every `doubling_days` days."""
    if doubling_days <= 0:
        raise ValueError("doubling time must be positive")
    return 2.0 ** (365.25 / doubling_days)
