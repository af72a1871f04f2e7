"""Numbers as the prose prints them: significant figures, separators, units.

Every inline value in a chapter is a string built here, so that one figure reads the same
wherever it appears.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

TIMES = "\u00d7"


def _check(x: float) -> float:
    value = float(x)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"cannot format {x!r} as a number")
    return value


def _round_sig(x: float, sig: int) -> float:
    if sig < 1:
        raise ValueError(f"sig must be at least 1, not {sig}")
    if x == 0:
        return 0.0
    exponent = math.floor(math.log10(abs(x)))
    return round(x, sig - 1 - exponent)


def _decimals_needed(x: float, sig: int) -> int:
    if x == 0:
        return 0
    exponent = math.floor(math.log10(abs(x)))
    return max(0, sig - 1 - exponent)


def _plain(x: float, decimals: int) -> str:
    text = f"{abs(x):,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return ("-" if x < 0 and text.strip("0.,") else "") + text


def number(x: float, sig: int = 2) -> str:
    """Round to `sig` significant figures, grouping thousands: 4012 -> "4,000"."""
    value = _round_sig(_check(x), sig)
    return _plain(value, _decimals_needed(value, sig))


def times(x: float, sig: int = 2) -> str:
    """A multiplier: 4012 -> "4,000×"."""
    return number(x, sig) + TIMES


def percent(p: float, digits: int = 0) -> str:
    """A percentage given in percent units: 20 -> "20%", 33.3 with digits=1 -> "33.3%"."""
    value = _check(p)
    if digits < 0:
        raise ValueError(f"digits must be at least 0, not {digits}")
    text = f"{abs(value):,.{digits}f}"
    negative = value < 0 and text.strip("0.,") != ""
    return ("-" if negative else "") + text + "%"


def usd(x: float, sig: int = 2) -> str:
    """US dollars to `sig` significant figures: 189 -> "$190", 4.4 -> "$4.40", 0.0036 -> "$0.0036".

    Whole amounts print without cents; other amounts print at least two decimals.
    """
    value = _round_sig(_check(x), sig)
    decimals = _decimals_needed(value, sig)
    if value == int(value):
        text = f"{abs(value):,.0f}"
    else:
        text = f"{abs(value):,.{max(2, decimals)}f}"
    return ("-" if value < 0 else "") + "$" + text


def days(x: float) -> str:
    """A count of days, always to three significant figures: 130.8 -> "131 days".

    METR's doubling times print through this one function, so they read the same everywhere.
    """
    return number(x, sig=3) + " days"


_UNITS = (  # name, minutes in one, upper bound in minutes for using it
    ("second", 1 / 60, 1.0),
    ("minute", 1.0, 60.0),
    ("hour", 60.0, 60.0 * 24 * 2),
    ("day", 60.0 * 24, math.inf),
)


def duration(minutes: float, sig: int = 2) -> str:
    """A length of time given in minutes, in the largest fitting unit: 120 -> "2 hours".

    Under a minute prints seconds, under an hour minutes, under two days hours, beyond that days.
    """
    value = _check(minutes)
    if value < 0:
        raise ValueError(f"a duration cannot be negative: {minutes!r}")
    unit, amount = _UNITS[-1][0], value / _UNITS[-1][1]
    for candidate, size, upper in _UNITS:
        rounded = _round_sig(value / size, sig)
        if rounded * size < upper:
            unit, amount = candidate, rounded
            break
    label = number(amount, sig)
    return f"{label} {unit}" + ("" if label == "1" else "s")


def year(date: str | dt.date | dt.datetime | pd.Timestamp | np.datetime64) -> str:
    """The year of a date: "2025-04-16" -> "2025"."""
    stamp = pd.Timestamp(date)
    if pd.isna(stamp):
        raise ValueError(f"cannot take the year of {date!r}")
    return str(stamp.year)
