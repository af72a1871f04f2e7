"""Each chart's live views are compiled from Vega-Lite to Vega at publish: every view a page can
show, carried as one whole spec and patches, cached, and a chart that does not compile stops the
build with its page and cell named."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from bookengine.core.report import BuildError
from bookengine.render.chart_render import StaticRenderer
from bookengine.render.chart_theme import DARK_BACKGROUND
from bookengine.render.chart_views import json_patch, live_specs, page_views
from bookengine.render.charts import live_views
from bookengine.render.convert import ConvertedPage
from bookengine.render.figures import make_figure

SPEC: dict[str, Any] = {
    "datasets": {"d1": [{"x": 1, "y": 2}, {"x": 10, "y": 5}]},
    "data": {"name": "d1"}, "mark": {"type": "point", "color": "#1f77b4"},
    "encoding": {"x": {"field": "x", "type": "quantitative", "scale": {"type": "log"}},
                 "y": {"field": "y", "type": "quantitative"},
                 "tooltip": [{"field": "x", "type": "quantitative", "title": "the x"}]},
    "usermeta": {"switch_scales": ["x"], "provenance": {"sources": []}},
}


def patched(base: Any, patch: dict[str, Any]) -> Any:
    """book.js's `patched`, in Python."""
    out = list(base) if isinstance(base, list) else dict(base)
    for key, value in (patch.get("set") or {}).items():
        out[int(key) if isinstance(out, list) else key] = value
    for key in patch.get("del") or []:
        del out[key]
    for key, sub in (patch.get("sub") or {}).items():
        k = int(key) if isinstance(out, list) else key
        out[k] = patched(base[k], sub)
    return out


def test_a_patch_makes_the_other_view_exactly() -> None:
    base = {"a": 1, "b": [1, {"c": 2}, 3], "d": {"e": "x"}, "gone": True}
    other = {"a": 1, "b": [1, {"c": 3}, 3], "d": {"e": "y", "f": None}, "new": [1, 2]}
    assert patched(base, json_patch(base, other)) == other
    assert patched(base, json_patch(base, base)) == base


def test_every_view_is_compiled_and_carried_once_whole(tmp_path: Path) -> None:
    fig = make_figure("fig-x", "1", "p.html", {}, copy.deepcopy(SPEC))
    specs = live_specs(fig)
    assert sorted(specs) == sorted(f"{s}/{lay}/{t}" for s in ("log", "linear")
                                   for lay in ("page", "phone") for t in ("light", "dark"))
    assert specs["log/page/light"]["width"] == "container"
    assert specs["log/phone/light"]["config"]["legend"]["orient"] == "bottom"
    assert specs["log/page/dark"]["config"]["background"] == DARK_BACKGROUND
    renderer = StaticRenderer(tmp_path / "render")
    page = ConvertedPage(rel="p.qmd", href="p.html", title="P", number=None,
                         appendix=False, front={}, figures=[fig])
    try:
        live_views(renderer, [page])
    finally:
        renderer.close()
    views = fig.views
    assert views["log/page/light"]["scales"][0]["type"] == "log"
    assert views["linear/page/light"]["scales"][0]["type"] == "linear"
    assert views["log/page/dark"]["background"] == DARK_BACKGROUND
    assert "usermeta" not in views["log/page/light"]
    rows = [d for d in views["log/page/light"]["data"] if d.get("name") == "d1"]
    assert rows and "values" not in rows[0], "the rows are in the page once, in the Vega-Lite"
    carried = page_views(views)
    whole = [k for k, v in carried.items() if "vega" in v]
    assert len(whole) == 1
    for key, view in carried.items():
        made = view.get("vega") or patched(carried[view["from"]]["vega"], view["patch"])
        assert made == views[key], key
    cached = sorted(p.name for p in (tmp_path / "render").glob("*.vega.json"))
    assert len(cached) == 8
    again = StaticRenderer(tmp_path / "render")
    fig.views = {}
    live_views(again, [page])  # all from the cache: no worker is asked for anything
    assert not again._pending and again._pool is None
    assert fig.views == views


def test_a_chart_that_does_not_compile_names_its_page_and_cell(tmp_path: Path) -> None:
    spec = copy.deepcopy(SPEC)
    spec["mark"] = {"type": "no-such-mark"}
    fig = make_figure("fig-broken", "1", "p.html", {}, spec)
    page = ConvertedPage(rel="chapters/p.qmd", href="chapters/p.html", title="P", number=None,
                         appendix=False, front={}, figures=[fig])
    renderer = StaticRenderer(tmp_path / "render")
    try:
        with pytest.raises(BuildError) as err:
            live_views(renderer, [page])
    finally:
        renderer.close()
    text = str(err.value)
    assert "chapters/p.qmd" in text and "fig-broken" in text and "does not compile" in text
