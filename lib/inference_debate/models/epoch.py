"""Epoch's reply: the cost of a fixed capability falls fast, and RL's slope can improve.

Three small models: the FrontierMath example (tokens times published output price, the cost
ratio between two dates and the yearly rate it implies), the projection of a starting cost at a
yearly rate of decline, and the RL multiplier that matches an inference multiplier as a function
of the ratio of the two slopes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from inference_debate import data
from inference_debate.analysis import book_analysis
from inference_debate.models.ord import rl_multiplier_for


def token_cost_usd(output_tokens: float, usd_per_million_output_tokens: float) -> float:
    """Cost of `output_tokens` at a price per million output tokens."""
    if output_tokens < 0 or usd_per_million_output_tokens < 0:
        raise ValueError("tokens and prices cannot be negative")
    return output_tokens / 1e6 * usd_per_million_output_tokens


@book_analysis
def yearly_rate(ratio: float, months: float) -> float:
    """The yearly factor that compounds to `ratio` over `months`: ratio ** (12 / months)."""
    if ratio <= 0 or months <= 0:
        raise ValueError("ratio and months must be positive")
    return ratio ** (12.0 / months)


@dataclass(frozen=True)
class RunCost:
    """One model's run at the fixed accuracy."""

    model: str
    release_date: pd.Timestamp
    output_tokens: float
    usd_per_million_output_tokens: float

    @property
    def cost_usd(self) -> float:
        """Output tokens times the published output price."""
        return token_cost_usd(self.output_tokens, self.usd_per_million_output_tokens)


@dataclass(frozen=True)
class FixedCapabilityComparison:
    """Two runs reaching the same accuracy some months apart."""

    earlier: RunCost
    later: RunCost
    months: float

    @property
    def token_ratio(self) -> float:
        """How many times fewer output tokens the later run used."""
        return self.earlier.output_tokens / self.later.output_tokens

    @property
    def price_ratio(self) -> float:
        """How many times dearer the later model's output tokens are."""
        return self.later.usd_per_million_output_tokens / self.earlier.usd_per_million_output_tokens

    @property
    def cost_ratio(self) -> float:
        """How many times cheaper the later run was."""
        return self.earlier.cost_usd / self.later.cost_usd

    @property
    @book_analysis
    def yearly_rate(self) -> float:
        """The cost ratio turned into a yearly factor of decline."""
        return yearly_rate(self.cost_ratio, self.months)


def price_row(api_prices: pd.DataFrame, model: str) -> pd.Series:
    """The row of `api_prices` for one model; KeyError naming the models there if absent."""
    rows = api_prices[api_prices["model"] == model]
    if len(rows) != 1:
        raise KeyError(f"{model!r} must appear once in api_prices (models: "
                       f"{', '.join(map(str, api_prices['model']))})")
    return rows.iloc[0]


def frontiermath_comparison(
    api_prices: pd.DataFrame,
    earlier_model: str,
    earlier_tokens: float,
    later_model: str,
    later_tokens: float,
    months: float,
) -> FixedCapabilityComparison:
    """Epoch's FrontierMath example from token counts and the published price table."""
    runs = []
    for model, tokens in ((earlier_model, earlier_tokens), (later_model, later_tokens)):
        row = price_row(api_prices, model)
        runs.append(RunCost(model, pd.Timestamp(row["release_date"]), float(tokens),
                            float(row["usd_per_million_output_tokens"])))
    return FixedCapabilityComparison(runs[0], runs[1], float(months))


def project_cost(start_usd: float, yearly_factor: float,
                 years: float | np.ndarray) -> np.ndarray:
    """Cost after `years` if it falls by `yearly_factor` each year: start / factor ** years."""
    if start_usd <= 0 or yearly_factor <= 0:
        raise ValueError("start cost and yearly factor must be positive")
    return start_usd / yearly_factor ** np.asarray(years, dtype=float)


def projection_table(start_usd: float, yearly_factors: dict[str, float],
                     years: float = 3.0, points: int = 13) -> pd.DataFrame:
    """Tidy projection: columns scenario, yearly_factor, year, cost_usd."""
    t = np.linspace(0.0, years, points)
    return pd.concat([
        pd.DataFrame({"scenario": name, "yearly_factor": factor, "year": t,
                      "cost_usd": project_cost(start_usd, factor, t)})
        for name, factor in yearly_factors.items()
    ], ignore_index=True)


@book_analysis
def rl_multiplier(inference_multiplier: float | np.ndarray,
                  slope_ratio: float | np.ndarray) -> np.ndarray:
    """RL scale-up that buys the same gain as `inference_multiplier`, given the slope ratio.

    slope_ratio = slope_inference / slope_rl (gain per decade of each); Ord's exchange,
    inference_multiplier ** slope_ratio. A doubled RL slope halves the ratio.
    """
    return np.asarray(rl_multiplier_for(inference_multiplier, slope_ratio), dtype=float)


def slope_ratio_table(inference_multiplier: float, ratios: np.ndarray) -> pd.DataFrame:
    """RL multiplier matching `inference_multiplier` over a range of slope ratios."""
    r = np.asarray(ratios, dtype=float)
    return pd.DataFrame({"slope_ratio": r,
                         "rl_multiplier": rl_multiplier(inference_multiplier, r)})


# Epoch's figures from the book's data ------------------------------------------------------------

#: The two runs of Epoch's FrontierMath example, as named in `api_prices.csv`, with the
#: stated-figure ids of their output tokens.
FRONTIERMATH_RUNS = (("o4-mini", "frontiermath_o4mini_output_tokens"),
                     ("GPT-5.2", "frontiermath_gpt52_output_tokens"))


def frontiermath_example() -> FixedCapabilityComparison:
    """Epoch's FrontierMath example from `stated_figures.csv` and `api_prices.csv`."""
    (early, early_id), (late, late_id) = FRONTIERMATH_RUNS
    return frontiermath_comparison(
        data.load_table("api_prices"), early, data.stated(early_id), late, data.stated(late_id),
        data.stated("frontiermath_months_between"))


def stated_decline_range() -> tuple[float, float]:
    """Epoch's 5-10x a year, from `stated_figures.csv`."""
    return data.stated("epoch_yearly_decline_low"), data.stated("epoch_yearly_decline_high")
