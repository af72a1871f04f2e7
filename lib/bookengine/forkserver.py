"""A fork server for kernels: heavy modules are imported once, and each page's kernel is forked.

Starting a kernel from a fresh interpreter costs a second or more before a page's first cell
(importing ipykernel, IPython and whatever the pages use). For the length of one build, a server
process imports ipykernel and the book's `book-engine.preload` modules (third-party packages
only: a project module imported here would hide its file reads from the page's audit hook), then
forks one child per kernel. Jupyter launches a tiny launcher process (`bookengine.forklaunch`),
which asks the server for a kernel and lives exactly as long as it; the child exits when its
launcher is gone.
"""

from __future__ import annotations

import contextlib
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

from jupyter_client.manager import AsyncKernelManager
from traitlets import Type, Unicode

from bookengine import lifeline
from bookengine.forklaunch import recv_all
from bookengine.kernelclient import QuickReadyClient

START_TIMEOUT = 60.0


def serve(socket_path: str, preload: list[str]) -> None:
    """The server: import once, then fork a kernel for every request until asked to stop."""
    lifeline.tie_to_parent(int(os.environ.get("BOOK_PARENT_PID") or os.getppid()))
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")  # no BLAS threads alive at fork time
    import ipykernel.kernelapp  # noqa: F401

    # What every kernel's start-up would import on its own (the debugger alone costs 0.2 s).
    for name in ("ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger", *preload):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
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


def _run_kernel(request: dict) -> None:
    """In the forked child: become the kernel the launcher asked for."""
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()  # its own process group, killed whole when its launcher goes
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        launcher = int(request["launcher"])

        def watch() -> None:
            while True:
                time.sleep(0.5)
                try:
                    os.kill(launcher, 0)
                except ProcessLookupError:
                    with contextlib.suppress(OSError):
                        os.killpg(os.getpgrp(), signal.SIGKILL)
                    os._exit(0)

        threading.Thread(target=watch, daemon=True).start()
        from ipykernel.kernelapp import IPKernelApp

        sys.argv = ["ipykernel_launcher", "-f", request["connection_file"]]
        app = IPKernelApp.instance()
        app.initialize(["-f", request["connection_file"]])
        app.start()
    finally:
        os._exit(0)


class ForkedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels come from a running fork server."""

    socket_path = Unicode("")
    client_factory = Type(klass=QuickReadyClient)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        return [sys.executable, "-m", "bookengine.forklaunch", self.socket_path,
                self.connection_file]


@contextlib.contextmanager
def running(preload: list[str]) -> Iterator[str | None]:
    """Run a fork server for the duration of a block; yield its socket (None if it failed)."""
    with lifeline.temp_dir("fork") as tmp:
        path = str(Path(tmp) / "server.sock")
        proc = subprocess.Popen([sys.executable, "-m", "bookengine.forkserver", "serve", path,
                                 *preload], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True,
                                env={**os.environ, "BOOK_PARENT_PID": str(os.getpid())})
        deadline = time.monotonic() + START_TIMEOUT
        while not os.path.exists(path) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        try:
            yield path if os.path.exists(path) else None
        finally:
            with contextlib.suppress(OSError):
                stop = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                stop.connect(path)
                stop.sendall(b'{"stop": true}')
                stop.close()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2], sys.argv[3:])
