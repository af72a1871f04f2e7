"""Static drawings and compiled views of charts, made by vl-convert in worker processes while
kernels run: an SVG per drawing and a Vega spec per live view, each cached by its spec and the
compiler's version."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from bookengine.core import cacheentry
from bookengine.render.chart_sizes import _fixed_width
from bookengine.render.figures import FigureError

_POOLS: dict[int, Any] = {}


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
        from bookengine.core.generations import prune

        prune(self.dir, self.used, ("*.svg", "*.vega.json"))


def _worker_pool(workers: int) -> Any:
    """The process's pool of render workers of this size, started on first use."""
    if workers not in _POOLS:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from bookengine.core.lifeline import name_semaphores

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
    from bookengine.core.lifeline import watch_parent

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
