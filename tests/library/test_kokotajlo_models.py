"""Kokotajlo's s-curves, the exchange rate read along them, Grok 4, and horizons as human cost."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pytest
from inference_debate import data
from inference_debate.charts import kokotajlo as charts
from inference_debate.models import kokotajlo as model

os.environ.setdefault("QUARTO_PROJECT_DIR", str(Path(__file__).resolve().parents[2]))

CURVE = model.SCurve("test", rl_decades=0.0, plateau=0.6, midpoint=2.0, steepness=1.2, floor=0.1)


def test_logistic_midpoint_floor_and_plateau():
    assert CURVE.performance(2.0) == pytest.approx(0.35)
    assert CURVE.performance(-50.0) == pytest.approx(0.1)
    assert CURVE.performance(50.0) == pytest.approx(0.6)


def test_steep_region_and_inverse_agree():
    low, high = CURVE.steep_region(0.2, 0.8)
    assert CURVE.performance(low) == pytest.approx(0.1 + 0.2 * 0.5)
    assert CURVE.performance(high) == pytest.approx(0.1 + 0.8 * 0.5)
    assert CURVE.log10_compute_for(0.3) == pytest.approx(
        2.0 - math.log(1 / 0.4 - 1) / 1.2)
    assert CURVE.log10_compute_for(0.6) == math.inf


def test_bad_curve_rejected():
    with pytest.raises(ValueError):
        model.SCurve("bad", 0.0, plateau=0.2, midpoint=0.0, steepness=1.0, floor=0.3)


def test_local_slope_ratio_is_ratio_of_finite_differences():
    lower, upper = model.ILLUSTRATIVE_CURVES[:2]
    x = 1.3
    gain_inference = (lower.performance(x + 2) - lower.performance(x)) / 2
    gain_rl = (upper.performance(x) - lower.performance(x)) / (upper.rl_decades - lower.rl_decades)
    assert model.local_slope_ratio(lower, upper, x, 2.0) == pytest.approx(gain_inference / gain_rl)


def test_exchange_rate_falls_toward_zero_on_the_plateau():
    lower, upper = model.ILLUSTRATIVE_CURVES[:2]
    steep = model.local_slope_ratio(lower, upper, lower.midpoint, 2.0)
    flat = model.local_slope_ratio(lower, upper, lower.midpoint + 5, 2.0)
    assert flat < steep / 100


def test_plateaus_rise_with_training_and_curves_do_not_cross():
    x = np.linspace(-3, 8, 200)
    for lower, upper in zip(model.ILLUSTRATIVE_CURVES, model.ILLUSTRATIVE_CURVES[1:],
                            strict=False):
        assert upper.plateau > lower.plateau
        assert np.all(upper.performance(x) >= lower.performance(x))


def test_ord_ratio_from_stated_figures():
    expected = math.log10(data.stated("ord_rl_multiplier_large")) / math.log10(
        data.stated("ord_inference_multiplier_large"))
    assert charts.ord_slope_ratio() == pytest.approx(expected)


def test_grok4_constant_rate_matches_at_stated_multiplier_plateau_never_does():
    exp = charts.thought_experiment()
    # 10,000x RL at Ord's exchange is the 100x inference Ord states
    assert exp.matching_inference_multiplier == pytest.approx(
        data.stated("ord_inference_multiplier_large"))
    assert exp.rl_multiplier == data.stated("grok4_rl_multiplier")
    decades = math.log10(exp.matching_inference_multiplier)
    assert exp.constant_rate(decades) == pytest.approx(exp.target)
    assert not exp.plateau_reaches_target
    assert float(np.max(exp.plateau_model(np.linspace(0, 12, 50)))) < exp.target


def test_horizons_to_human_cost_at_the_book_rate():
    rate = data.assumption("human_hourly_rate_usd")
    table = charts.horizon_values("1.1")
    raw = data.load_table("metr_horizons")
    raw = raw[raw["release"] == "1.1"]
    assert len(table) == len(raw)
    row = table.iloc[-1]
    assert row["human_cost_usd"] == pytest.approx(row["p50_horizon_minutes"] * rate / 60)
    assert (table["human_cost_low_usd"] <= table["human_cost_usd"]).all()


def test_yearly_growth_from_doubling_time():
    assert model.yearly_growth_from_doubling(365.25) == pytest.approx(2.0)
    assert model.yearly_growth_from_doubling(365.25 / 3) == pytest.approx(8.0)
    with pytest.raises(ValueError):
        model.yearly_growth_from_doubling(0)
