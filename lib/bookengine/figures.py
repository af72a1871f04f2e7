"""Charts handed over by the kernel as Vega-Lite JSON, made into figures.

A figure keeps its spec (and a linear-axis variant for every axis the builder marked
switchable), its provenance from the spec's `usermeta`, and the static SVG that vl-convert renders
for the first paint, print, downloads and readers without JavaScript (a PNG is made in the browser,
from the live view, when a reader asks for one).

The live view is drawn by Vega alone: each way a page can show a chart (scale, page or phone,
light or dark; :func:`live_specs`) is compiled from Vega-Lite to Vega at publish, by vl-convert,
and cached beside the drawings (:meth:`StaticRenderer.vega`).
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

    def vega_path(self, spec: dict[str, Any]) -> Path:
        """Where the Vega compiled from `spec` is cached (keyed on the compiler's version too)."""
        drawn = {k: v for k, v in spec.items() if k != "usermeta"}
        basis = json.dumps([_compiler_version(), drawn], sort_keys=True).encode()
        return self.dir / f"{hashlib.sha256(basis).hexdigest()[:20]}.vega.json"

    def submit_vega(self, spec: dict[str, Any]) -> None:
        """Start compiling `spec` to Vega in a worker unless it is cached or under way."""
        path = self.vega_path(spec)
        self.used.add(path.name)
        if path not in self._pending and self._stored(path) is None:
            self._pending[path] = self._submit(_compile_vega, spec, path)

    def vega(self, spec: dict[str, Any]) -> dict[str, Any]:
        """The Vega compiled from `spec`: cached, awaited from a worker, or compiled now; a
        spec vl-convert cannot compile is a :class:`FigureError` with its message."""
        path = self.vega_path(spec)
        self.used.add(path.name)
        pending = self._pending.pop(path, None)
        if pending is not None:
            with contextlib.suppress(Exception):  # compiled again below, which names the error
                pending.result()
        text = self._stored(path)
        if text is None:
            try:
                _compile_vega(spec, path)
            except Exception as exc:  # noqa: BLE001 - vl-convert raises plain errors
                message = str(exc).strip().splitlines()
                raise FigureError("its Vega-Lite spec does not compile to Vega: "
                                  f"{message[0] if message else type(exc).__name__}") from exc
            text = self._stored(path)
        if text is None:
            raise FigureError(f"the compiled Vega of a chart could not be stored in {path}")
        return json.loads(text)

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
        """Delete the drawings and compiled views neither this build nor the previous one
        used."""
        from bookengine.generations import prune

        prune(self.dir, self.used, ("*.svg", "*.vega.json"))


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


def _compile_vega(spec: dict[str, Any], path: Path) -> None:
    """Compile a Vega-Lite spec to Vega, written atomically."""
    import vl_convert as vlc

    cacheentry.write(path, json.dumps(vlc.vegalite_to_vega(spec), sort_keys=True,
                                      separators=(",", ":"), ensure_ascii=False))


def _compiler_version() -> str:
    """The installed vl-convert's version (what compiles Vega-Lite), read without loading it."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("vl-convert-python")
    except PackageNotFoundError:
        return "unknown"


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


# ---------- the phone layout ----------------------------------------------------------------

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


# ---------- the dark theme ------------------------------------------------------------------

#: The dark page's background and text colours (book.css's dark `--bg` and `--fg`).
DARK_BACKGROUND = "#15181c"
DARK_TEXT = "#e6e8eb"

#: The least contrast of a mark against the dark background (WCAG 2.1, 1.4.11 non-text).
GRAPHICS_CONTRAST = 3.0

#: The contrast the dark theme lifts a colour to: above the least, so that a mark drawn a little
#: translucent (opacity 0.85) still clears it.
DARK_TARGET_CONTRAST = 4.0

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_NAMED = {"black": "#000000", "white": "#ffffff", "gray": "#808080", "grey": "#808080"}


def parse_colour(text: str) -> tuple[int, int, int] | None:
    """(r, g, b) of a "#rgb", "#rrggbb" or basic named colour; None for anything else."""
    text = _NAMED.get(text.strip().lower(), text.strip())
    if not _HEX.match(text):
        return None
    digits = text[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def luminance(rgb: tuple[int, int, int]) -> float:
    """Relative luminance (WCAG 2.1) of an sRGB colour."""
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """The WCAG contrast ratio of two colours."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def dark_colour(text: str) -> str | None:
    """The colour a light-theme colour takes on the dark background; None if it is not one.

    White becomes the dark background. A grey is mirrored (black becomes the dark text colour,
    a light grid grey a dark one); a colour keeps its hue and is lightened, towards white, until
    it stands out from the dark background by :data:`DARK_TARGET_CONTRAST` (a margin over
    :data:`GRAPHICS_CONTRAST`, WCAG's 3:1).
    """
    rgb = parse_colour(text)
    if rgb is None:
        return None
    bg = parse_colour(DARK_BACKGROUND)
    assert bg is not None
    if min(rgb) >= 250:
        return DARK_BACKGROUND
    if max(rgb) - min(rgb) < 12:  # a grey
        fg = parse_colour(DARK_TEXT)
        assert fg is not None
        v = 255 - sum(rgb) / 3
        mirrored = tuple(bg[i] + (fg[i] - bg[i]) * v / 255 for i in range(3))
        return _hex(mirrored)
    if contrast(rgb, bg) >= DARK_TARGET_CONTRAST:
        return text
    for step in range(1, 21):
        t = step / 20
        lighter = tuple(c + (255 - c) * t for c in rgb)
        if contrast(tuple(round(c) for c in lighter), bg) >= DARK_TARGET_CONTRAST:  # type: ignore[arg-type]
            return _hex(lighter)
    return DARK_TEXT


def spec_colours(node: Any) -> set[str]:
    """Every colour literal in a spec (mark colours, scale ranges, conditions, config)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("datasets", "data", "usermeta"):
                continue
            found |= spec_colours(value)
    elif isinstance(node, list):
        for item in node:
            found |= spec_colours(item)
    elif isinstance(node, str) and parse_colour(node) is not None:
        found.add(node)
    return found


_SVG_COLOUR = re.compile(r'\b(fill|stroke)="([^"]+)"')


def dark_map(spec: dict[str, Any], *svgs: str) -> dict[str, str]:
    """Light colour → dark colour for every colour in the spec and in its drawings that changes."""
    colours = spec_colours(spec)
    for svg in svgs:
        colours |= {m.group(2) for m in _SVG_COLOUR.finditer(svg)}
    out = {}
    for c in sorted(colours):
        dark = dark_colour(c)
        if dark is not None and dark.lower() != c.lower():
            out[c] = dark
    return out


_SVG_ELEMENT = re.compile(
    r"<(path|rect|line|text|circle|g|polygon|polyline|ellipse)\b([^>]*?)(/?)>")


def themed_svg(svg: str, colours: dict[str, str]) -> str:
    """The drawing with each element's dark colours as custom properties (`--dark-fill`,
    `--dark-stroke`), which book.css applies under the dark theme: without JavaScript the static
    drawing follows the page's theme."""
    def element(m: re.Match) -> str:
        tag, attrs, close = m.group(1), m.group(2), m.group(3)
        props = []
        for kind, value in _SVG_COLOUR.findall(attrs):
            if value in colours:
                props.append(f"--dark-{kind}:{colours[value]}")
        if not props:
            return m.group(0)
        return f'<{tag}{attrs} style="{";".join(props)}"{close}>'
    return _SVG_ELEMENT.sub(element, svg)


def page_drawing(desktop: str, phone: str, colours: dict[str, str]) -> str:
    """The two static drawings a page inlines for one chart, themed: the desktop drawing first
    (its size sets the chart's box), then the phone drawing, shown under :data:`PHONE_MEDIA`
    instead, its ids prefixed so the two never share one."""
    phone = re.sub(r"^<\?xml[^>]*>\s*", "", phone.strip())
    for ident in set(re.findall(r'\bid="([^"]+)"', phone)):
        phone = (phone.replace(f'id="{ident}"', f'id="phone-{ident}"')
                 .replace(f"url(#{ident})", f"url(#phone-{ident})")
                 .replace(f'href="#{ident}"', f'href="#phone-{ident}"'))
    phone = re.sub(r"<svg\b([^>]*)>",
                   lambda m: "<svg" + re.sub(r'\s(class|aria-hidden|focusable)="[^"]*"', "",
                                             m.group(1))
                   + ' class="chart-static-phone" aria-hidden="true" focusable="false">',
                   phone, count=1)
    return themed_svg(desktop.strip(), colours) + themed_svg(phone, colours)


# ---------- the live view ---------------------------------------------------------------------

#: What the dark theme changes in every chart's config (book.css's dark colours).
DARK_CONFIG: dict[str, Any] = {
    "background": DARK_BACKGROUND,
    "title": {"color": DARK_TEXT}, "text": {"color": DARK_TEXT},
    "axis": {"labelColor": "#c9ced4", "titleColor": DARK_TEXT, "gridColor": "#353b42",
             "domainColor": "#8a939c", "tickColor": "#8a939c"},
    "legend": {"labelColor": "#c9ced4", "titleColor": DARK_TEXT},
    "view": {"stroke": None},
}

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
