"""Ryan Greenblatt's budget–time-horizon frontiers, and METR-style doubling-time fits.

Greenblatt's frontiers are illustrations: he drew them from made-up data on purpose. Here they are
curves with visible parameters (the dataclasses below, whose defaults the book shows). Horizons
are 50%-reliability time horizons in minutes of human work; costs are US dollars per task.

A frontier is straight on log-log axes (horizon against cost) with a slope near 1 while a model is
doing bigger tasks at a steady fraction of human cost, then bends at a knee to a much lower slope
(leveling off). In easy-to-check domains Greenblatt expects a long regime where "every 8x increase
in inference compute yields a 2x time horizon increase": a log-log slope of log 2 / log 8 = 1/3.

The human frontier is a line of slope 1: a person paid an hourly rate costs rate × hours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from inference_debate import data
from inference_debate.analysis import book_analysis

MINUTES_PER_HOUR = 60.0
DAYS_PER_YEAR = 365.25


@book_analysis
def loglog_slope(compute_multiplier: float, horizon_multiplier: float) -> float:
    """Log-log slope of horizon against compute implied by "x more compute gives y longer"."""
    if compute_multiplier <= 1 or horizon_multiplier <= 0:
        raise ValueError("compute multiplier must exceed 1 and horizon multiplier be positive")
    return math.log(horizon_multiplier) / math.log(compute_multiplier)


@book_analysis
def easy_domain_slope() -> float:
    """Greenblatt's easy-to-check regime, from `stated_figures.csv` (8x compute for 2x horizon)."""
    return loglog_slope(data.stated("greenblatt_easy_compute_multiplier"),
                        data.stated("greenblatt_easy_horizon_multiplier"))


@book_analysis
def human_cost_usd(horizon_minutes: float | np.ndarray, hourly_rate_usd: float
                   ) -> float | np.ndarray:
    """What a person paid `hourly_rate_usd` costs for a task of that many minutes."""
    if hourly_rate_usd <= 0:
        raise ValueError("the hourly rate must be positive")
    out = np.asarray(horizon_minutes, dtype=float) / MINUTES_PER_HOUR * hourly_rate_usd
    return float(out) if np.ndim(out) == 0 else out


def human_hourly_rate() -> float:
    """The book's assumed human hourly rate (USD), from `assumptions.csv`."""
    return data.assumption("human_hourly_rate_usd")


@dataclass(frozen=True)
class Frontier:
    """One illustrative AI budget–time-horizon Pareto frontier (made-up parameters).

    Attributes
    ----------
    name : label shown in charts.
    fraction_of_human_cost : AI cost as a fraction of human cost at the knee; in the linear
        regime with `early_slope` 1 the fraction is this value all the way down.
    knee_minutes : horizon where the linear regime ends and returns start to level off.
    early_slope : log-log slope (horizon against cost) before the knee; near 1, slightly off it
        because real models have small polynomial advantages or disadvantages.
    late_slope : log-log slope after the knee; 0 levels off completely, 1/3 is the "8x compute
        for 2x horizon" regime.
    sharpness : width of the bend, in natural-log units of cost; smaller is a sharper knee.
    """

    name: str
    fraction_of_human_cost: float
    knee_minutes: float
    early_slope: float = 1.0
    late_slope: float = 0.08
    sharpness: float = 0.5

    def __post_init__(self) -> None:
        if self.fraction_of_human_cost <= 0 or self.knee_minutes <= 0 or self.sharpness <= 0:
            raise ValueError(f"{self.name}: fraction, knee and sharpness must be positive")
        if not 0 <= self.late_slope < self.early_slope:
            raise ValueError(f"{self.name}: need 0 <= late_slope < early_slope")

    def knee_cost_usd(self, hourly_rate_usd: float) -> float:
        """Cost at the knee."""
        return self.fraction_of_human_cost * human_cost_usd(self.knee_minutes, hourly_rate_usd)

    def horizon_minutes(self, cost_usd: float | np.ndarray, hourly_rate_usd: float
                        ) -> float | np.ndarray:
        """Longest task horizon reachable for a budget.

        In log space around the knee, u = ln(cost / knee cost) and
        ln(h / knee) = late·u + (early − late)·smoothmin(u, 0), where smoothmin(u, 0) =
        −s·ln(1 + e^(−u/s)): slope `early_slope` well below the knee, `late_slope` well above.
        """
        u = np.log(np.asarray(cost_usd, dtype=float) / self.knee_cost_usd(hourly_rate_usd))
        s = self.sharpness
        smooth_min = -s * np.logaddexp(0.0, -u / s)
        y = self.late_slope * u + (self.early_slope - self.late_slope) * smooth_min
        out = self.knee_minutes * np.exp(y)
        return float(out) if np.ndim(out) == 0 else out


@dataclass(frozen=True)
class FrontierSet:
    """The illustrative frontiers of Greenblatt's post, oldest to newest, and what is drawn.

    Defaults are made up, as Greenblatt's were: each newer model is cheaper per unit of task in
    its linear regime and keeps that regime to a longer horizon. :func:`frontiers` adds the
    newest model in an easy-to-check domain, whose returns after the knee stay at "8x compute for
    2x horizon" (its late slope is computed from the stated figures).

    Attributes
    ----------
    models : the frontiers, oldest first.
    cost_min_usd, cost_max_usd, points : the budgets at which each frontier is evaluated.
    horizon_min_minutes, horizon_max_minutes : horizons outside this range are not drawn.
    shift_start_share_of_knee : the two marked shifts start on the oldest frontier at this
        share of its knee budget (inside its linear regime).
    shift_budget_multiplier : how much more budget the "inference scaling" shift spends.
    """

    models: tuple[Frontier, ...] = (
        Frontier("Older model", fraction_of_human_cost=0.10, knee_minutes=8, early_slope=0.97),
        Frontier("Newer model", fraction_of_human_cost=0.06, knee_minutes=45, early_slope=1.0),
        Frontier("Newest model", fraction_of_human_cost=0.035, knee_minutes=240,
                 early_slope=1.03),
    )
    cost_min_usd: float = 0.01
    cost_max_usd: float = 10_000.0
    points: int = 80
    horizon_min_minutes: float = 0.5
    horizon_max_minutes: float = 60 * 24 * 30
    shift_start_share_of_knee: float = 0.25
    shift_budget_multiplier: float = 100.0
    easy_domain_name: str = "Newest, easy-to-check"


def frontiers(params: FrontierSet | None = None, *, include_easy_domain: bool = True
              ) -> list[Frontier]:
    """The frontiers to draw: the set's models, plus the newest one in an easy-to-check domain."""
    params = params or FrontierSet()
    out = list(params.models)
    if include_easy_domain:
        newest = params.models[-1]
        out.append(Frontier(params.easy_domain_name, newest.fraction_of_human_cost,
                            newest.knee_minutes, newest.early_slope, easy_domain_slope(),
                            newest.sharpness))
    return out


def frontier_table(params: FrontierSet | None = None, hourly_rate_usd: float | None = None
                   ) -> pd.DataFrame:
    """Points along every frontier and the human line.

    Columns: frontier, kind ("ai" | "human"), cost_usd, horizon_minutes, human_cost_usd,
    fraction_of_human_cost. Horizons beyond `horizon_max_minutes` are dropped.
    """
    params = params or FrontierSet()
    rate = human_hourly_rate() if hourly_rate_usd is None else hourly_rate_usd
    costs = np.geomspace(params.cost_min_usd, params.cost_max_usd, params.points)
    frames = []
    for frontier in frontiers(params):
        frames.append(pd.DataFrame({"frontier": frontier.name, "kind": "ai", "cost_usd": costs,
                                    "horizon_minutes": frontier.horizon_minutes(costs, rate)}))
    frames.append(pd.DataFrame({"frontier": "Human", "kind": "human", "cost_usd": costs,
                                "horizon_minutes": costs / rate * MINUTES_PER_HOUR}))
    table = pd.concat(frames, ignore_index=True)
    keep = table["horizon_minutes"].between(params.horizon_min_minutes,
                                            params.horizon_max_minutes)
    table = table[keep].copy()
    table["human_cost_usd"] = human_cost_usd(table["horizon_minutes"].to_numpy(), rate)
    table["fraction_of_human_cost"] = table["cost_usd"] / table["human_cost_usd"]
    return table.reset_index(drop=True)


@dataclass(frozen=True)
class Shift:
    """A move between two frontiers or along one, in cost-fraction and horizon coordinates."""

    kind: str
    start_fraction: float
    start_minutes: float
    end_fraction: float
    end_minutes: float

    @property
    def horizon_gain(self) -> float:
        """How many times longer the horizon is at the end."""
        return self.end_minutes / self.start_minutes

    @property
    def fraction_gain(self) -> float:
        """How many times larger the fraction of human cost is at the end."""
        return self.end_fraction / self.start_fraction


@book_analysis
def shifts(params: FrontierSet | None = None, hourly_rate_usd: float | None = None
           ) -> list[Shift]:
    """The two kinds of move Greenblatt separates, starting from the oldest frontier.

    Both start at a point in the older model's linear regime. "Bigger tasks, same efficiency":
    straight up to the longest horizon the newer model reaches at the same fraction of human
    cost. "Inference scaling": along the older model's own frontier to a budget
    `shift_budget_multiplier` times larger, which raises the fraction of human cost.
    """
    params = params or FrontierSet()
    rate = human_hourly_rate() if hourly_rate_usd is None else hourly_rate_usd
    old, new = params.models[0], params.models[1]
    c0 = old.knee_cost_usd(rate) * params.shift_start_share_of_knee
    h0 = old.horizon_minutes(c0, rate)
    f0 = c0 / human_cost_usd(h0, rate)
    # On the newer frontier, the horizon whose cost is fraction f0 of human cost.
    costs = np.geomspace(1e-6, 1e8, 4001)
    new_h = new.horizon_minutes(costs, rate)
    frac = costs / human_cost_usd(new_h, rate)
    reachable = new_h[frac <= f0]
    if not reachable.size:
        raise ValueError("the newer frontier never reaches the older fraction of human cost")
    h_up = float(reachable.max())
    c1 = c0 * params.shift_budget_multiplier
    h1 = old.horizon_minutes(c1, rate)
    return [
        Shift("bigger tasks, same efficiency", f0, h0, f0, h_up),
        Shift("inference scaling", f0, h0, c1 / human_cost_usd(h1, rate), h1),
    ]


# METR time horizons ----------------------------------------------------------------------------

@dataclass(frozen=True)
class DoublingFit:
    """Least-squares fit of log2(horizon) on release date.

    Attributes
    ----------
    doubling_days : days for the fitted horizon to double.
    slope_per_day : log2 minutes per day.
    intercept : log2 minutes at `origin`.
    origin : the date where days are counted from.
    n_models : how many models the fit used.
    start : earliest release date allowed into the fit.
    """

    doubling_days: float
    slope_per_day: float
    intercept: float
    origin: pd.Timestamp
    n_models: int
    start: pd.Timestamp

    def horizon_minutes(self, dates: pd.Series | pd.DatetimeIndex) -> np.ndarray:
        """Fitted 50% horizon at given dates."""
        days = (pd.to_datetime(pd.Series(dates)) - self.origin).dt.days.to_numpy(dtype=float)
        return np.power(2.0, self.intercept + self.slope_per_day * days)

    @property
    def doublings_per_year(self) -> float:
        """Doublings of the horizon per year."""
        return DAYS_PER_YEAR / self.doubling_days


@book_analysis
def fit_doubling_time(
    horizons: pd.DataFrame, start: str = "2023-01-01", sota_only: bool = True
) -> DoublingFit:
    """Fit the horizon trend the way METR does: log2 p50 horizon on release date.

    Uses the rows of a `metr_horizons` table with `is_sota` true (unless `sota_only` is False)
    released on or after `start`.
    """
    start_ts = pd.Timestamp(start)
    rows = horizons[pd.to_datetime(horizons["release_date"]) >= start_ts]
    if sota_only:
        rows = rows[rows["is_sota"].astype(bool)]
    if len(rows) < 2:
        raise ValueError(f"need at least two models from {start} on to fit a trend")
    days = (pd.to_datetime(rows["release_date"]) - start_ts).dt.days.to_numpy(dtype=float)
    y = np.log2(rows["p50_horizon_minutes"].to_numpy(dtype=float))
    slope, intercept = np.polyfit(days, y, 1)
    if slope <= 0:
        raise ValueError("the fitted horizon does not grow; no doubling time")
    return DoublingFit(1.0 / slope, float(slope), float(intercept), start_ts, len(rows), start_ts)


def metr_published_doubling(method: str = "from_2023_on") -> pd.Series:
    """METR's own doubling time (days, with CI) for a method, from `metr_doubling_times.csv`.

    If the table holds several releases, the latest release is used.
    """
    table = data.load_table("metr_doubling_times")
    rows = table[table["method"] == method]
    if rows.empty:
        raise KeyError(f"no METR doubling time for method {method!r}")
    latest = data.latest_release("metr_doubling_times")
    rows = rows[rows["release"].astype(str) == latest]
    if rows.empty:
        raise KeyError(f"no METR doubling time for method {method!r} in release {latest}")
    return rows.iloc[-1]


@book_analysis
def horizons_with_human_cost(hourly_rate_usd: float | None = None) -> pd.DataFrame:
    """The `metr_horizons` table plus the human cost of each horizon and of its CI bounds.

    Adds p50_human_usd, p50_ci_low_human_usd and p50_ci_high_human_usd.
    """
    rate = human_hourly_rate() if hourly_rate_usd is None else hourly_rate_usd
    table = data.load_table("metr_horizons").copy()
    for col, out in (("p50_horizon_minutes", "p50_human_usd"),
                     ("p50_ci_low_minutes", "p50_ci_low_human_usd"),
                     ("p50_ci_high_minutes", "p50_ci_high_human_usd")):
        table[out] = human_cost_usd(table[col].to_numpy(dtype=float), rate)
    return table
