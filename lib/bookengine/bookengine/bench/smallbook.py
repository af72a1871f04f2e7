"""`make bench`'s small book (`tests/fixtures/benchbook`): cold and with one CSV changed, against
Jupyter Book 1 on the same content (installed into `.bench-venv`, never into the project's
environment), and the engine's overhead above the page's kernel run alone."""

from __future__ import annotations

import hashlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bookengine.bench import quarto as real_quarto
from bookengine.bench.timing import (
    BENCHBOOK,
    REPO,
    SKIP,
    Table,
    append_to,
    cold_start,
    no_change,
    publish_once,
    timed,
)

JB1_REQUIREMENTS = BENCHBOOK / "requirements-jupyter-book.txt"

JB1_VENV = REPO / ".bench-venv"

def _one_kernel(page: Path, runs: int) -> float:
    """Seconds to run one page's code (its cells, then its inline expressions) in a fresh stock
    Jupyter kernel started by nbclient, up to its last output: the least a re-execution costs.
    Median of `runs`."""
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    from bookengine.source.qmd import parse

    doc = parse(page, page.name)
    code = [c.code for c in doc.cells if c.executes] + [i.expr for i in doc.inlines]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in code])
    seconds = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="book-bench-kernel-") as sockets:
            km = KernelManager(kernel_name="python3", transport="ipc", ip=f"{sockets}/k")
            started = time.perf_counter()
            client = NotebookClient(nb, km=km,
                                    resources={"metadata": {"path": str(page.parent)}})
            try:
                client.execute()
                # Up to the last output: Jupyter's graceful shutdown (about a second) is left
                # out, so the baseline is, if anything, low.
                seconds.append(time.perf_counter() - started)
            finally:
                if km.has_kernel:
                    km.shutdown_kernel(now=True)
                if client.kc is not None:  # nbclient leaves it running for a km it was given
                    client.kc.stop_channels()
    return statistics.median(seconds)


def _jb1() -> Path | None:
    """Jupyter Book 1 in `.bench-venv`, installed from the pinned requirements when they change."""
    stamp = JB1_VENV / ".requirements-sha256"
    want = hashlib.sha256(JB1_REQUIREMENTS.read_bytes()).hexdigest()
    exe = JB1_VENV / "bin" / "jupyter-book"
    if exe.is_file() and stamp.is_file() and stamp.read_text().strip() == want:
        return exe
    print(f"bench: installing Jupyter Book 1 into {JB1_VENV} (once) …", flush=True)
    python = shutil.which("python3") or sys.executable
    steps = [[python, "-m", "venv", "--clear", str(JB1_VENV)],
             [str(JB1_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet",
              "--disable-pip-version-check", "-r", str(JB1_REQUIREMENTS)]]
    for step in steps:
        proc = subprocess.run(step, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(f"bench: Jupyter Book 1 could not be installed; its rows are left out:\n"
                  f"{proc.stderr[-2000:]}")
            return None
    stamp.write_text(want + "\n")
    return exe


def _jb1_build(exe: Path, book: Path) -> tuple[float, float, str]:
    started = time.perf_counter()
    proc = subprocess.run([str(exe), "build", str(book)], capture_output=True, text=True,
                          check=False)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"bench: Jupyter Book 1 failed:\n{proc.stdout[-3000:]}\n{proc.stderr}")
    return seconds, 0.0, proc.stdout


def bench_small_book(runs: int, with_jb1: bool, quarto: Path | None = None) -> None:
    """The three-chapter book, against Jupyter Book 1 on the same content."""
    tmp = Path(tempfile.mkdtemp(prefix="book-bench-small-"))
    ours, theirs = tmp / "engine", tmp / "jupyter-book"
    shutil.copytree(BENCHBOOK, ours, ignore=SKIP)
    shutil.copytree(BENCHBOOK, theirs, ignore=SKIP)
    table = Table(f"The small book (tests/fixtures/benchbook), whole processes, median of {runs}:")
    run = lambda: publish_once(ours)  # noqa: E731
    cold = timed(run, cold_start(ours), runs)
    noop = timed(run, no_change, 1)
    changed = timed(run, append_to(ours / "data" / "horizons.csv",
                                  lambda i: f"2026-0{i + 1}-01,m{7 + i},{300 + i}\n"),
                     max(runs, 5))
    edited = timed(run, append_to(ours / "chapters" / "horizons.qmd",
                                 lambda i: f"\nA sentence added, run {i + 1}.\n"), runs)
    jb_cold = jb_changed = None
    exe = _jb1() if with_jb1 else None
    if exe is not None:
        jrun = lambda: _jb1_build(exe, theirs)  # noqa: E731
        jb_cold = timed(jrun, cold_start(theirs), runs)
        timed(jrun, no_change, 1)
        jb_changed = timed(jrun, append_to(theirs / "data" / "horizons.csv",
                                          lambda i: f"2026-0{i + 1}-01,m{7 + i},{300 + i}\n"), runs)
    if jb_cold is not None:
        table.add("Jupyter Book 1, cold", jb_cold.seconds)
        table.add("this engine, cold", cold.seconds, 0.6 * jb_cold.seconds,
                  target_text="0.6 × Jupyter Book 1")
    else:
        table.add("this engine, cold", cold.seconds, target_text="0.6 × Jupyter Book 1 (not run)")
    page = ours / "chapters" / "horizons.qmd"
    alone = _one_kernel(page, runs)
    table.add("that chapter alone in one Jupyter kernel (nbclient, stock python3 kernel)", alone)
    table.add("this engine, one CSV changed (one chapter re-executes)", changed.seconds,
              alone + 0.5, target_text="that kernel + 0.5 s",
              detail=f"the engine's own kernel {changed.kernel:.2f} s")
    table.add(f"one-CSV overhead (the whole process less its kernel, median of "
              f"{len(changed.runs)})", changed.overhead, 0.5)
    if jb_changed is not None:
        table.add("Jupyter Book 1, one CSV changed", jb_changed.seconds,
                  target_text="re-uses the stale page: it does not notice the CSV")
    table.print()
    if quarto is not None:
        theirs = real_quarto.quarto_times(BENCHBOOK, "data/horizons.csv",
                                           "chapters/horizons.qmd", quarto,
                                           row="2026-09-01,m9,309\n")
        real_quarto.print_comparison(
            "The small book beside real Quarto, seconds (Quarto: one run each):",
            {"cold": cold.seconds, "no-op": noop.seconds,
             "one data file changed": changed.seconds, "one paragraph edited": edited.seconds},
            theirs)
