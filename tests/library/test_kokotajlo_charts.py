"""Every chart builder of the Kokotajlo, Epoch and synthesis chapters: valid, stable, cited."""

from __future__ import annotations

import json
import os
from pathlib import Path

import altair as alt
import pytest
from inference_debate.charts import epoch, kokotajlo, synthesis

os.environ.setdefault("QUARTO_PROJECT_DIR", str(Path(__file__).resolve().parents[2]))

BUILDERS = {
    "s_curves": (kokotajlo.s_curves_chart, True),
    "exchange_rate": (kokotajlo.exchange_rate_chart, True),
    "grok4": (kokotajlo.grok4_chart, True),
    "horizon_value": (kokotajlo.horizon_value_chart, False),
    "frontiermath": (epoch.frontiermath_chart, False),
    "price_trends": (epoch.price_trends_chart, False),
    "cheapest_prices": (epoch.cheapest_prices_chart, False),
    "illustration": (epoch.illustration_chart, True),
    "rl_slope": (epoch.rl_slope_chart, False),
    # The synthesis model combines the authors' figures with the book's choices: its analysis.
    "synthesis": (synthesis.model_chart, False),
}


def _marks(spec: dict) -> list[dict]:
    if "layer" in spec:
        return [m for layer in spec["layer"] for m in _marks(layer)]
    return [spec] if "mark" in spec else []


def _scales(spec: dict, channel: str) -> list[dict]:
    return [m["encoding"][channel].get("scale", {}) for m in _marks(spec)
            if channel in m.get("encoding", {})]


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_spec_valid_and_round_trip_stable(name):
    build, _ = BUILDERS[name]
    chart = build()
    spec = chart.to_dict(validate=True)
    text = json.dumps(spec, sort_keys=True)
    assert json.dumps(json.loads(text), sort_keys=True) == text
    assert type(chart).from_dict(spec).to_dict() == spec


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_provenance_switch_and_tooltips(name):
    build, illustration = BUILDERS[name]
    spec = build().to_dict()
    meta = spec["usermeta"]
    assert meta["provenance"]["sources"], "every chart cites a source"
    assert meta["provenance"]["illustration"] is illustration
    for channel in meta["switch_scales"]:
        assert any(s.get("type") == "log" for s in _scales(spec, channel))
    for mark in _marks(spec):
        assert "tooltip" in mark["encoding"], f"{name}: a mark without tooltip"


def test_log_axes_over_two_orders_offer_the_switch():
    assert kokotajlo.horizon_value_chart().to_dict()["usermeta"]["switch_scales"] == ["y"]
    assert "x" in kokotajlo.s_curves_chart().to_dict()["usermeta"]["switch_scales"]


def test_illustration_slider_expression_equals_python_projection():
    from inference_debate.models import epoch as model

    spec = epoch.illustration_chart().to_dict()
    assert spec["params"][0]["name"] == epoch.RATE_SLIDER["name"]
    expr = spec["transform"][0]["calculate"]
    rows = spec["datasets"][spec["data"]["name"]]
    checks = spec["usermeta"]["model_check"]
    assert len(checks) == 2
    for check in checks:
        rate = check["params"][epoch.RATE_SLIDER["name"]]
        expected = {(e["line"], e["year"]): e["cost_usd"] for e in check["expected"]}
        for row in rows:
            datum = type("Datum", (), row)
            got = eval(expr, {"__builtins__": {}, "pow": pow, "datum": datum,
                              epoch.RATE_SLIDER["name"]: rate})
            line_rate = row["fixed_rate"] or rate
            want = float(model.project_cost(row["start_usd"], line_rate, row["year"]))
            assert got == pytest.approx(want, rel=1e-12)
            assert expected[(row["line"], row["year"])] == pytest.approx(want, rel=1e-12)


def test_charts_are_altair_top_level():
    for build, _ in BUILDERS.values():
        assert isinstance(build(), alt.TopLevelMixin)
