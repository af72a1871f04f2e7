"""How `make bench` times a build: each publish as a whole process on a throw-away copy of the book,
its kernels' own seconds read from the log, medians of several runs, and the table of figures
printed beside their targets."""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bookengine.core.state import STATE_DIR, BookState
from bookengine.source.config_load import load_config

SKIPPED = (STATE_DIR, ".venv", ".bench-venv", ".git", "__pycache__", "*.egg-info", ".pytest_cache",
           ".ruff_cache", "tests", "book.pdf", "_build")

SKIP = shutil.ignore_patterns(*SKIPPED, "site")

REPO = Path(__file__).resolve().parents[4]

BENCHBOOK = REPO / "tests" / "fixtures" / "benchbook"

KERNEL_SECONDS = re.compile(r"^\s+executed \S+ \(.*, ([\d.]+) s\)$", re.M)

class Timing:
    """The median of several whole-process runs, with the slowest page kernel of each run."""

    def __init__(self, seconds: list[float], kernels: list[float]):
        self.seconds = statistics.median(seconds)
        self.kernel = statistics.median(kernels) if kernels else 0.0
        self.runs = seconds
        self.overhead = statistics.median(s - k for s, k in zip(seconds, kernels, strict=True)) \
            if kernels else self.seconds
        """The median, run by run, of the whole process less its slowest page's kernel."""


def publish_once(book: Path) -> tuple[float, float, str]:
    """One whole `python -m bookengine publish` process: seconds, slowest kernel, output."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "bookengine", "publish", str(book)],
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"bench: publishing {book} failed:\n{proc.stdout}\n{proc.stderr}")
    kernels = [float(s) for s in KERNEL_SECONDS.findall(proc.stdout)]
    return seconds, max(kernels, default=0.0), proc.stdout


def timed(run: Callable[[], tuple[float, float, str]], prepare: Callable[[int], None],
           runs: int) -> Timing:
    seconds, kernels = [], []
    for i in range(runs):
        prepare(i)
        s, k, _ = run()
        seconds.append(s)
        kernels.append(k)
    return Timing(seconds, kernels)


def cold_start(book: Path) -> Callable[[int], None]:
    def prepare(i: int) -> None:
        shutil.rmtree(BookState(book).dir, ignore_errors=True)
        shutil.rmtree(book / "_build", ignore_errors=True)
        site = load_config(book).output_path
        if site.is_symlink():
            site.unlink()
    return prepare


def append_to(path: Path, text: Callable[[int], str]) -> Callable[[int], None]:
    def prepare(i: int) -> None:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text(i))
    return prepare


def no_change(i: int) -> None:
    return None


class Table:
    """Rows of figure, measured value and target, printed aligned."""

    def __init__(self, title: str):
        self.title = title
        self.rows: list[tuple[str, str, str, str]] = []

    def add(self, name: str, value: float, target: float | None = None, unit: str = "s",
            target_text: str = "", detail: str = "") -> None:
        shown = f"{value:.2f} {unit}" if unit in ("s", "×") else f"{value:.0f} {unit}"
        if target is None:
            verdict = ""
            goal = target_text or "—"
        else:
            verdict = "meets" if value <= target else "MISSES"
            goal = f"≤ {target:.2f} {unit}" + (f" ({target_text})" if target_text else "")
        self.rows.append((name, shown, goal, (verdict + (f"  {detail}" if detail else "")).strip()))

    def print(self) -> None:
        print(f"\n{self.title}")
        width = max(len(r[0]) for r in self.rows)
        for name, shown, goal, verdict in self.rows:
            print(f"  {name:{width}}  {shown:>10}   target {goal:34} {verdict}")


def bench_log(line: str) -> None:
    """The preview's lines, with the time, when `BENCH_LOG` is set."""
    if os.environ.get("BENCH_LOG"):
        print(f"  [{time.time():.3f}] {line}")
