"""The synthesis model: its equation, its scenarios, and the browser's copy of it."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pytest
from inference_debate import data
from inference_debate.charts import synthesis as charts
from inference_debate.models import combined as model

os.environ.setdefault("QUARTO_PROJECT_DIR", str(Path(__file__).resolve().parents[2]))

P = model.Parameters(start_fraction=0.2, inference_growth=6.0, cost_decline=2.0, task_growth=1.5)


class Datum:
    """Attribute access to a row, as Vega's `datum`."""

    def __init__(self, row: dict):
        self.__dict__.update(row)


def evaluate_vega(calculations: list[tuple[str, str]], row: dict, params: dict) -> dict:
    """Run calculate transforms in order over one row, as the browser does."""
    out = dict(row)
    for field, expr in calculations:
        out[field] = eval(expr, {"__builtins__": {}, "pow": pow, "datum": Datum(out), **params})
    return out


def test_equation_by_hand():
    net = 6.0 / (2.0 * 1.5)
    assert model.cost_fraction(P, [0, 1, 3]).tolist() == pytest.approx([0.2, 0.2 * net,
                                                                        0.2 * net**3])
    assert model.years_to_parity(P) == pytest.approx(math.log(5) / math.log(2))


def test_parity_never_when_net_factor_below_one():
    p = model.Parameters(0.1, 2.0, 4.0, 1.0)
    assert model.years_to_parity(p) == math.inf


def test_parameters_must_be_positive():
    with pytest.raises(ValueError):
        model.Parameters(0.1, 0.0, 4.0, 1.0)


def test_greenblatt_scenario_ignores_task_growth():
    greenblatt = next(s for s in model.default_scenarios() if s.author == "greenblatt")
    for g in (1.0, 5.0):
        sliders = model.Parameters(0.1, 8.0, 3.0, g)
        assert model.cost_fraction(greenblatt.resolve(sliders), 2.0) == pytest.approx(0.1 / 9)


def test_scenarios_pin_the_authors_values_from_data():
    scenarios = {s.author: s for s in model.default_scenarios()}
    low, high = data.stated("epoch_yearly_decline_low"), data.stated("epoch_yearly_decline_high")
    assert scenarios["epoch"].pinned["cost_decline"] == pytest.approx(math.sqrt(low * high))
    doubling = data.load_table("metr_doubling_times")
    days = float(doubling.loc[doubling["method"] == "from_2023_on", "doubling_days"].iloc[0])
    assert scenarios["kokotajlo"].pinned["task_growth"] == pytest.approx(2 ** (365.25 / days))
    assert scenarios["reader"].pinned == {}


def test_sliders_defaults_inside_their_ranges():
    for s in model.default_sliders():
        assert s.low <= s.default <= s.high
        assert s.basis


def _spec():
    return charts.model_chart().to_dict()


def _calculations(spec: dict) -> list[tuple[str, str]]:
    layer = next(lay for lay in spec["layer"] if "transform" in lay)
    return [(t["as"], t["calculate"]) for t in layer["transform"]]


def test_browser_expressions_equal_python_model_at_two_settings():
    spec = _spec()
    calcs = _calculations(spec)
    rows = spec["datasets"]
    layer = next(lay for lay in spec["layer"] if "transform" in lay)
    values = rows[layer["data"]["name"]]
    scenarios = {s.name: s for s in model.default_scenarios()}
    settings = [model.Parameters(0.1, 3.0, 4.5, 3.6), model.Parameters(0.5, 12.0, 2.0, 1.5)]
    for sliders in settings:
        params = {name: getattr(sliders, name) for name in model.PARAMETER_NAMES}
        for row in values:
            got = evaluate_vega(calcs, row, params)["cost_fraction"]
            want = float(model.cost_fraction(scenarios[row["scenario"]].resolve(sliders),
                                             row["year"]))
            assert got == pytest.approx(want, rel=1e-12)


def test_model_check_in_usermeta_matches_the_python_model_and_the_expressions():
    spec = _spec()
    checks = spec["usermeta"]["model_check"]
    assert len(checks) == 2 and checks[0]["params"] != checks[1]["params"]
    scenarios = {s.name: s for s in model.default_scenarios()}
    calcs = _calculations(spec)
    layer = next(lay for lay in spec["layer"] if "transform" in lay)
    rows = {(r["scenario"], r["year"]): r for r in spec["datasets"][layer["data"]["name"]]}
    for check in checks:
        sliders = model.Parameters(**check["params"])
        for e in check["expected"]:
            assert e["cost_fraction"] == pytest.approx(
                float(model.cost_fraction(scenarios[e["scenario"]].resolve(sliders), e["year"])))
            browser = evaluate_vega(calcs, rows[(e["scenario"], e["year"])], check["params"])
            assert browser["cost_fraction"] == pytest.approx(e["cost_fraction"], rel=1e-12)


def test_sliders_are_named_params_bound_to_ranges():
    spec = _spec()
    params = {p["name"]: p for p in spec["params"]}
    assert set(model.PARAMETER_NAMES) <= set(params)
    for name in model.PARAMETER_NAMES:
        assert params[name]["bind"]["input"] == "range"


def test_spec_round_trip_and_provenance():
    chart = charts.model_chart()
    spec = chart.to_dict()
    assert json.loads(json.dumps(spec)) == spec
    assert type(chart).from_dict(spec).to_dict() == spec
    meta = spec["usermeta"]
    assert meta["provenance"]["kind"] == "book-analysis"
    assert meta["provenance"]["illustration"] is False
    assert meta["switch_scales"] == ["y"]
    assert np.isfinite([e["cost_fraction"] for c in meta["model_check"]
                        for e in c["expected"]]).all()


def test_the_axis_follows_the_lines():
    """No fixed domain and no clamp: a falling line is drawn falling, not flat at a floor."""
    for layer in _spec()["layer"]:
        scale = layer["encoding"]["y"].get("scale", {})
        assert scale.get("type") == "log"
        assert "domain" not in scale and not scale.get("clamp")


def test_every_default_is_an_authors_figure_or_the_books_choice_with_its_consequence():
    sliders = {s.name: s for s in model.default_sliders()}
    for name in ("start_fraction", "inference_growth"):
        assert sliders[name].basis.startswith("the book's"), name
        assert sliders[name].forces, name
    scenarios = {s.author: s for s in model.default_scenarios()}
    for author in ("ord", "greenblatt", "kokotajlo", "epoch"):
        sc = scenarios[author]
        assert sc.forces, author
        assert sc.authors_figure or sc.basis.startswith("the book's choice"), author
    assert scenarios["greenblatt"].authors_figure and scenarios["epoch"].authors_figure
    assert not scenarios["ord"].authors_figure and not scenarios["kokotajlo"].authors_figure


def test_inference_default_leaves_the_readers_line_level():
    """The book's default for inference growth offsets the other two defaults exactly (to the
    slider's step), so no line falls or rises because of it."""
    defaults = model.slider_parameters(model.default_sliders())
    net = defaults.inference_growth / (defaults.cost_decline * defaults.task_growth)
    assert net == pytest.approx(1.0, abs=1e-3)
    # and the cost decline is the FrontierMath rate to the hundredth, as chapter 4 gives it
    from inference_debate.models.epoch import frontiermath_example
    assert defaults.cost_decline == pytest.approx(frontiermath_example().yearly_rate, abs=0.005)
