"""Chart sizes: the fixed width a static drawing is made at, and the phone's drawing (narrower,
with a plot tall enough to read, and the legend and axis titles placed for a narrow screen)."""

from __future__ import annotations

import copy
from typing import Any


def _fixed_width(spec: dict[str, Any], width: int = 640) -> dict[str, Any]:
    """A static render has no container, so "container" widths become a fixed width."""
    spec = copy.deepcopy(spec)

    def fix(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("width") == "container":
                node["width"] = width
            if node.get("height") == "container":
                node["height"] = 320
            for key in ("layer", "hconcat", "vconcat", "concat"):
                for child in node.get(key) or []:
                    fix(child)
    fix(spec)
    spec.setdefault("autosize", {"type": "fit", "contains": "padding"})
    return spec


#: The width a phone's drawing is made at (a 375 px phone shows it at about 343 px, so its text
#: stays within a few per cent of its set size), and the media query under which a page shows it.
PHONE_WIDTH = 360

PHONE_MEDIA = "(max-width: 30rem)"

#: The least height of a chart's plot on a phone; a taller chart keeps three quarters of its own.
PHONE_MIN_PLOT_HEIGHT = 180

#: What a phone changes in every chart's config: legends one entry a line under the plot, their
#: titles and labels held inside the drawing's width (a legend adds to the chart's height rather
#: than taking the plot's).
PHONE_CONFIG: dict[str, Any] = {
    "legend": {"orient": "bottom", "direction": "vertical", "labelLimit": PHONE_WIDTH - 40,
               "titleLimit": PHONE_WIDTH - 10, "rowPadding": 2, "symbolSize": 70,
               # clear of a two-line axis title above it
               "offset": 26},
    "axis": {"titleLimit": PHONE_WIDTH - 20},
}

def phone_plot_height(spec: dict[str, Any]) -> int:
    """The plot height of a chart's phone drawing: `usermeta.phone_height` if the chart sets
    one, else three quarters of its own height, at least :data:`PHONE_MIN_PLOT_HEIGHT`."""
    fixed = (spec.get("usermeta") or {}).get("phone_height")
    if isinstance(fixed, int | float):
        return round(fixed)
    height = spec.get("height")
    own = height if isinstance(height, int | float) else 320
    return max(PHONE_MIN_PLOT_HEIGHT, round(own * 0.75))


def phone_config(spec: dict[str, Any]) -> dict[str, Any]:
    """The config a phone's view of `spec` is drawn with: the engine's phone settings, then any
    the chart's `usermeta.phone_config` adds."""
    extra = (spec.get("usermeta") or {}).get("phone_config") or {}
    return _merge(PHONE_CONFIG, extra)


def phone_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec of a chart's phone drawing: :data:`PHONE_WIDTH` wide, a plot of
    :func:`phone_plot_height`, and as tall as its axes and legends need besides (the page
    reserves that drawing's proportions, and the live view fills the same box)."""
    out = copy.deepcopy(spec)
    out["config"] = _merge(out.get("config") or {}, phone_config(spec))
    if any(k in out for k in ("hconcat", "vconcat", "concat", "facet", "repeat")):
        return _fixed_width(out, PHONE_WIDTH)
    out["width"] = PHONE_WIDTH
    out["height"] = phone_plot_height(spec)
    out["autosize"] = {"type": "fit-x", "contains": "padding"}
    return out


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """`base` with `extra` merged in, dictionaries key by key."""
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out
