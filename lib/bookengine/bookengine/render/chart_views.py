"""A chart's live views: the Vega each reader's view needs (log or linear scale, page or phone,
light or dark), compiled at publish; a page carries one whole and the others as patches of it."""

from __future__ import annotations

import copy
from typing import Any

from bookengine.render.chart_sizes import _merge, phone_config
from bookengine.render.chart_theme import DARK_CONFIG, dark_map
from bookengine.render.figures import Figure

LAYOUTS = ("page", "phone")

THEMES = ("light", "dark")

def recoloured(node: Any, colours: dict[str, str]) -> Any:
    """`node` with each colour literal of :func:`spec_colours` replaced by its entry in
    `colours` (data and usermeta left as they are)."""
    if isinstance(node, dict):
        return {k: v if k in ("datasets", "data", "usermeta") else recoloured(v, colours)
                for k, v in node.items()}
    if isinstance(node, list):
        return [recoloured(v, colours) for v in node]
    if isinstance(node, str):
        return colours.get(node, node)
    return node


def live_spec(spec: dict[str, Any], layout: str, theme: str) -> dict[str, Any]:
    """The Vega-Lite of one live view: it fills the box the static drawing reserved (the
    container's size, padding included), drawn with the phone's config under `"phone"` and in
    the dark theme's colours (:func:`dark_map`, :data:`DARK_CONFIG`) under `"dark"`."""
    out = copy.deepcopy(spec)
    if not any(k in out for k in ("hconcat", "vconcat", "concat", "facet", "repeat")):
        out["width"] = "container"
        out["height"] = "container"
        out["autosize"] = {"type": "fit", "contains": "padding"}
    if layout == "phone":
        out["config"] = _merge(out.get("config") or {}, phone_config(spec))
    if theme == "dark":
        out = recoloured(out, dark_map(spec))
        out["config"] = _merge(out.get("config") or {}, DARK_CONFIG)
    return out


def live_specs(fig: Figure) -> dict[str, dict[str, Any]]:
    """Every live view a page can show of `fig`, keyed `scale/layout/theme` (the scale is
    `default` for a chart without a log/linear switch)."""
    scales = fig.variants or {"default": fig.spec}
    return {f"{scale}/{layout}/{theme}": live_spec(spec, layout, theme)
            for scale, spec in scales.items() for layout in LAYOUTS for theme in THEMES}


def page_view(vega: dict[str, Any], datasets: dict[str, Any]) -> dict[str, Any]:
    """Compiled Vega as a page carries it: without `usermeta`, and without the rows of the
    chart's named datasets (the page has them once, in the Vega-Lite spec, and puts them back
    before drawing)."""
    out = {k: v for k, v in vega.items() if k != "usermeta"}
    out["data"] = [{k: v for k, v in d.items() if k != "values"}
                   if isinstance(d, dict) and d.get("name") in datasets and "values" in d else d
                   for d in vega.get("data") or []]
    return out


def json_patch(base: Any, other: Any) -> dict[str, Any]:
    """The changes that turn `base` into `other` (both JSON values of the same kind, objects or
    arrays of one length): `set` (key → new value), `del` (keys removed) and `sub` (key → the
    patch of a value changed within). book.js's `patched` applies it."""
    patch: dict[str, Any] = {}
    if isinstance(base, dict):
        pairs = [(k, base.get(k, _MISSING), v) for k, v in other.items()]
        gone = [k for k in base if k not in other]
        if gone:
            patch["del"] = gone
    else:
        pairs = [(str(i), a, b) for i, (a, b) in enumerate(zip(base, other, strict=True))]
    for key, a, b in pairs:
        if a == b:
            continue
        if (isinstance(a, dict) and isinstance(b, dict)) or (
                isinstance(a, list) and isinstance(b, list) and len(a) == len(b)):
            patch.setdefault("sub", {})[key] = json_patch(a, b)
        else:
            patch.setdefault("set", {})[key] = b
    return patch


_MISSING = object()

def page_views(views: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """A figure's views as its page carries them: the first whole (`vega`), each other as the
    patch that makes it from the first (`patch`), since they differ in a few places."""
    keys = list(views)
    if not keys:
        return {}
    base = views[keys[0]]
    out: dict[str, dict[str, Any]] = {keys[0]: {"vega": base}}
    for key in keys[1:]:
        out[key] = {"from": keys[0], "patch": json_patch(base, views[key])}
    return out
