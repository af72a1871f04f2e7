"""The client the engine's kernel managers hand to nbclient: Jupyter's asynchronous client, ready
sooner.

While it waits for a new kernel, `jupyter_client` listens on IOPub until 0.2 s pass without a
message, twice: a fixed 0.4 s a kernel. nbclient reads only the IOPub messages that answer its
own requests (by parent message id), so a short listen is as safe; it still waits for the kernel's
`kernel_info_reply` and for IOPub to be connected.

The client also connects before the new kernel has bound its sockets, and ZeroMQ tries a failed
connection again only after `RECONNECT_IVL` (0.1 s by default): every kernel's start waited that
long for nothing. The channels here try again after `RECONNECT_MS`, backing off to
`RECONNECT_MAX_MS` if the kernel never comes.
"""

from __future__ import annotations

from typing import Any

import zmq
from jupyter_client.asynchronous import AsyncKernelClient

IOPUB_QUIET_S = 0.02
RECONNECT_MS = 5
RECONNECT_MAX_MS = 200


class QuickReadyClient(AsyncKernelClient):
    """`AsyncKernelClient` whose readiness check waits at most `IOPUB_QUIET_S` for IOPub, and
    whose channels try a refused connection again after `RECONNECT_MS`."""

    def _create_connected_socket(self, channel: str, identity: bytes | None = None) -> Any:
        # Default options of the sockets this client's context creates from now on.
        self.context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
        self.context.setsockopt(zmq.RECONNECT_IVL_MAX, RECONNECT_MAX_MS)
        return super()._create_connected_socket(channel, identity)

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        channel = self.iopub_channel
        get_msg = channel.get_msg

        def quick(*args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
            short = IOPUB_QUIET_S if timeout is None else min(timeout, IOPUB_QUIET_S)
            return get_msg(*args, timeout=short, **kwargs)

        channel.get_msg = quick
        try:
            await self._async_wait_for_ready(timeout=timeout)
        finally:
            del channel.get_msg
