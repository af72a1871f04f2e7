"""Charts handed over by the kernel as Vega-Lite JSON, made into figures.

A figure keeps its spec (and a linear-axis variant for every axis the builder marked
switchable), its provenance from the spec's `usermeta`, and the static SVG that vl-convert renders
for the first paint, print, downloads and readers without JavaScript (a PNG is made in the browser,
from the live view, when a reader asks for one).

The live view is drawn by Vega alone: each way a page can show a chart (scale, page or phone,
light or dark; `chart_views.live_specs`) is compiled from Vega-Lite to Vega at publish, by
vl-convert, and cached beside the drawings (`chart_render.StaticRenderer.vega`). The phone's
drawing is `chart_sizes`', the dark theme's colours `chart_theme`'s.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

VEGALITE_MIME = re.compile(r"^application/vnd\.vegalite\.v\d+[.+]json$")


class FigureError(Exception):
    """A chart cannot be published as it is (for example, a log axis over zero)."""


@dataclass
class Figure:
    """One numbered chart on a page."""

    label: str
    number: str
    page_href: str
    caption: str
    alt: str
    spec: dict[str, Any]
    variants: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Scale name → spec; empty unless an axis is switchable."""
    switch: list[str] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    """:func:`live_specs` key → the compiled Vega the page draws (:func:`page_view`); filled in
    at publish."""

    @property
    def data_version(self) -> str:
        """A short hash of the tables the figure was built from (or of its own data)."""
        return spec_data_version(self.spec)

    @property
    def source_text(self) -> str:
        return "; ".join(s.get("text", s.get("id", "")) for s in self.provenance.get("sources", []))

    @property
    def source_date(self) -> str:
        """The publication dates of the figure's sources, as its sources list them."""
        dates = [s.get("date", "") for s in self.provenance.get("sources", [])]
        return "; ".join(dict.fromkeys(d for d in dates if d))

    def rows(self) -> list[dict[str, Any]]:
        """The rows the chart plots, as a reader gets them: every inline dataset's rows, columns
        named as the chart names them (:func:`column_names`), numbers to six significant
        figures, and the figure's source and its date."""
        datasets = self.spec.get("datasets") or {}
        raw: list[dict[str, Any]] = []
        for name in sorted(datasets):
            raw.extend(datasets[name])
        if not raw and isinstance(self.spec.get("data"), dict):
            raw = list(self.spec["data"].get("values") or [])
        names = column_names(self.spec)
        extra = {SOURCE_COLUMN: self.source_text, DATE_COLUMN: self.source_date}
        return [{**{names.get(k, k): tidy_value(v) for k, v in row.items()}, **extra}
                for row in raw]

    def csv_text(self) -> str:
        """The plotted rows as CSV (:meth:`rows`), columns in first-seen order."""
        rows = self.rows()
        columns: list[str] = []
        for row in rows:
            columns.extend(k for k in row if k not in columns)
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buf.getvalue()


#: The columns every figure's numbers end with: where they come from, and when it was published.
SOURCE_COLUMN = "Source"
DATE_COLUMN = "Source date"

#: Significant figures a number keeps in a figure's table and CSV (no 56.00000000000001).
TABLE_DIGITS = 6


def tidy_value(value: Any) -> Any:
    """A cell as a reader gets it: a float to :data:`TABLE_DIGITS` significant figures."""
    if isinstance(value, float) and value == value and value not in (float("inf"), float("-inf")):
        return float(f"{value:.{TABLE_DIGITS}g}")
    return value


def column_names(spec: dict[str, Any]) -> dict[str, str]:
    """Field → the name a reader sees: the title the chart gives it (a tooltip's or an axis's;
    lines joined), else the field with its underscores as spaces. Names stay distinct."""
    titles: dict[str, str] = {}

    def take(fielddef: Any) -> None:
        if isinstance(fielddef, list):
            for item in fielddef:
                take(item)
            return
        if not isinstance(fielddef, dict) or not isinstance(fielddef.get("field"), str):
            return
        title = fielddef.get("title")
        if isinstance(title, list):
            title = " ".join(str(t) for t in title)
        if isinstance(title, str) and title and fielddef["field"] not in titles:
            titles[fielddef["field"]] = title

    for _, enc in _encodings(spec):
        take(enc.get("tooltip"))
    for _, enc in _encodings(spec):
        for channel, fielddef in enc.items():
            if channel != "tooltip":
                take(fielddef)
    fields: list[str] = []
    datasets = spec.get("datasets") or {}
    for name in sorted(datasets):  # in the order Figure.rows reads them
        for row in datasets[name]:
            fields.extend(k for k in row if k not in fields)
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in fields:
        title = titles.get(name) or name.replace("_", " ")
        title = title[:1].upper() + title[1:]
        while title in used or title in (SOURCE_COLUMN, DATE_COLUMN):
            title += f" ({name})"
        used.add(title)
        out[name] = title
    return out


def spec_data_version(spec: dict[str, Any]) -> str:
    """A short hash of the tables a chart names in `usermeta.provenance.tables` (their hashes),
    or of its inline data when it names none."""
    tables = ((spec.get("usermeta") or {}).get("provenance") or {}).get("tables") or {}
    if tables:
        basis = ";".join(f"{k}:{v}" for k, v in sorted(tables.items()))
    else:
        basis = json.dumps(spec.get("datasets", {}), sort_keys=True)
    return hashlib.sha256(basis.encode()).hexdigest()[:8]


def chart_spec(outputs: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The Vega-Lite spec among a cell's outputs, if there is one."""
    for out in outputs:
        data = out.get("data")
        if not isinstance(data, dict):
            continue
        for mime, value in data.items():
            if VEGALITE_MIME.match(mime):
                return value if isinstance(value, dict) else json.loads(value)
    return None


def make_figure(label: str, number: str, page_href: str, options: dict[str, Any],
                spec: dict[str, Any]) -> Figure:
    """Check a chart spec and build its figure, with a linear variant for switchable axes."""
    usermeta = spec.get("usermeta") or {}
    switch = list(usermeta.get("switch_scales") or [])
    fig = Figure(label=label, number=number, page_href=page_href,
                 caption=str(options.get("fig-cap", "")), alt=str(options.get("fig-alt", "")),
                 spec=spec, switch=switch, provenance=usermeta.get("provenance") or {})
    _check_log_axes(fig)
    if switch:
        linear = copy.deepcopy(spec)
        changed = 0
        for channel in switch:
            changed += _set_scale(linear, channel, "linear")
        if not changed:
            raise FigureError(f"{label}: usermeta asks for a log/linear switch on "
                              f"{', '.join(switch)}, but no log scale is set on that axis")
        fig.variants = {"log": spec, "linear": linear}
    return fig


def _encodings(node: Any):
    if isinstance(node, dict):
        if isinstance(node.get("encoding"), dict):
            yield node, node["encoding"]
        for key in ("layer", "hconcat", "vconcat", "concat"):
            for child in node.get(key) or []:
                yield from _encodings(child)
        if isinstance(node.get("spec"), dict):
            yield from _encodings(node["spec"])


def _set_scale(spec: dict[str, Any], channel: str, kind: str) -> int:
    changed = 0
    for _, enc in _encodings(spec):
        chan = enc.get(channel)
        if isinstance(chan, dict) and (chan.get("scale") or {}).get("type") == "log":
            chan["scale"] = {**chan["scale"], "type": kind}
            changed += 1
    return changed


def _check_log_axes(fig: Figure) -> None:
    """A log scale over zero or negative values is an error naming the field and value."""
    datasets = fig.spec.get("datasets") or {}
    for node, enc in _encodings(fig.spec):
        data = node.get("data") or fig.spec.get("data") or {}
        rows = datasets.get(data["name"]) if "name" in data else data.get("values")
        if not isinstance(rows, list):
            continue
        for channel, chan in enc.items():
            if not isinstance(chan, dict) or (chan.get("scale") or {}).get("type") != "log":
                continue
            field_name = chan.get("field")
            if not isinstance(field_name, str):
                continue
            for i, row in enumerate(rows):
                value = row.get(field_name)
                if isinstance(value, int | float) and value <= 0:
                    raise FigureError(
                        f"{fig.label}: the {channel} axis is logarithmic but field "
                        f"`{field_name}` has the value {value} (row {i + 1} of the plotted "
                        "data); a log axis needs positive values")
