"""Toby Ord's arithmetic: reading scaling curves off log-x charts, and what inference costs per use.

Ord reads two panels of OpenAI's o1 AIME chart: accuracy against RL training compute and against
inference (test-time) compute, each spanning about 100x on a log axis. A straight line on such a
chart is a fixed number of accuracy points per tenfold of compute (a log-linear curve). Comparing
the two slopes gives an exchange rate: how much more RL compute buys the same gain as a given
inference scale-up. A logistic reading (straight in log-odds rather than in points) is offered for
comparison, since accuracy cannot exceed 100%.

Inference, unlike training, is paid on every query: a k-fold scale-up per query needs k-fold
willingness to pay per query, or log k / log r years of cost-per-token decline at r-fold a year.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from inference_debate import data
from inference_debate.analysis import book_analysis


@dataclass(frozen=True)
class Reading:
    """Two points read off one panel of a log-x chart.

    Attributes
    ----------
    low_pct : accuracy (percent) at the panel's starting compute (multiplier 1).
    high_pct : accuracy (percent) at `multiplier` times that compute.
    multiplier : how much more compute the panel spans between the two points.
    """

    low_pct: float
    high_pct: float
    multiplier: float

    def __post_init__(self) -> None:
        if self.multiplier <= 1:
            raise ValueError(f"multiplier must exceed 1, got {self.multiplier}")
        for value in (self.low_pct, self.high_pct):
            if not 0 < value < 100:
                raise ValueError(f"accuracy must lie strictly between 0 and 100%, got {value}")

    @property
    def decades(self) -> float:
        """How many tenfolds of compute the reading spans."""
        return math.log10(self.multiplier)

    @property
    def gain_points(self) -> float:
        """Accuracy gained across the span, in percentage points."""
        return self.high_pct - self.low_pct


def _logit(pct: float | np.ndarray) -> float | np.ndarray:
    p = np.asarray(pct, dtype=float) / 100.0
    return np.log(p / (1.0 - p))


def _expit(z: float | np.ndarray) -> float | np.ndarray:
    return 100.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def _slope(reading: Reading, *, logistic: bool = False) -> float:
    if logistic:
        return float(_logit(reading.high_pct) - _logit(reading.low_pct)) / reading.decades
    return reading.gain_points / reading.decades


@book_analysis
def slope_per_decade(reading: Reading, *, logistic: bool = False) -> float:
    """Slope of a reading: accuracy points (or log-odds, if `logistic`) per tenfold of compute.

    The number is the book's arithmetic on a reading; drawing the reading as a line through its
    two points (:func:`accuracy_at`) is not.
    """
    return _slope(reading, logistic=logistic)


def accuracy_at(
    reading: Reading, multiplier: float | np.ndarray, *, logistic: bool = False
) -> float | np.ndarray:
    """Accuracy (percent) the reading's straight line predicts at a compute multiplier.

    The log-linear line is not clipped: outside the read span it can leave 0–100%, which is one
    reason to prefer the logistic reading when extrapolating.
    """
    x = np.log10(np.asarray(multiplier, dtype=float))
    slope = _slope(reading, logistic=logistic)
    if logistic:
        out = _expit(_logit(reading.low_pct) + slope * x)
    else:
        out = reading.low_pct + slope * x
    return float(out) if np.ndim(out) == 0 else out


@book_analysis
def slope_ratio(inference: Reading, rl: Reading, *, logistic: bool = False) -> float:
    """How many times steeper the inference line is than the RL line."""
    rl_slope = slope_per_decade(rl, logistic=logistic)
    if rl_slope <= 0:
        raise ValueError("the RL reading must rise for an exchange rate to exist")
    return slope_per_decade(inference, logistic=logistic) / rl_slope


@book_analysis
def rl_multiplier_for(inference_multiplier: float | np.ndarray, ratio: float) -> float | np.ndarray:
    """RL compute multiplier that buys the same gain as an inference multiplier.

    With slopes s_inf and s_rl per decade, equal gains need s_rl·log(rl) = s_inf·log(inf), so
    rl = inf ** (s_inf / s_rl) = inf ** ratio.
    """
    return np.power(inference_multiplier, ratio)


def inference_multiplier_for(rl_multiplier: float | np.ndarray, ratio: float) -> float | np.ndarray:
    """Inference multiplier that buys the same gain as an RL multiplier (inverse of the above)."""
    return np.power(rl_multiplier, 1.0 / ratio)


@book_analysis
def implied_ratio(rl_multiplier: float, inference_multiplier: float) -> float:
    """The slope ratio implied by a stated pair "x RL ≈ y inference": log x / log y."""
    if inference_multiplier <= 1 or rl_multiplier <= 1:
        raise ValueError("both multipliers must exceed 1")
    return math.log(rl_multiplier) / math.log(inference_multiplier)


@book_analysis
def rl_multiplier_for_gain(gain_points: float, rl: Reading) -> float:
    """RL compute multiplier that a log-linear RL line needs to gain `gain_points` points."""
    return 10 ** (gain_points / slope_per_decade(rl))


@dataclass(frozen=True)
class Sensitivity:
    """Range of the exchange rate when each of the four readings moves by up to ±`points`.

    Attributes
    ----------
    points : how far each reading was moved, in percentage points.
    ratio_low, ratio_high : smallest and largest slope ratio over all corner combinations.
    rl_low, rl_high : the RL multiplier matching `inference_multiplier` at those two ratios.
    inference_multiplier : the inference scale-up the RL multipliers match.
    """

    points: float
    ratio_low: float
    ratio_high: float
    rl_low: float
    rl_high: float
    inference_multiplier: float


@book_analysis
def sensitivity(
    inference: Reading,
    rl: Reading,
    points: float = 3.0,
    inference_multiplier: float | None = None,
    *,
    logistic: bool = False,
) -> Sensitivity:
    """Exchange-rate range when every reading is off by up to `points` in either direction.

    All 81 combinations of (−points, 0, +points) on the four readings are tried.
    """
    if points < 0:
        raise ValueError("points must be non-negative")
    target = inference.multiplier if inference_multiplier is None else inference_multiplier
    ratios = []
    for d1, d2, d3, d4 in itertools.product((-points, 0.0, points), repeat=4):
        inf = replace(inference, low_pct=inference.low_pct + d1, high_pct=inference.high_pct + d2)
        r = replace(rl, low_pct=rl.low_pct + d3, high_pct=rl.high_pct + d4)
        ratios.append(slope_ratio(inf, r, logistic=logistic))
    lo, hi = min(ratios), max(ratios)
    return Sensitivity(
        points=points,
        ratio_low=lo,
        ratio_high=hi,
        rl_low=float(rl_multiplier_for(target, lo)),
        rl_high=float(rl_multiplier_for(target, hi)),
        inference_multiplier=target,
    )


@book_analysis
def sensitivity_table(
    inference: Reading, rl: Reading, points: float = 3.0, *, logistic: bool = False
) -> pd.DataFrame:
    """One row per reading moved by ±`points` alone: which reading, shift, slope ratio, RL match.

    The RL multiplier is the one matching the inference panel's own multiplier.
    """
    rows = []
    fields = [("inference", "low_pct"), ("inference", "high_pct"), ("rl", "low_pct"),
              ("rl", "high_pct")]
    for panel, field in fields:
        for shift in (-points, points):
            inf, r = inference, rl
            if panel == "inference":
                inf = replace(inf, **{field: getattr(inf, field) + shift})
            else:
                r = replace(r, **{field: getattr(r, field) + shift})
            ratio = slope_ratio(inf, r, logistic=logistic)
            rows.append({"panel": panel, "reading": field, "shift_points": shift,
                         "slope_ratio": ratio,
                         "rl_multiplier": float(rl_multiplier_for(inference.multiplier, ratio))})
    return pd.DataFrame(rows)


@book_analysis
def horizon_multiplier(compute_multiplier: float, loglog_slope: float) -> float:
    """Time-horizon gain from a compute multiplier on a log-log line of the given slope."""
    return compute_multiplier**loglog_slope


# Per-use cost arithmetic ---------------------------------------------------------------------

def wtp_growth_needed(inference_multiplier: float, inference_share: float = 1.0) -> float:
    """Growth in willingness to pay per query that keeps a k-fold inference scale-up profitable.

    Inference is paid on every query, by every user, in every year, so none of it is spread over
    more use the way a training run is. If inference is a share `inference_share` of the cost of
    serving a query, the cost per query grows by 1 + share·(k − 1); with share 1 (Ord's case),
    by k.
    """
    if inference_multiplier <= 0:
        raise ValueError("the inference multiplier must be positive")
    if not 0 < inference_share <= 1:
        raise ValueError("inference_share must lie in (0, 1]")
    return 1.0 + inference_share * (inference_multiplier - 1.0)


@book_analysis
def years_to_absorb(inference_multiplier: float | np.ndarray, yearly_decline: float) -> float:
    """Years of cost-per-token decline at `yearly_decline`-fold a year that offset a k-fold rise.

    log k / log r: a 100x scale-up needs two years at 10x a year and about 2.9 at 5x.
    """
    if yearly_decline <= 1:
        raise ValueError("a yearly decline factor must exceed 1")
    out = np.log(np.asarray(inference_multiplier, dtype=float)) / math.log(yearly_decline)
    return float(out) if np.ndim(out) == 0 else out


# Readings from the book's data ---------------------------------------------------------------

def o1_inference_reading() -> Reading:
    """Ord's reading of the o1 AIME test-time panel, from `stated_figures.csv`."""
    return Reading(
        low_pct=data.stated("o1_aime_inference_low_pct"),
        high_pct=data.stated("o1_aime_inference_high_pct"),
        multiplier=data.stated("o1_aime_inference_multiplier"),
    )


def o1_rl_reading() -> Reading:
    """Ord's reading of the o1 AIME RL-training panel, from `stated_figures.csv`."""
    return Reading(
        low_pct=data.stated("o1_aime_rl_low_pct"),
        high_pct=data.stated("o1_aime_rl_high_pct"),
        multiplier=data.stated("o1_aime_rl_multiplier"),
    )


@book_analysis
def ord_rounded_ratios() -> tuple[float, float]:
    """Slope ratios implied by Ord's two rounded exchange rates (small and large scale-ups)."""
    return (
        implied_ratio(data.stated("ord_rl_multiplier_small"),
                      data.stated("ord_inference_multiplier_small")),
        implied_ratio(data.stated("ord_rl_multiplier_large"),
                      data.stated("ord_inference_multiplier_large")),
    )


@book_analysis
def share_of_log_gain(multiplier: float, axis_fraction: float) -> float:
    """Share of a gain that rises with the logarithm of compute, from 1x to `multiplier`, that
    is reached within the first `axis_fraction` of a linear compute axis over the same range.

    >>> round(share_of_log_gain(100, 0.1), 3)
    0.519
    """
    if multiplier <= 1 or not 0 < axis_fraction <= 1:
        raise ValueError("need a multiplier above 1 and an axis fraction in (0, 1]")
    reached = 1 + (multiplier - 1) * axis_fraction
    return math.log(reached) / math.log(multiplier)
