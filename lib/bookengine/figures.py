"""Charts handed over by the kernel as Vega-Lite JSON, made into figures.

A figure keeps its spec (and a linear-axis variant for every axis the builder marked
switchable), its provenance from the spec's `usermeta`, and the static SVG that vl-convert renders
for the first paint, print, downloads and readers without JavaScript (a PNG is made in the browser,
from the live view, when a reader asks for one).
"""

from __future__ import annotations

import contextlib
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

from bookengine import cacheentry

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
    """Static SVGs of chart specs from vl-convert, cached under `cache_dir` by the spec's hash.

    Renders run in worker processes that each load vl-convert once, and start as soon as a spec
    is known (`submit`, called while other pages still execute); `svg` waits for one. `prune`
    keeps only the drawings this build and the previous one used.
    """

    def __init__(self, cache_dir: Path, workers: int = 1):
        self.dir = cache_dir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.workers = max(1, workers)
        self.used: set[str] = set()
        self.notes: list[str] = []
        """Damaged drawings found in the cache (each drawn again)."""
        self._pool: Any = None
        self._pending: dict[Path, Any] = {}
        self._jobs: dict[tuple, Any] = {}

    def path(self, spec: dict[str, Any]) -> Path:
        """Where the drawing of `spec` is cached."""
        # usermeta (provenance) does not change the drawing, so it is not part of the key.
        drawn = {k: v for k, v in spec.items() if k != "usermeta"}
        key = hashlib.sha256(json.dumps(drawn, sort_keys=True).encode()).hexdigest()[:20]
        return self.dir / f"{key}.svg"

    def _executor(self) -> Any:
        if self._pool is None:
            self._pool = _worker_pool(self.workers)
        return self._pool

    def submit(self, spec: dict[str, Any]) -> None:
        """Start rendering `spec` in a worker unless it is cached or already under way."""
        path = self.path(spec)
        self.used.add(path.name)
        if path not in self._pending and self._stored(path) is None:
            self._pending[path] = self._submit(_render_svg, spec, path)

    def _stored(self, path: Path) -> str | None:
        """The cached drawing at `path` if it is whole (a damaged one is noted, once)."""
        def damaged(note: str) -> None:
            if note not in self.notes:
                self.notes.append(note)
        return cacheentry.read(path, damaged)

    def _submit(self, fn: Any, *args: Any) -> Any:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self._executor().submit(fn, *args)
        except BrokenProcessPool:  # a worker died: start a fresh pool once
            _POOLS.pop(self.workers, None)
            self._pool = None
            return self._executor().submit(fn, *args)

    def once(self, fn: Any, *args: Any) -> Any:
        """Run a module-level function of this module in a worker, once per arguments for the
        life of this renderer; its future."""
        key = (fn.__name__, *map(str, args))
        if key not in self._jobs:
            self._jobs[key] = self._submit(fn, *args)
        return self._jobs[key]

    def warm(self) -> None:
        """Start a worker and vl-convert's engine now (while kernels run), so the first drawing
        needed later is not also the first to pay for them."""
        self.once(_warm_up)

    def svg(self, spec: dict[str, Any]) -> str:
        """The SVG of one spec: cached, awaited from a worker, or rendered now."""
        path = self.path(spec)
        self.used.add(path.name)
        pending = self._pending.pop(path, None)
        if pending is not None:
            with contextlib.suppress(Exception):  # rendered again below, which names the error
                pending.result()
        svg = self._stored(path)
        if svg is None:
            _render_svg(spec, path)
            svg = self._stored(path)
        if svg is None:
            raise FigureError(f"the drawing of a chart could not be stored in {path}")
        return svg

    def render_all(self, specs: list[dict[str, Any]]) -> list[str]:
        """The SVG of every spec, in order (the missing ones rendered in workers)."""
        for spec in specs:
            self.submit(spec)
        return [self.svg(spec) for spec in specs]

    def close(self) -> None:
        """Cancel what has not started and wait for what has; the workers stay for the next
        build in this process (a preview), each with vl-convert loaded."""
        futures = [*self._pending.values(), *self._jobs.values()]
        for future in futures:
            future.cancel()
        for future in futures:
            if not future.cancelled():
                with contextlib.suppress(Exception):
                    future.result()
        self._pool = None
        self._pending.clear()
        self._jobs.clear()

    def prune(self) -> None:
        """Delete the drawings neither this build nor the previous one used."""
        from bookengine.generations import prune

        prune(self.dir, self.used, "*.svg")


_POOLS: dict[int, Any] = {}


def _worker_pool(workers: int) -> Any:
    """The process's pool of render workers of this size, started on first use."""
    if workers not in _POOLS:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from bookengine.lifeline import name_semaphores

        name_semaphores()  # so that a later run can remove those a killed build leaves

        # "spawn": forking a process that runs kernels' event-loop threads can deadlock.
        _POOLS[workers] = ProcessPoolExecutor(max_workers=workers,
                                              mp_context=multiprocessing.get_context("spawn"),
                                              initializer=_start_worker,
                                              initargs=(os.getpid(),))
    return _POOLS[workers]


def shutdown_workers() -> None:
    """End this process's render workers (each a process with vl-convert loaded)."""
    while _POOLS:
        _POOLS.popitem()[1].shutdown(wait=True, cancel_futures=True)


def _start_worker(parent_pid: int) -> None:
    """In a render worker: end with the build's process (a worker left waiting on the pool's
    queue after a killed build would wait for ever), and load vl-convert once."""
    from bookengine.lifeline import watch_parent

    watch_parent(parent_pid)
    import vl_convert  # noqa: F401


def _warm_up() -> None:
    """Draw a one-point chart, which starts vl-convert's JavaScript engine in this worker."""
    import vl_convert as vlc

    vlc.vegalite_to_svg({"data": {"values": [{"x": 1}]}, "mark": "point",
                         "encoding": {"x": {"field": "x", "type": "quantitative"}}})


def _render_svg(spec: dict[str, Any], svg_path: Path) -> None:
    """Render a spec to SVG, written atomically."""
    import vl_convert as vlc

    cacheentry.write(svg_path, vlc.vegalite_to_svg(_fixed_width(spec)))


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
