"""Ord's arithmetic reproduces the figures the texts state, read from data/stated_figures.csv."""

from __future__ import annotations

import math

import pytest
from inference_debate import data
from inference_debate.models import ord as model


@pytest.fixture
def readings():
    return model.o1_inference_reading(), model.o1_rl_reading()


def _by_hand_ratio() -> float:
    inf_gain = data.stated("o1_aime_inference_high_pct") - data.stated("o1_aime_inference_low_pct")
    inf_slope = inf_gain / math.log10(data.stated("o1_aime_inference_multiplier"))
    rl_slope = (data.stated("o1_aime_rl_high_pct") - data.stated("o1_aime_rl_low_pct")
                ) / math.log10(data.stated("o1_aime_rl_multiplier"))
    return inf_slope / rl_slope


def test_readings_come_from_stated_figures(readings):
    inf, rl = readings
    assert inf.low_pct == data.stated("o1_aime_inference_low_pct")
    assert inf.high_pct == data.stated("o1_aime_inference_high_pct")
    assert rl.multiplier == data.stated("o1_aime_rl_multiplier")


def test_slope_ratio_matches_arithmetic_by_hand(readings):
    ratio = model.slope_ratio(*readings)
    assert ratio == pytest.approx(_by_hand_ratio())
    assert ratio == pytest.approx(1.8, abs=0.05)  # "a slope ratio of about 1.8"


def test_hundredfold_inference_is_roughly_four_thousandfold_rl(readings):
    inf, _ = readings
    rl = model.rl_multiplier_for(inf.multiplier, model.slope_ratio(*readings))
    assert rl == pytest.approx(inf.multiplier ** _by_hand_ratio())
    assert 3_000 < rl < 5_000  # "roughly 4,000x RL"


def test_rl_needed_for_the_inference_jump_equals_the_exchange_rate(readings):
    inf, rl = readings
    by_gain = model.rl_multiplier_for_gain(inf.gain_points, rl)
    by_ratio = model.rl_multiplier_for(inf.multiplier, model.slope_ratio(inf, rl))
    assert by_gain == pytest.approx(by_ratio)


def test_ord_rounding_is_a_ratio_of_two():
    small, large = model.ord_rounded_ratios()
    assert round(small) == 2 and round(large) == 2
    assert model.rl_multiplier_for(data.stated("ord_inference_multiplier_large"), 2) == (
        pytest.approx(data.stated("ord_rl_multiplier_large")))
    # 10x RL at ratio 2 is about 3x inference (10 ** 0.5 = 3.16).
    assert round(model.inference_multiplier_for(data.stated("ord_rl_multiplier_small"), 2)) == (
        data.stated("ord_inference_multiplier_small"))


def test_logistic_reading_by_hand(readings):
    def logit(p):
        return math.log(p / (100 - p))

    inf, rl = readings
    expected = (logit(inf.high_pct) - logit(inf.low_pct)) / (logit(rl.high_pct) - logit(rl.low_pct))
    assert model.slope_ratio(inf, rl, logistic=True) == pytest.approx(expected)
    assert model.accuracy_at(inf, inf.multiplier, logistic=True) == pytest.approx(inf.high_pct)
    assert model.accuracy_at(inf, 1.0, logistic=True) == pytest.approx(inf.low_pct)


def test_sensitivity_brackets_the_central_estimate(readings):
    central = model.slope_ratio(*readings)
    sens = model.sensitivity(*readings, points=3)
    assert sens.ratio_low < central < sens.ratio_high
    assert sens.rl_low < model.rl_multiplier_for(100, central) < sens.rl_high
    inf, rl = readings
    # Widest case by hand: inference gain +6 points, RL gain -6 points.
    assert sens.ratio_high == pytest.approx((inf.gain_points + 6) / (rl.gain_points - 6))
    assert sens.ratio_low == pytest.approx((inf.gain_points - 6) / (rl.gain_points + 6))
    zero = model.sensitivity(*readings, points=0)
    assert zero.ratio_low == pytest.approx(central) == pytest.approx(zero.ratio_high)


def test_sensitivity_table_moves_one_reading_at_a_time(readings):
    table = model.sensitivity_table(*readings, points=3)
    assert len(table) == 8
    inf, rl = readings
    row = table[(table["panel"] == "rl") & (table["reading"] == "high_pct")
                & (table["shift_points"] == 3)].iloc[0]
    assert row["slope_ratio"] == pytest.approx(inf.gain_points / (rl.gain_points + 3))


def test_per_use_cost_arithmetic():
    low = data.stated("epoch_yearly_decline_low")
    high = data.stated("epoch_yearly_decline_high")
    assert model.years_to_absorb(high, high) == pytest.approx(1.0)
    assert model.years_to_absorb(high**2, high) == pytest.approx(2.0)
    assert model.years_to_absorb(100, low) == pytest.approx(math.log(100) / math.log(low))
    assert model.wtp_growth_needed(100) == 100
    assert model.wtp_growth_needed(11, inference_share=0.5) == pytest.approx(6)
    with pytest.raises(ValueError):
        model.years_to_absorb(10, 1.0)


def test_early_regime_slope():
    slope = data.stated("ord_early_regime_slope")
    assert model.horizon_multiplier(2, slope) == pytest.approx(2**slope)


@pytest.mark.parametrize("args", [(20, 80, 1), (0, 80, 100), (20, 100, 100)])
def test_reading_rejects_impossible_values(args):
    with pytest.raises(ValueError):
        model.Reading(*args)


def test_share_of_log_gain_on_a_linear_axis():
    from inference_debate.models.ord import share_of_log_gain

    # 1x..100x on a linear axis: its first tenth ends at 10.9x; log(10.9)/log(100) of the gain.
    assert abs(share_of_log_gain(100, 0.1) - 0.5187) < 1e-3
    assert share_of_log_gain(100, 1.0) == 1.0
    assert share_of_log_gain(1000, 0.1) > share_of_log_gain(100, 0.1)
