"""The kernels a page runs in: nbclient's client, which runs the engine's own cells outside the
kernel's history and counts each cell's output against the limit, and the managers that start a
kernel tied to the build or fork it from the fork server."""

from __future__ import annotations

import json
import sys
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from traitlets import Type, Unicode

from bookengine.run.kernelclient import QuickReadyClient

MAX_OUTPUT_BYTES = 10_000_000
"""The largest output one cell may produce (its MIME data, summed)."""

KERNEL_OPTIONS = ("--HistoryManager.enabled=False",)
"""IPython options of every page's kernel: no history database (`In` and `Out` still work)."""

class BookClient(NotebookClient):
    """nbclient's client, running the engine's own cells outside the kernel's history, so that a
    page's cells are numbered `In [1]`, `In [2]`, … in tracebacks as under Quarto; and holding
    each cell to `MAX_OUTPUT_BYTES` while its output streams: past the limit, the rest is not
    kept and the cell is stopped (`overflow` says which, and how much had come)."""

    overflow: tuple[int, int] | None = None

    def output(self, outs: list, msg: dict[str, Any], display_id: str | None,
               cell_index: int) -> Any:
        sizes = self.__dict__.setdefault("_output_sizes", {})
        sizes[cell_index] = sizes.get(cell_index, 0) + _message_bytes(msg)
        if sizes[cell_index] > MAX_OUTPUT_BYTES:
            if self.overflow is None:
                self.overflow = (cell_index, sizes[cell_index])
                if self.task_poll_for_reply is not None:  # stop waiting: the page has failed
                    self.task_poll_for_reply.cancel()
            return None
        return super().output(outs, msg, display_id, cell_index)

    async def async_execute_cell(self, cell: Any, cell_index: int,
                                 execution_count: int | None = None,
                                 store_history: bool = True) -> Any:
        own = bool(cell.metadata.get(ENGINE_CELL))
        return await super().async_execute_cell(cell, cell_index, execution_count,
                                                store_history and not own)


ENGINE_CELL = "book-engine-cell"

class BookKernelManager(AsyncKernelManager):
    """An IPython kernel that ends with its build (see `bookengine.run.kernel`).

    Asynchronous, so that nbclient's cell timeout fires even while a cell never yields.
    """

    client_factory = Type(klass=QuickReadyClient)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        return [sys.executable, "-m", "bookengine.run.kernel", "-f", self.connection_file,
                *KERNEL_OPTIONS]

    async def _async_wait(self, pollinterval: float = 0.01) -> None:
        """Jupyter's wait for the kernel's exit, looking every 0.01 s, not every 0.1 s (a page's
        kernel is shut down at the end of every page)."""
        await super()._async_wait(pollinterval=min(pollinterval, 0.01))


class ForkedKernelManager(BookKernelManager):
    """A kernel forked from a running fork server (`bookengine.run.forkserver`)."""

    socket_path = Unicode("")

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        return [sys.executable, "-m", "bookengine.run.forklaunch", self.socket_path,
                self.connection_file, *KERNEL_OPTIONS]


def _message_bytes(msg: dict[str, Any]) -> int:
    """The size of the output an IOPub message carries (stream text, MIME data, traceback)."""
    content = msg.get("content") or {}
    total = len(str(content.get("text", "")))
    for value in (content.get("data") or {}).values():
        total += len(value) if isinstance(value, str) else len(json.dumps(value))
    total += sum(len(str(line)) for line in content.get("traceback") or [])
    return total
