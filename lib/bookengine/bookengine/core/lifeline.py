"""Processes that die with the build: kernels, their launchers, the fork server and the chart
render workers.

A kernel left running after its build has died (killed, even by `kill -9`) would spin on as an
orphan. Every process the engine starts ties itself to the process that started it: Linux's
`PR_SET_PDEATHSIG` kills it the moment its parent goes, and a watchdog thread that polls the
parent's pid covers the rest (platforms without it, or a parent thread that exits early). A process
that leads its own process group takes the group with it, so a cell's own subprocesses go too.
The chart render workers have the watchdog alone: a pool may be started from a thread that ends
long before the build does, and the death signal would go with that thread.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import threading
import time

POLL_SECONDS = 0.25
PR_SET_PDEATHSIG = 1
TEMP_PREFIXES = ("book-kernel-", "book-fork-")
_OWNER_PATTERN = r"^book-(?:kernel|fork)-(\d+)-"


def _die(kill_group: bool) -> None:
    if kill_group:
        from bookengine.core import proctree

        proctree.kill_tree(os.getpid(), include_self=False)  # new sessions and double forks too
        if os.getpgrp() == os.getpid():  # only a group this process leads
            with contextlib.suppress(OSError):
                os.killpg(os.getpgrp(), signal.SIGKILL)
    os._exit(1)


def tie_to_parent(parent_pid: int, kill_group: bool = False) -> None:
    """End this process (and, with `kill_group`, its process group) when `parent_pid` is gone."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    watch_parent(parent_pid, kill_group)


def watch_parent(parent_pid: int, kill_group: bool = False) -> None:
    """End this process when `parent_pid` is gone, found by polling alone: for a process whose
    starting thread may end long before the parent process does (Linux's death signal follows
    the thread that started the process, not its process)."""
    if os.getppid() != parent_pid:
        _die(kill_group)  # the parent died before this process began to watch

    def watch() -> None:
        while True:
            time.sleep(POLL_SECONDS)
            if os.getppid() != parent_pid:
                _die(kill_group)

    threading.Thread(target=watch, name="book-lifeline", daemon=True).start()


def temp_dir(kind: str) -> contextlib.AbstractContextManager[str]:
    """A temporary folder named after its owner (`book-<kind>-<pid>-…`), so that a later run
    can tell it is orphaned."""
    import tempfile  # here, not above: kernel launchers import this module and must start fast

    return tempfile.TemporaryDirectory(prefix=f"book-{kind}-{os.getpid()}-")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


SEMAPHORE_DIR = "/dev/shm"
_SEMAPHORE_PATTERN = r"^sem\.mp-book-(\d+)-"


def name_semaphores() -> None:
    """Name the semaphores `multiprocessing` makes in this process after it (`/mp-book-<pid>-…`,
    seen as `/dev/shm/sem.mp-book-<pid>-…`). A process killed with `kill -9`, together with the
    tracker that would have removed them, leaves them behind; named so, a later run can tell
    whose they were (`remove_orphaned_semaphores`)."""
    from multiprocessing import process

    process.current_process()._config["semprefix"] = f"/mp-book-{os.getpid()}"


def remove_orphaned_semaphores(base: str = SEMAPHORE_DIR) -> list[str]:
    """Remove the named semaphores of engine processes that are dead; return their names."""
    import re

    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(base):
            match = re.match(_SEMAPHORE_PATTERN, entry.name)
            if match and not _alive(int(match.group(1))):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed.append(entry.name)
    return removed


# `Path` is imported inside: launchers import this module and must start fast.
def remove_orphaned_temp_dirs(base: str | None = None) -> list[Path]:  # noqa: F821
    """Remove the engine's temporary folders whose owner process is dead; return them."""
    import re
    import shutil
    import tempfile
    from pathlib import Path

    removed = []
    base_dir = Path(base or tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for entry in base_dir.iterdir():
            match = re.match(_OWNER_PATTERN, entry.name)
            if match and entry.is_dir() and not _alive(int(match.group(1))):
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
    return removed
