"""A fork server for kernels: heavy modules are imported once, and each page's kernel is forked.

Starting a kernel from a fresh interpreter costs a second or more before a page's first cell
(importing ipykernel, IPython and whatever the pages use). For the length of one build, a server
process imports ipykernel and the book's `book-engine.preload` modules (third-party packages
only: a project module imported here would hide its file reads from the page's audit hook), then
forks one child per kernel. The command line starts it before its own imports (`start_early`),
so that the two import at once. Jupyter launches a tiny launcher process
(`bookengine.run.forklaunch`), which asks the server for a kernel and lives exactly as long as it;
the child exits when its launcher is gone.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from bookengine.core import lifeline
from bookengine.run.forklaunch import recv_all
from bookengine.run.kernel import guard

START_TIMEOUT = 60.0
KERNEL_MODULES = ("ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger",
                  "IPython.core.completerlib", "IPython.core.debugger",
                  "IPython.extensions.storemagic", "tornado.platform.asyncio", "faulthandler")
"""Modules an IPython kernel imports as it starts: imported once, in the server."""


def serve(socket_path: str, preload: list[str]) -> None:
    """The server: import once, then fork a kernel for every request until asked to stop."""
    lifeline.tie_to_parent(int(os.environ.get("BOOK_PARENT_PID") or os.getppid()))
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")  # no BLAS threads alive at fork time
    import ipykernel.kernelapp  # noqa: F401

    # What every kernel's start-up would import on its own (the debugger alone costs 0.2 s).
    for name in (*KERNEL_MODULES, *preload):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    # Every object imported so far lives as long as the server: kept out of the collector's
    # sight, a kernel's collections neither walk it nor copy its memory pages.
    gc.freeze()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(socket_path + ".tmp")
    server.listen(16)
    os.replace(socket_path + ".tmp", socket_path)
    while True:
        conn, _ = server.accept()
        request = json.loads(recv_all(conn) or b"{}")
        if request.get("stop"):
            conn.close()
            break
        pid = os.fork()
        if pid == 0:
            server.close()
            conn.close()
            _run_kernel(request)
        conn.sendall(json.dumps({"pid": pid}).encode())
        conn.close()
    server.close()
    os._exit(0)  # nothing to clean up: a normal interpreter exit would cost the build 0.4 s


def _run_kernel(request: dict) -> None:
    """In the forked child: become the kernel the launcher asked for."""
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()  # its own process group, killed whole when its launcher goes
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        launcher = int(request["launcher"])
        guard(launcher)  # a subreaper with a warden tied to the launcher, memory bounded

        def watch() -> None:  # behind the warden: the launcher's end ends this kernel
            while True:
                time.sleep(0.5)
                try:
                    os.kill(launcher, 0)
                except ProcessLookupError:
                    lifeline._die(kill_group=True)

        threading.Thread(target=watch, daemon=True).start()
        from ipykernel.kernelapp import IPKernelApp

        sys.argv = ["ipykernel_launcher", "-f", request["connection_file"]]
        app = IPKernelApp.instance()
        app.initialize(["-f", request["connection_file"], *request.get("options", [])])
        app.start()
    finally:
        os._exit(0)


class ForkServer:
    """A fork server process started now; `socket` waits until it listens."""

    def __init__(self, preload: list[str]):
        self.preload = list(preload)
        self._folder = contextlib.ExitStack()
        self.path = str(Path(self._folder.enter_context(lifeline.temp_dir("fork")))
                        / "server.sock")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bookengine.run.forkserver", "serve", self.path, *self.preload],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, env={**os.environ, "BOOK_PARENT_PID": str(os.getpid())})

    def socket(self) -> str | None:
        """The server's socket once it listens; None if it died or did not start in time."""
        deadline = time.monotonic() + START_TIMEOUT
        while (not os.path.exists(self.path) and self.proc.poll() is None
               and time.monotonic() < deadline):
            time.sleep(0.02)
        return self.path if os.path.exists(self.path) else None

    def stop(self) -> None:
        """Ask the server to stop (or, if it is still importing, end it), wait for it, and remove
        its folder."""
        try:
            stop = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            stop.connect(self.path)
            stop.sendall(b'{"stop": true}')
            stop.close()
        except OSError:
            self.proc.kill()  # not listening yet: nothing of it is in use
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._folder.close()


_EARLY: ForkServer | None = None


def start_early(preload: list[str]) -> None:
    """Start this process's next fork server now, so that it imports while the engine does:
    `running` adopts it; `stop_early` ends it if no build does."""
    global _EARLY
    if _EARLY is None:
        _EARLY = ForkServer(preload)


def started_early() -> bool:
    """True when a server started by `start_early` waits to be used."""
    return _EARLY is not None


def stop_early() -> None:
    """Stop a server started early that no build used."""
    global _EARLY
    server, _EARLY = _EARLY, None
    if server is not None:
        server.stop()


@contextlib.contextmanager
def running(preload: list[str]) -> Iterator[str | None]:
    """Run a fork server for the duration of a block (the one started early, if its preload is
    the same); yield its socket (None if it failed)."""
    global _EARLY
    server, _EARLY = _EARLY, None
    if server is not None and server.preload != list(preload):
        server.stop()
        server = None
    server = server or ForkServer(preload)
    try:
        yield server.socket()
    finally:
        server.stop()


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2], sys.argv[3:])
