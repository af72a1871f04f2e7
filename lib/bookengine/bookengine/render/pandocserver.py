"""`pandoc lua` processes that convert pages: one per processor at most, each converting its
pages one after another.

Starting pandoc costs a page about 0.1 s, and citeproc loads its style and locale again in every
process: together more than half of a page's conversion. `pandoc_server.lua` reads requests on
its standard input and answers each with the HTML of the command line's conversion (same reader,
metadata, filters, citeproc and writer options). The process ends when its standard input closes,
so it never outlives the engine, even one killed with `kill -9`. `pool` hands each request to an
idle server, starting another (up to one per processor) when all are busy, so pages convert in
parallel; a lone request always goes to the first, `server`.
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import threading
from pathlib import Path
from typing import IO, Any

SCRIPT = Path(__file__).with_name("pandoc_server.lua")


class PandocFailed(Exception):
    """pandoc could not convert a page (its message), or the server process died."""


class PandocServer:
    """A running `pandoc lua pandoc_server.lua`; `convert` is safe to call from any thread."""

    def __init__(self, pandoc: str):
        self.pandoc = pandoc
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None

    def _start(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            self._proc = subprocess.Popen([self.pandoc, "lua", str(SCRIPT)],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.DEVNULL)
        return self._proc

    def convert(self, request: dict[str, Any]) -> tuple[str, list[str]]:
        """The HTML of one conversion and the warnings pandoc logged for it."""
        answer = self.request(request)
        return str(answer["html"]), [str(w) for w in answer.get("warnings") or []]

    def request(self, request: dict[str, Any]) -> dict[str, Any]:
        """The whole reply to one request: `html` (or `index`), `warnings`, `unresolved`."""
        body = json.dumps(request, ensure_ascii=False).encode("utf-8")
        with self._lock:
            for attempt in (1, 2):  # a server that died is started again, once
                proc = self._start()
                try:
                    assert proc.stdin is not None and proc.stdout is not None
                    proc.stdin.write(b"%d\n" % len(body) + body)
                    proc.stdin.flush()
                    answer = _read_reply(proc.stdout)
                    break
                except (OSError, ValueError) as exc:
                    self.close()
                    if attempt == 2:
                        raise PandocFailed(f"the pandoc process stopped: {exc}") from exc
        if "error" in answer:
            raise PandocFailed(str(answer["error"]))
        return answer

    def close(self) -> None:
        """End the process (it exits when its input closes)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.stdin is not None:
            try:
                proc.stdin.close()
            except OSError:
                pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _read_reply(stream: IO[bytes]) -> dict[str, Any]:
    count = stream.readline()
    if not count:
        raise ValueError("no reply")
    body = stream.read(int(count))
    if len(body) != int(count):
        raise ValueError("a truncated reply")
    return json.loads(body.decode("utf-8"))


_SERVERS: dict[str, PandocServer] = {}
_SERVERS_LOCK = threading.Lock()


def server(pandoc: str) -> PandocServer:
    """This process's server for the pandoc binary at `pandoc`, started on first use."""
    with _SERVERS_LOCK:
        if pandoc not in _SERVERS:
            _SERVERS[pandoc] = PandocServer(pandoc)
        return _SERVERS[pandoc]


class PandocPool:
    """Servers for one pandoc binary; `request` takes an idle one, the first first."""

    def __init__(self, pandoc: str, size: int):
        self.pandoc = pandoc
        self.size = max(1, size)
        self.servers = [server(pandoc)]
        self.busy: set[int] = set()
        self._free = threading.Condition()

    def _take(self) -> int:
        with self._free:
            while True:
                idle = [i for i in range(len(self.servers)) if i not in self.busy]
                if idle:
                    chosen = idle[0]
                    break
                if len(self.servers) < self.size:
                    self.servers.append(PandocServer(self.pandoc))
                    _EXTRA.append(self.servers[-1])
                    chosen = len(self.servers) - 1
                    break
                self._free.wait()
            self.busy.add(chosen)
            return chosen

    def request(self, request: dict[str, Any]) -> dict[str, Any]:
        """The reply to one request, from whichever server was free (see `PandocServer`)."""
        chosen = self._take()
        try:
            return self.servers[chosen].request(request)
        finally:
            with self._free:
                self.busy.discard(chosen)
                self._free.notify()


_POOLS: dict[str, PandocPool] = {}
_EXTRA: list[PandocServer] = []


def pool(pandoc: str) -> PandocPool:
    """This process's servers for the pandoc binary at `pandoc` (one per processor at most)."""
    with _SERVERS_LOCK:
        if pandoc in _POOLS:
            return _POOLS[pandoc]
    made = PandocPool(pandoc, os.cpu_count() or 1)
    with _SERVERS_LOCK:
        return _POOLS.setdefault(pandoc, made)


@atexit.register
def close_all() -> None:
    """End every pandoc server of this process."""
    for running in [*_SERVERS.values(), *_EXTRA]:
        running.close()
