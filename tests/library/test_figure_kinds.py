"""Figure kinds kept apart: a figure that uses the book's own analysis says so.

Data are rows as published; a reconstruction redraws an author's stated figures; anything that
combines, extends or assumes beyond them is the book's analysis. Every chart builder runs under
`figure_builder`, which refuses a `data` or `reconstruction` chart that called a function marked
as the book's analysis.
"""

from __future__ import annotations

import inspect
import os
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from inference_debate import analysis, data
from inference_debate.charts import common, epoch, greenblatt, intro, kokotajlo, ord, synthesis
from inference_debate.models import epoch as epoch_model
from inference_debate.models import ord as ord_model

os.environ.setdefault("QUARTO_PROJECT_DIR", str(Path(__file__).resolve().parents[2]))

MODULES = (intro, ord, greenblatt, kokotajlo, epoch, synthesis)


def builders():
    for module in MODULES:
        for name, obj in vars(module).items():
            if name.endswith("_chart") and inspect.isfunction(obj) and \
                    obj.__module__ == module.__name__:
                yield f"{module.__name__}.{name}", obj


def test_every_chart_builder_checks_its_kind() -> None:
    found = dict(builders())
    assert len(found) == 19
    unchecked = [name for name, f in found.items() if not getattr(f, "__figure_builder__", False)]
    assert unchecked == []


def _tiny(kind: str, use_analysis: bool) -> alt.Chart:
    value = ord_model.years_to_absorb(100, 10) if use_analysis else 2.0
    chart = alt.Chart(pd.DataFrame({"x": [1.0], "y": [value]})).mark_point().encode(x="x:Q",
                                                                                     y="y:Q")
    return common.finish(chart, kind=kind, sources=("ord-2025-rl-scale",))


@pytest.mark.parametrize("kind", ["data", "reconstruction"])
def test_a_data_or_reconstruction_figure_using_the_books_analysis_is_refused(kind) -> None:
    """Planted fault: a builder that computes with the book's arithmetic but claims `kind`."""

    @common.figure_builder
    def planted_chart() -> alt.Chart:
        return _tiny(kind, use_analysis=True)

    with pytest.raises(ValueError) as err:
        planted_chart()
    assert str(err.value) == (
        f"{__name__}.test_a_data_or_reconstruction_figure_using_the_books_analysis_is_refused."
        f"<locals>.planted_chart draws a {kind!r} figure but uses the book's own analysis "
        "(inference_debate.models.ord.years_to_absorb); such a figure is 'book-analysis' "
        "(or drop what the book computed)")


def test_a_property_of_the_books_analysis_is_seen_too() -> None:
    """Reading the FrontierMath example's yearly rate is the book's annualisation."""

    @common.figure_builder
    def planted_chart() -> alt.Chart:
        rate = epoch_model.frontiermath_example().yearly_rate
        chart = alt.Chart(pd.DataFrame({"x": [rate]})).mark_point().encode(x="x:Q")
        return common.finish(chart, kind="data", sources=("epoch-2026-inference-burden",))

    with pytest.raises(ValueError, match=r"FixedCapabilityComparison\.yearly_rate"):
        planted_chart()


@pytest.mark.parametrize("kind", ["book-analysis", "illustration"])
def test_analysis_and_illustration_figures_may_use_it(kind) -> None:
    chart = common.figure_builder(lambda: _tiny(kind, use_analysis=True))()
    assert chart.to_dict()["usermeta"]["provenance"]["kind"] == kind


def test_data_without_the_books_analysis_passes() -> None:
    chart = common.figure_builder(lambda: _tiny("data", use_analysis=False))()
    assert chart.to_dict()["usermeta"]["provenance"]["kind_label"] == "Data"


def test_the_figures_the_reading_found_mislabelled_are_the_books_analysis() -> None:
    """Figures 1.3-1.5, 2.3, 3.4, 4.5 and 5.1 combine, extend or assume: the book's analysis."""
    kinds = {name: f().to_dict()["usermeta"]["provenance"] for name, f in builders()}
    for name in ("ord.readings_chart", "ord.exchange_rate_chart", "ord.per_use_cost_chart",
                 "greenblatt.metr_horizons_chart", "kokotajlo.horizon_value_chart",
                 "epoch.rl_slope_chart", "synthesis.model_chart"):
        prov = kinds[f"inference_debate.charts.{name}"]
        assert (prov["kind"], prov["kind_label"]) == ("book-analysis", "This book's analysis")
    for name in ("ord.log_x_chart", "epoch.frontiermath_chart"):
        assert kinds[f"inference_debate.charts.{name}"]["kind"] == "reconstruction"
    for name in ("intro.cost_horizon_chart", "ord.arc_agi_chart", "epoch.price_trends_chart",
                 "epoch.cheapest_prices_chart"):
        assert kinds[f"inference_debate.charts.{name}"]["kind"] == "data"


def test_the_registry_names_the_books_arithmetic() -> None:
    names = set(analysis.REGISTRY)
    assert "inference_debate.models.ord.slope_ratio" in names
    assert "inference_debate.models.greenblatt.human_cost_usd" in names
    assert "inference_debate.models.combined.years_to_parity" in names
    # An author's own stated figure is not the book's analysis.
    assert not analysis.is_book_analysis(data.stated)
    assert not analysis.is_book_analysis(ord_model.wtp_growth_needed)
