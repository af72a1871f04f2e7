"""The process Jupyter starts for a forked kernel: `python -m bookengine.forklaunch SOCKET FILE`.

It asks the fork server (`bookengine.forkserver`) for a kernel and lives exactly as long as that
kernel, forwarding signals to it. It imports only the standard library and `lifeline`, so it is
up in a few hundredths of a second: every page's kernel waits for it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sys
import time

from bookengine.lifeline import tie_to_parent


def recv_all(conn: socket.socket) -> bytes:
    """Everything the peer sends until it closes its side."""
    chunks = []
    while chunk := conn.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def launch(socket_path: str, connection_file: str) -> int:
    """Ask the server for a kernel and live as long as it does."""
    tie_to_parent(int(os.environ.get("BOOK_PARENT_PID") or os.getppid()))
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.connect(socket_path)
    client.sendall(json.dumps({"connection_file": connection_file, "cwd": os.getcwd(),
                               "env": dict(os.environ), "launcher": os.getpid()}).encode())
    client.shutdown(socket.SHUT_WR)
    pid = json.loads(recv_all(client))["pid"]
    client.close()

    def forward(signum: int, _frame) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)
        if signum == signal.SIGTERM:
            sys.exit(0)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    while True:
        time.sleep(0.2)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return 0


if __name__ == "__main__":
    sys.exit(launch(sys.argv[1], sys.argv[2]))
