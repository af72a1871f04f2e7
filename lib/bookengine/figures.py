"""Charts handed over by the kernel as Vega-Lite JSON, made into figures.

A figure keeps its spec (and a linear-axis variant for every axis the builder marked
switchable), its provenance from the spec's `usermeta`, and the static SVG and PNG that vl-convert
renders for print, downloads and readers without JavaScript.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
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

    @property
    def data_version(self) -> str:
        """A short hash of the tables the figure was built from (or of its own data)."""
        return spec_data_version(self.spec)

    @property
    def source_text(self) -> str:
        return "; ".join(s.get("text", s.get("id", "")) for s in self.provenance.get("sources", []))

    def rows(self) -> list[dict[str, Any]]:
        """The rows the chart plots: every inline dataset, tagged with its name when several."""
        datasets = self.spec.get("datasets") or {}
        rows: list[dict[str, Any]] = []
        names = sorted(datasets)
        for name in names:
            for row in datasets[name]:
                rows.append({"dataset": name, **row} if len(names) > 1 else dict(row))
        if not rows and isinstance(self.spec.get("data"), dict):
            rows = list(self.spec["data"].get("values") or [])
        return rows

    def csv_text(self) -> str:
        """The plotted rows as CSV, columns in first-seen order."""
        rows = self.rows()
        columns: list[str] = []
        for row in rows:
            columns.extend(k for k in row if k not in columns)
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buf.getvalue()


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


class StaticRenderer:
    """SVG and PNG of a spec from vl-convert, cached by the spec's hash."""

    def __init__(self, cache_dir: Path):
        self.dir = cache_dir
        self.dir.mkdir(parents=True, exist_ok=True)

    def _paths(self, spec: dict[str, Any]) -> tuple[Path, Path]:
        # usermeta (provenance) does not change the drawing, so it is not part of the key.
        drawn = {k: v for k, v in spec.items() if k != "usermeta"}
        key = hashlib.sha256(json.dumps(drawn, sort_keys=True).encode()).hexdigest()[:20]
        return self.dir / f"{key}.svg", self.dir / f"{key}.png"

    def render(self, spec: dict[str, Any]) -> tuple[str, bytes]:
        """The SVG and PNG of one spec, from the cache or rendered now."""
        svg_path, png_path = self._paths(spec)
        if not (svg_path.is_file() and png_path.is_file()):
            _render_to(spec, svg_path, png_path)
        return svg_path.read_text(encoding="utf-8"), png_path.read_bytes()

    def render_all(self, specs: list[dict[str, Any]], workers: int) -> list[tuple[str, bytes]]:
        """Render every spec not yet cached, in worker processes (vl-convert runs one at a time
        per process), then return them all in order."""
        missing = {}
        for spec in specs:
            svg_path, png_path = self._paths(spec)
            if not (svg_path.is_file() and png_path.is_file()):
                missing[str(svg_path)] = (spec, svg_path, png_path)
        jobs = list(missing.values())
        if len(jobs) > 2 and workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # "spawn": forking a process that runs kernels' event-loop threads can deadlock.
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=min(workers, len(jobs)),
                                     mp_context=context) as pool:
                list(pool.map(_render_to, *zip(*jobs, strict=True)))
        else:
            for job in jobs:
                _render_to(*job)
        return [self.render(spec) for spec in specs]


def _render_to(spec: dict[str, Any], svg_path: Path, png_path: Path) -> None:
    """Render a spec to SVG, and that SVG to PNG, writing both atomically."""
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(_fixed_width(spec))
    png = vlc.svg_to_png(svg, scale=2)
    tmp = svg_path.with_suffix(f".svg.tmp{os.getpid()}")
    tmp.write_text(svg, encoding="utf-8")
    tmp.replace(svg_path)
    tmp_png = png_path.with_suffix(f".png.tmp{os.getpid()}")
    tmp_png.write_bytes(png)
    tmp_png.replace(png_path)


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
