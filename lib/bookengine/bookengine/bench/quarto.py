"""Real Quarto's times on a book, measured in the same `make bench` run as the engine's: cold,
no-op, one data file changed and one paragraph edited, each a whole `quarto render --to html`
of a copy of the book.

Quarto is found as `$QUARTO`, else `quarto` on the PATH, else `../shared/quarto/quarto` beside
the book's folder; without it the rows are left out, with a line that says so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bookengine.source.config_load import load_config

SKIPPED = (".book", ".venv", ".bench-venv", ".git", "__pycache__", "*.egg-info",
           ".pytest_cache", ".ruff_cache", "tests", "book.pdf", "_build", ".quarto", "_freeze")


def quarto_launcher(book: Path) -> Path | None:
    """The Quarto to time, if any."""
    named = os.environ.get("QUARTO")
    if named and Path(named).is_file():
        return Path(named)
    found = shutil.which("quarto")
    if found:
        return Path(found)
    beside = book.resolve().parent / "shared" / "quarto" / "quarto"
    return beside if beside.is_file() else None


def _render(quarto: Path, book: Path) -> float:
    env = {**os.environ, "QUARTO_PYTHON": os.environ.get("QUARTO_PYTHON", sys.executable)}
    lib = book / "lib"
    if lib.is_dir():
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(lib), env.get("PYTHONPATH")]))
    started = time.perf_counter()
    proc = subprocess.run([str(quarto), "render", ".", "--to", "html"], cwd=book, env=env,
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"quarto render failed:\n{(proc.stdout + proc.stderr)[-3000:]}")
    return seconds


def quarto_times(book: Path, data_file: str | None, chapter: str | None, quarto: Path,
                 row: str = "\n") -> dict[str, float]:
    """Quarto's seconds for each scenario, on a copy of `book` (Quarto writes into it)."""
    config = load_config(book)
    tmp = Path(tempfile.mkdtemp(prefix="quarto-bench-"))
    try:
        copy = tmp / book.resolve().name
        shutil.copytree(config.root, copy,
                        ignore=shutil.ignore_patterns(*SKIPPED, config.output_dir))
        steps: list[tuple[str, Callable[[], None]]] = [("cold", lambda: None),
                                                       ("no-op", lambda: None)]
        if data_file:
            steps.append(("one data file changed", lambda: append_to(copy / data_file, row)))
        if chapter:
            steps.append(("one paragraph edited",
                          lambda: append_to(copy / chapter, "\nA sentence added for timing.\n")))
        out = {}
        for name, prepare in steps:
            prepare()
            out[name] = _render(quarto, copy)
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def append_to(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(text)


def print_comparison(title: str, engine: dict[str, float], quarto: dict[str, float]) -> None:
    """Quarto's seconds beside the engine's, scenario by scenario."""
    print(f"\n{title}")
    width = max(len(k) for k in engine)
    print(f"  {'':{width}}  {'real Quarto':>12}  {'this engine':>12}")
    for name, seconds in engine.items():
        theirs = quarto.get(name)
        shown = f"{theirs:.2f} s" if theirs is not None else "—"
        print(f"  {name:{width}}  {shown:>12}  {seconds:>10.2f} s")
