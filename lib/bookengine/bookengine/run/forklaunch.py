"""The process Jupyter starts for a forked kernel
(`python -m bookengine.run.forklaunch SOCKET FILE`).

It asks the fork server (`bookengine.run.forkserver`) for a kernel and lives exactly as long as that
kernel, forwarding signals to it. It imports only the standard library and `lifeline` (whose
heavier imports wait until they are needed), so it is up in a few hundredths of a second: every
page's kernel waits for it.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import sys
import time

from bookengine.core.lifeline import tie_to_parent

PID_SUFFIX = ".pid"
"""Beside the connection file, the forked kernel's process id."""


def recv_all(conn: socket.socket) -> bytes:
    """Everything the peer sends until it closes its side."""
    chunks = []
    while chunk := conn.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def launch(socket_path: str, connection_file: str, options: list[str]) -> int:
    """Ask the server for a kernel (with these IPython options) and live as long as it does."""
    tie_to_parent(int(os.environ.get("BOOK_PARENT_PID") or os.getppid()))
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.connect(socket_path)
    client.sendall(json.dumps({"connection_file": connection_file, "cwd": os.getcwd(),
                               "env": dict(os.environ), "launcher": os.getpid(),
                               "options": options}).encode())
    client.shutdown(socket.SHUT_WR)
    pid = json.loads(recv_all(client))["pid"]
    client.close()
    record = connection_file + PID_SUFFIX  # the kernel's pid, for the build to end its tree
    with open(record + ".tmp", "w", encoding="ascii") as fh:
        fh.write(str(pid))
    os.replace(record + ".tmp", record)

    def forward(signum: int, _frame) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)
        if signum == signal.SIGTERM:
            sys.exit(0)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    _wait_for_exit(pid)
    return 0


def _wait_for_exit(pid: int) -> None:
    """Return as soon as process `pid` (not a child of this one) has ended: at once through a
    pidfd where Linux offers one (Jupyter's graceful shutdown waits for this process), else by
    polling."""
    with contextlib.suppress(AttributeError, OSError):
        fd = os.pidfd_open(pid)
        try:
            poller = select.poll()
            poller.register(fd, select.POLLIN)
            while not poller.poll(1000):
                pass
            return
        finally:
            os.close(fd)
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


if __name__ == "__main__":
    sys.exit(launch(sys.argv[1], sys.argv[2], sys.argv[3:]))
