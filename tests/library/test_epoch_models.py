"""Epoch's FrontierMath arithmetic, the $50,000 projection and RL's slope ratio, from the tables."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from inference_debate import data
from inference_debate.models import epoch as model

os.environ.setdefault("QUARTO_PROJECT_DIR", str(Path(__file__).resolve().parents[2]))


def _price(name: str) -> float:
    prices = data.load_table("api_prices")
    return float(prices.loc[prices["model"] == name, "usd_per_million_output_tokens"].iloc[0])


def test_frontiermath_costs_are_tokens_times_published_price():
    cmp = model.frontiermath_example()
    early = data.stated("frontiermath_o4mini_output_tokens") * _price("o4-mini") / 1e6
    late = data.stated("frontiermath_gpt52_output_tokens") * _price("GPT-5.2") / 1e6
    assert cmp.earlier.cost_usd == pytest.approx(early)
    assert cmp.later.cost_usd == pytest.approx(late)
    # the figures Epoch's text checks against: about $189, $70 and a ratio of about 2.7
    assert round(cmp.earlier.cost_usd) == 189
    assert round(cmp.later.cost_usd) == 70
    assert round(cmp.cost_ratio, 1) == 2.7


def test_frontiermath_ratio_rounds_to_epochs_3x():
    cmp = model.frontiermath_example()
    assert round(cmp.cost_ratio) == data.stated("epoch_stated_cost_reduction")


def test_implied_yearly_rate_compounds_over_the_stated_months():
    cmp = model.frontiermath_example()
    months = data.stated("frontiermath_months_between")
    assert cmp.yearly_rate == pytest.approx(cmp.cost_ratio ** (12 / months))
    assert cmp.yearly_rate ** (months / 12) == pytest.approx(cmp.cost_ratio)


def test_token_and_price_ratios_multiply_to_cost_ratio():
    cmp = model.frontiermath_example()
    assert cmp.token_ratio / cmp.price_ratio == pytest.approx(cmp.cost_ratio)


def test_illustration_at_the_aggressive_rate():
    start = data.stated("epoch_illustration_start_usd")
    high = data.stated("epoch_yearly_decline_high")
    costs = model.project_cost(start, high, [0, 1, 2])
    assert costs.tolist() == pytest.approx([start, start / high, start / high**2])
    table = model.projection_table(start, {"a": high}, years=2, points=3)
    assert table["cost_usd"].tolist() == pytest.approx(costs.tolist())


def test_rl_multiplier_from_slope_ratio():
    inference = data.stated("ord_inference_multiplier_large")
    rl = data.stated("ord_rl_multiplier_large")
    ratio = math.log(rl) / math.log(inference)
    assert float(model.rl_multiplier(inference, ratio)) == pytest.approx(rl)
    doubled = ratio / data.stated("scalerl_slope_ratio_vs_grpo")
    assert float(model.rl_multiplier(inference, doubled)) == pytest.approx(inference)


def test_price_row_names_the_models_when_missing():
    prices = pd.DataFrame({"model": ["a"], "release_date": ["2025-01-01"],
                           "usd_per_million_output_tokens": [1.0]})
    with pytest.raises(KeyError, match="a"):
        model.price_row(prices, "b")


def test_bad_inputs_raise():
    with pytest.raises(ValueError):
        model.yearly_rate(0, 8)
    with pytest.raises(ValueError):
        model.project_cost(-1, 5, np.array([1.0]))
