"""A kernel's warden: a small process, forked from the kernel before it runs a cell, that ends
the kernel and everything below it the moment the process the kernel belongs to is gone.

The kernel is a child subreaper (`proctree`), so whatever a cell starts stays below it. The
warden waits, without polling where Linux offers `pidfd_open`, on two processes: the one the
kernel belongs to (the build, or for a forked kernel its launcher) and the kernel. When the
first goes, the warden stops and kills the kernel's whole tree (`proctree.kill_tree`), so even
a kernel stuck in a cell that never lets Python run (which no signal handler or thread of its
own could end) goes at once; when the kernel goes first, the warden just exits. It ignores the
interrupts Jupyter sends to the kernel's process group.

Imports only the standard library: kernels import it as they start.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import time

from bookengine.core import proctree

POLL_SECONDS = 0.02
"""How often a warden without `pidfd_open` looks at the two processes."""


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    with contextlib.suppress(OSError):
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
        return stat[stat.rfind(b")") + 2:stat.rfind(b")") + 3] == b"Z"
    return False


def _wait_first(owner: int, kernel: int) -> None:
    """Return once `owner` or `kernel` has ended."""
    fds: list[int] = []
    try:
        for pid in (owner, kernel):
            fds.append(os.pidfd_open(pid))
    except (AttributeError, OSError):
        for fd in fds:
            os.close(fd)
        fds = []
    if fds:
        poller = select.poll()
        for fd in fds:
            poller.register(fd, select.POLLIN)
        try:
            while not poller.poll(1000):
                if _gone(owner) or _gone(kernel):
                    return
        finally:
            for fd in fds:
                os.close(fd)
        return
    while not (_gone(owner) or _gone(kernel)):
        time.sleep(POLL_SECONDS)


def start(owner: int) -> int:
    """Fork the warden of this process (the kernel), tied to `owner`; its pid."""
    kernel = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the kernel's interrupts, not ours
        _wait_first(owner, kernel)
        if not _gone(kernel):
            proctree.kill_tree(kernel)
    finally:
        os._exit(0)
