"""Every Ord and Greenblatt chart builder gives a valid, stable, provenance-stamped spec."""

from __future__ import annotations

import json

import pytest
from inference_debate import data
from inference_debate.charts import greenblatt as gcharts
from inference_debate.charts import ord as ocharts

BUILDERS = {
    "ord.log_x": (ocharts.log_x_chart, ("x",), False),
    "ord.readings": (ocharts.readings_chart, ("x",), False),
    "ord.exchange_rate": (ocharts.exchange_rate_chart, ("x", "y"), False),
    "ord.arc_agi": (ocharts.arc_agi_chart, ("x",), False),
    "ord.per_use_cost": (ocharts.per_use_cost_chart, ("x",), False),
    "greenblatt.frontiers": (gcharts.frontiers_chart, ("x", "y"), True),
    "greenblatt.fraction": (gcharts.fraction_chart, ("x", "y"), True),
    "greenblatt.metr": (gcharts.metr_horizons_chart, ("y",), False),
}


def _units(spec: dict):
    """Every unit spec (one with a mark) inside a layered spec."""
    if "mark" in spec:
        yield spec
    for child in spec.get("layer", []):
        yield from _units(child)


@pytest.fixture(params=sorted(BUILDERS), scope="module")
def built(request):
    builder, switch, illustration = BUILDERS[request.param]
    chart = builder()
    return chart, chart.to_dict(validate=True), switch, illustration


def test_spec_is_valid_and_round_trips(built):
    chart, spec, _, _ = built
    again = type(chart).from_dict(spec).to_dict(validate=True)
    assert again == spec
    assert json.loads(json.dumps(spec)) == spec
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")


def test_usermeta_has_provenance_and_switch(built):
    _, spec, switch, illustration = built
    meta = spec["usermeta"]
    assert meta["switch_scales"] == list(switch)
    prov = meta["provenance"]
    assert prov["illustration"] is illustration
    assert prov["sources"], "every chart cites at least one source"
    known = data.load_sources()
    assert all(s["id"] in known and s["text"] for s in prov["sources"])
    for name, digest in prov["tables"].items():
        assert digest == data.table_hash(name)


def test_switched_channels_are_log_scales(built):
    _, spec, switch, _ = built
    for channel in switch:
        scales = [u["encoding"][channel].get("scale", {}) for u in _units(spec)
                  if channel in u.get("encoding", {})]
        assert scales and all(s.get("type") == "log" for s in scales if s)


def test_every_mark_has_a_tooltip(built):
    _, spec, _, _ = built
    for unit in _units(spec):
        assert "tooltip" in unit.get("encoding", {}), unit["mark"]


def test_sliders_are_named_and_bound():
    for builder in (ocharts.per_use_cost_chart, gcharts.frontiers_chart, gcharts.fraction_chart):
        params = builder().to_dict()["params"]
        assert params and all(p["name"] and "bind" in p for p in params)


def test_exchange_chart_plots_the_computed_rate():
    from inference_debate.models import ord as model

    spec = ocharts.exchange_rate_chart().to_dict()
    ratio = model.slope_ratio(model.o1_inference_reading(), model.o1_rl_reading())
    rows = [r for values in spec["datasets"].values() for r in values
            if r.get("line") == "From the stated readings" and "slope_ratio" in r]
    assert rows and all(r["slope_ratio"] == pytest.approx(ratio) for r in rows)
    last = max(rows, key=lambda r: r["inference_multiplier"])
    assert last["rl_multiplier"] == pytest.approx(last["inference_multiplier"] ** ratio)


def test_metr_tooltip_gives_human_cost_at_the_assumed_rate():
    spec = gcharts.metr_horizons_chart().to_dict()
    rate = data.assumption("human_hourly_rate_usd")
    rows = [r for values in spec["datasets"].values() for r in values if "p50_human_usd" in r]
    assert rows
    for r in rows:
        assert r["p50_human_usd"] == pytest.approx(r["p50_horizon_minutes"] / 60 * rate)
        assert r["p50_ci_low_minutes"] <= r["p50_horizon_minutes"] <= r["p50_ci_high_minutes"]


def test_unknown_arc_dataset_is_refused():
    with pytest.raises(ValueError):
        ocharts.arc_agi_chart("ARC-AGI-9")

