"""Clean after `kill -9`: a publish killed with its whole process group leaves no kernel, no
process a cell started, and no named semaphore in /dev/shm once the next run has begun (issue 22,
fault 6). How long the kernels take to go is measured by `make bench`, not asserted here."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from tests.conftest import REPO

LOOP = "```{python}\nwhile True:\n    pass\n```\n"
ESCAPING = """# Gamma

```{{python}}
import pathlib, subprocess
own = subprocess.Popen(["sleep", "600"], start_new_session=True)
pathlib.Path({pidfile!r}).write_text(str(own.pid))
```

"""


def _shm_inodes(pid: int) -> set[int]:
    """The inodes of the files in /dev/shm that process `pid` maps (its named semaphores)."""
    inodes = set()
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        fields = line.split()
        if len(fields) >= 6 and fields[5].startswith("/dev/shm/"):
            inodes.add(int(fields[4]))
    return inodes


def _shm_files_with(inodes: set[int]) -> list[str]:
    found = []
    for entry in os.scandir("/dev/shm"):
        try:
            if entry.inode() in inodes:
                found.append(entry.name)
        except OSError:
            continue
    return found


def _running(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_a_publish_killed_with_its_group_leaves_nothing_behind(minibook: Path,
                                                               tmp_path: Path) -> None:
    pidfile = tmp_path / "escaped.pid"
    chapters = minibook / "chapters"
    (chapters / "gamma.qmd").write_text(ESCAPING.format(pidfile=str(pidfile)) + LOOP)
    config = minibook / "_quarto.yml"
    text = config.read_text()
    for n in range(3):
        (chapters / f"loop{n}.qmd").write_text(f"# Loop {n}\n\n" + LOOP)
        text = text.replace("    - chapters/gamma.qmd\n",
                            f"    - chapters/gamma.qmd\n    - chapters/loop{n}.qmd\n", 1)
    config.write_text(text.replace("book-engine:\n", "book-engine:\n  preload: [json]\n"))
    proc = subprocess.Popen([sys.executable, "-m", "bookengine", "publish", "--jobs", "2",
                             str(minibook)], cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not pidfile.exists() or not pidfile.read_text():
            assert time.monotonic() < deadline and proc.poll() is None, "the page never ran"
            time.sleep(0.1)
        started = psutil.Process(proc.pid).children(recursive=True)
        started.append(psutil.Process(int(pidfile.read_text())))
        forked = any("bookengine.run.forkserver" in " ".join(p.cmdline()) for p in started)
        semaphores = _shm_inodes(proc.pid)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert forked, "the kernels were not forked from the fork server"
    assert semaphores, "the build held no named semaphore"
    deadline = time.monotonic() + 30
    while any(_running(p) for p in started) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [p.pid for p in started if _running(p)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, "processes outlived the killed build"
    # The next run removes what the killed one left in /dev/shm.
    for n in range(3):
        (chapters / f"loop{n}.qmd").write_text(f"# Loop {n}\n")
    (chapters / "gamma.qmd").write_text("# Gamma\n")
    again = subprocess.run([sys.executable, "-m", "bookengine", "publish", str(minibook)],
                           cwd=REPO, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert _shm_files_with(semaphores) == []


def test_semaphores_are_named_after_their_process() -> None:
    """The render workers' semaphores carry the build's process id, so a later run can tell
    which are orphaned."""
    from bookengine.render import chart_render

    chart_render._worker_pool(1)
    try:
        names = [n for n in os.listdir("/dev/shm") if re.match(rf"sem\.mp-book-{os.getpid()}-", n)]
        assert names
    finally:
        chart_render.shutdown_workers()
