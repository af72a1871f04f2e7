"""A folder served on an ephemeral port of 127.0.0.1 for the length of a `with` block.

Used to print the book (`make pdf`) and by the tests that load pages or releases over HTTP.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging every request."""

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        return


@contextlib.contextmanager
def serving(folder: Path, handler: type = QuietHandler) -> Iterator[str]:
    """Serve `folder`; yield the base address (no trailing slash); shut down afterwards."""
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(Path(folder).resolve())))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
