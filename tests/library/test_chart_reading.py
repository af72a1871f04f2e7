"""What the chart builders give a reader, checked on the specs: tooltips that never round a
plotted value to zero, and colours the dark theme keeps visible."""

from __future__ import annotations

import re

import pytest
from bookengine.render.chart_sizes import PHONE_MIN_PLOT_HEIGHT, phone_spec
from bookengine.render.chart_theme import (
    DARK_BACKGROUND,
    GRAPHICS_CONTRAST,
    contrast,
    dark_colour,
    dark_map,
    parse_colour,
)
from inference_debate.charts import common

from tests.library.test_figure_kinds import builders

CHARTS = {name: build() for name, build in builders()}
SPECS = {name: chart.to_dict() for name, chart in CHARTS.items()}


def _layers(node, data=None):
    """(layer, its inline rows) through layers, with the data a layer inherits."""
    if not isinstance(node, dict):
        return
    data = node.get("data", data)
    if "encoding" in node:
        yield node, data
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for child in node.get(key) or []:
            yield from _layers(child, data)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_no_tooltip_rounds_a_plotted_value_to_zero(name: str) -> None:
    spec = SPECS[name]
    datasets = spec.get("datasets") or {}
    problems = []
    for layer, data in _layers(spec):
        rows = datasets.get((data or {}).get("name"), (data or {}).get("values") or [])
        tips = layer["encoding"].get("tooltip") or []
        for tip in tips if isinstance(tips, list) else [tips]:
            fixed = re.search(r"\.(\d+)f$", str(tip.get("format", "")))
            if not fixed or not isinstance(tip.get("field"), str):
                continue
            least = 0.5 * 10 ** -int(fixed.group(1))
            for row in rows:
                value = row.get(tip["field"])
                if isinstance(value, int | float) and value != 0 and abs(value) < least:
                    problems.append(f"{tip['field']} = {value} shows as 0 with {tip['format']}")
    assert not problems, "\n".join(problems[:10])


def test_the_dark_theme_keeps_every_colour_visible() -> None:
    bg = parse_colour(DARK_BACKGROUND)
    colours = set(common.PALETTE) | set(common.AUTHOR_COLOURS.values()) | {"#000000", "#444444"}
    colours |= set(common.sequential_colours(9))
    for spec in SPECS.values():  # the marks' colours (the config's grid greys are no marks)
        colours |= set(dark_map({k: v for k, v in spec.items() if k != "config"}))
    for colour in sorted(colours):
        dark = dark_colour(colour)
        assert dark is not None
        assert contrast(parse_colour(dark), bg) >= GRAPHICS_CONTRAST, (colour, dark)
    assert dark_colour("#ffffff") == DARK_BACKGROUND


@pytest.mark.parametrize("name", sorted(SPECS))
def test_a_phone_drawing_keeps_a_tall_plot(name: str) -> None:
    phone = phone_spec(SPECS[name])
    assert phone["width"] == 360
    assert phone["height"] >= PHONE_MIN_PLOT_HEIGHT
    assert phone["autosize"]["type"] == "fit-x"
