"""Formatting of inline values: significant figures, separators, units."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from inference_debate import fmt


@pytest.mark.parametrize(
    ("x", "sig", "expected"),
    [
        (4012, 2, "4,000"),
        (43_000_000, 2, "43,000,000"),
        (189.2, 2, "190"),
        (2.6857, 2, "2.7"),
        (2.6857, 3, "2.69"),
        (0.01234, 2, "0.012"),
        (3.0, 2, "3"),
        (0, 2, "0"),
        (-1234, 2, "-1,200"),
        (99.96, 3, "100"),
    ],
)
def test_number(x, sig, expected):
    assert fmt.number(x, sig=sig) == expected


def test_number_rejects_nan():
    with pytest.raises(ValueError):
        fmt.number(float("nan"))


def test_times():
    assert fmt.times(10_000) == "10,000\u00d7"
    assert fmt.times(2.7) == "2.7\u00d7"


@pytest.mark.parametrize(
    ("p", "digits", "expected"),
    [(20, 0, "20%"), (27.4, 0, "27%"), (33.33, 1, "33.3%"), (100, 0, "100%"), (0.5, 1, "0.5%")],
)
def test_percent(p, digits, expected):
    assert fmt.percent(p, digits=digits) == expected


@pytest.mark.parametrize(
    ("x", "sig", "expected"),
    [
        (43 * 4.40, 2, "$190"),   # Epoch's o4-mini FrontierMath run: 43M tokens at $4.40/M
        (5 * 14.0, 2, "$70"),
        (4.4, 2, "$4.40"),
        (1.75, 3, "$1.75"),
        (50_000, 2, "$50,000"),
        (0.0036, 2, "$0.0036"),
        (17, 2, "$17"),
    ],
)
def test_usd(x, sig, expected):
    assert fmt.usd(x, sig=sig) == expected


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (120, "2 hours"),
        (60, "1 hour"),
        (90, "1.5 hours"),
        (59.9, "1 hour"),
        (19.78, "20 minutes"),
        (1, "1 minute"),
        (0.5, "30 seconds"),
        (3 * 24 * 60, "3 days"),
    ],
)
def test_duration(minutes, expected):
    assert fmt.duration(minutes) == expected


def test_duration_rejects_negative():
    with pytest.raises(ValueError):
        fmt.duration(-1)


@pytest.mark.parametrize(
    "date",
    ["2025-04-16", dt.date(2025, 4, 16), pd.Timestamp("2025-04-16"), np.datetime64("2025-04-16")],
)
def test_year(date):
    assert fmt.year(date) == "2025"
