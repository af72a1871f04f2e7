"""`make bench`'s cleanup figure: how long a publish's kernels, and the processes their cells
started, outlive the publish once it is killed with `kill -9`.

A copy of the small fixture book gets pages whose cells loop for ever, one of which first
starts a process in a session of its own; the publish (`python -m bookengine publish`, so its
kernels are forked from the fork server) runs in a process group of its own, which is killed
with SIGKILL once every kernel is running. The figure is the time from the kill until the last
of the processes below it (fork server, kernels, their wardens and the cell's process) is gone,
median of `--runs`. `python -m bookengine.bench.cleanup` prints it alone.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]
MINIBOOK = REPO / "tests" / "fixtures" / "minibook"
LOOPS = 3
LOOP = "```{python}\nwhile True:\n    pass\n```\n"
ESCAPING = """# Gamma

```{python}
import pathlib, subprocess
own = subprocess.Popen(["sleep", "600"], start_new_session=True)
pathlib.Path(__PIDFILE__).write_text(str(own.pid))
```

"""


def _book(dest: Path, pidfile: Path) -> Path:
    book = Path(shutil.copytree(MINIBOOK, dest))
    chapters = book / "chapters"
    (chapters / "gamma.qmd").write_text(ESCAPING.replace("__PIDFILE__", repr(str(pidfile)))
                                        + LOOP)
    config = book / "_quarto.yml"
    text = config.read_text()
    for n in range(LOOPS):
        (chapters / f"loop{n}.qmd").write_text(f"# Loop {n}\n\n" + LOOP)
        text = text.replace("    - chapters/gamma.qmd\n",
                            f"    - chapters/gamma.qmd\n    - chapters/loop{n}.qmd\n", 1)
    config.write_text(text)
    return book


def _tree(pid: int) -> list[int]:
    from bookengine.core.proctree import descendants

    return descendants(pid)


def _launchers(pid: int) -> list[int]:
    """The kernel launchers below `pid` (one per running kernel)."""
    found = []
    for child in _tree(pid):
        try:
            if b"bookengine.run.forklaunch" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(child)
        except OSError:
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2:stat.rfind(b")") + 3] != b"Z"


def measure_once(workdir: Path) -> tuple[float, float]:
    """Seconds from `kill -9` of a publish (and its group) until the processes below it are
    gone, and until the process a cell started in a session of its own is gone too (infinite
    when it outlives the 30 s this waits)."""
    pidfile = workdir / "escaped.pid"
    book = _book(workdir / "book", pidfile)
    proc = subprocess.Popen([sys.executable, "-m", "bookengine", "publish", "--jobs",
                             str(LOOPS + 1), str(book)], cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            if pidfile.exists() and pidfile.read_text() and len(_launchers(proc.pid)) > LOOPS:
                break
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("the publish never ran its kernels")
            time.sleep(0.05)
        time.sleep(1)  # every kernel inside its loop
        escaped = int(pidfile.read_text())
        tree = [p for p in _tree(proc.pid) if p != escaped]
    finally:
        killed = time.monotonic()
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    gone: dict[str, float] = {}
    while len(gone) < 2:
        now = time.monotonic() - killed
        if "tree" not in gone and not any(_alive(p) for p in tree):
            gone["tree"] = now
        if "all" not in gone and "tree" in gone and not _alive(escaped):
            gone["all"] = now
        if now > 30:
            for p in [*tree, escaped]:
                if _alive(p):
                    os.kill(p, signal.SIGKILL)
            break
        time.sleep(0.002)
    return gone.get("tree", float("inf")), gone.get("all", float("inf"))


def measure(runs: int) -> list[tuple[float, float]]:
    """`measure_once`, `runs` times, each in a fresh folder."""
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-cleanup-") as tmp:
            times.append(measure_once(Path(tmp)))
    return times


TARGET_SECONDS = 0.5
"""What the README states: everything a killed publish started is gone within this."""


def report(runs: int) -> None:
    """Print both figures, median of `runs`, beside the target."""
    times = measure(runs)
    print(f"\nCleanup after kill -9 (a publish with {LOOPS + 1} forked kernels in loops; "
          f"median of {runs}):")
    for index, what in enumerate(("last kernel, launcher, warden, fork server gone",
                                  "last process a cell started in its own session gone")):
        values = [t[index] for t in times]
        median = statistics.median(values)
        verdict = "meets" if median <= TARGET_SECONDS else "MISSES"
        print(f"  {what:52} {median:6.3f} s   target ≤ {TARGET_SECONDS:.2f} s {verdict}  "
              f"(slowest {max(values):.3f} s)")


def main(argv: list[str] | None = None) -> int:
    """Print the cleanup times after `kill -9`, median of `--runs`."""
    parser = argparse.ArgumentParser(prog="bookengine.bench.cleanup", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    report(parser.parse_args(argv).runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
