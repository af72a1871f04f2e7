"""`make preview`: serve the published site on 127.0.0.1 and rebuild when sources change.

A watcher polls the book's sources; once changes have settled it rebuilds. The open page polls a
small status address and reloads after a successful rebuild. When a rebuild fails the server keeps
serving the last good site and every page shows the error in a banner.
"""

from __future__ import annotations

import contextlib
import functools
import json
import signal
import socket
import threading
import time
import urllib.parse
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bookengine.build import BuildError, build
from bookengine.config import BookConfig, ConfigError
from bookengine.config_load import load_config
from bookengine.notfound import site_path
from bookengine.state import IGNORED_DIRS

STATUS_PATH = "/__preview/status"
SETTLE_SECONDS = 0.4
POLL_SECONDS = 0.3
WATCHED_SUFFIXES = {".qmd", ".md", ".ipynb", ".py", ".csv", ".yml", ".yaml", ".bib", ".json",
                    ".csl"}

REQUEST_TIMEOUT = 10.0
"""Seconds the preview waits for a client's next bytes before it closes the connection."""
CONNECTION_SECONDS = 60.0
"""Seconds one connection may stay open in all (a client that drips its request byte by byte
holds a thread no longer than this)."""

RELOAD_PATH = "/__preview/reload.js"
RELOAD_JS = (Path(__file__).parent / "templates" / "preview.js").read_text(
    encoding="utf-8").replace("__STATUS__", STATUS_PATH).encode("utf-8")
RELOAD_SCRIPT = f'<script src="{RELOAD_PATH}"></script>\n'  # a file: pages allow no inline code


class _Server(ThreadingHTTPServer):
    """A threading server with a listen backlog for many connections at once."""

    request_queue_size = 512
    daemon_threads = True


class PreviewState:
    """The build counter and the last error, shared by the watcher and the server."""

    def __init__(self) -> None:
        self.build = 0
        self.error: str | None = None
        self.lock = threading.Lock()

    def as_json(self) -> bytes:
        with self.lock:
            return json.dumps({"build": self.build, "error": self.error}).encode()


def snapshot(root: Path, output_dir: str = "site") -> dict[str, float]:
    """Modification times of every source the book is built from (not its output)."""
    out: dict[str, float] = {}
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if IGNORED_DIRS.intersection(rel.parts) or rel.parts[0] == output_dir:
            continue
        if path.suffix in WATCHED_SUFFIXES and path.is_file():
            try:
                out[str(rel)] = path.stat().st_mtime_ns
            except FileNotFoundError:
                continue
    return out


class PreviewServer:
    """A site server plus a source watcher that rebuilds on change."""

    def __init__(self, book: Path, port: int = 4242, log=print):
        self.root = Path(book).resolve()
        self.state = PreviewState()
        self.log = log
        self.site_path = "/"  # the deployed site's path, which its 404 page's links start with
        try:
            config = load_config(self.root)
            self.output_dir = config.output_dir
            self.site_path = site_path(config)
        except ConfigError:
            self.output_dir = BookConfig.output_dir  # the default, until the config is mended
        self.output = self.root / self.output_dir
        handler = functools.partial(_Handler, preview=self)
        self.httpd = _Server(("127.0.0.1", port), handler)
        self.port = self.httpd.server_address[1]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def rebuild(self) -> None:
        """Build once; record success or the error for the pages to show."""
        try:
            report = build(self.root, log=lambda line: None)
        except Exception as exc:  # noqa: BLE001 - any failure is shown, and watching goes on
            message = str(exc) if isinstance(exc, BuildError | ConfigError) else (
                f"the build stopped unexpectedly: {type(exc).__name__}: {exc}")
            with self.state.lock:
                self.state.error = message
            self.log(f"rebuild failed:\n{exc}")
            return
        with self.state.lock:
            self.state.error = None
            self.state.build += 1
        self.log(report.summary().splitlines()[-1])

    def watch(self, last: dict[str, float] | None = None) -> None:
        """Poll the sources; rebuild once changes have settled (compared with `last`, the
        sources as they were when the last build began)."""
        last = snapshot(self.root, self.output_dir) if last is None else last
        while not self._stop.is_set():
            time.sleep(POLL_SECONDS)
            now = snapshot(self.root, self.output_dir)
            if now == last:
                continue
            while not self._stop.is_set():  # wait for the edits to settle
                time.sleep(SETTLE_SECONDS)
                settled = snapshot(self.root, self.output_dir)
                if settled == now:
                    break
                now = settled
            last = now
            self.rebuild()

    def start(self, initial_build: bool = True) -> None:
        """Build once, then serve and watch; an edit made during the first build is seen."""
        before = snapshot(self.root, self.output_dir)
        if initial_build:
            self.rebuild()
        for target, args in ((self.httpd.serve_forever, ()), (self.watch, (before,))):
            thread = threading.Thread(target=target, args=args, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)


class _Handler(SimpleHTTPRequestHandler):
    def __init__(self, *args, preview: PreviewServer, **kwargs):
        self.preview = preview
        super().__init__(*args, directory=str(preview.output), **kwargs)

    def setup(self) -> None:
        """Bound the connection: `REQUEST_TIMEOUT` between bytes, `CONNECTION_SECONDS` in all."""
        self.timeout = REQUEST_TIMEOUT
        super().setup()
        self._deadline = threading.Timer(CONNECTION_SECONDS, self._cut)
        self._deadline.daemon = True
        self._deadline.start()

    def _cut(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def finish(self) -> None:
        self._deadline.cancel()
        with contextlib.suppress(OSError):  # a connection cut short cannot be flushed
            super().finish()

    def handle_one_request(self) -> None:
        """Serve one request; a connection the client or the deadline cut is just closed."""
        try:
            super().handle_one_request()
        except (OSError, ValueError):
            self.close_connection = True

    def translate_path(self, path: str) -> str:
        self.directory = str(self.preview.output.resolve())  # follow the link to the live build
        return super().translate_path(path)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        return

    def send_head(self):  # noqa: ANN201 - http.server's own signature
        if _unservable(self.path):
            self.send_error(400, "Bad Request", "the path holds a NUL byte")
            return None
        return super().send_head()

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if _unservable(self.path):
            self.send_error(400, "Bad Request", "the path holds a NUL byte")
            return
        if self.path.split("?")[0] == STATUS_PATH:
            self._send(self.preview.state.as_json(), "application/json")
            return
        if self.path.split("?")[0] == RELOAD_PATH:
            self._send(RELOAD_JS, "text/javascript; charset=utf-8")
            return
        local = Path(self.translate_path(self.path))
        if local.is_dir():
            local = local / "index.html"
        if local.suffix == ".html" and local.is_file():
            html = local.read_text(encoding="utf-8").replace("</body>", RELOAD_SCRIPT + "</body>")
            self._send(html.encode("utf-8"), "text/html; charset=utf-8")
            return
        if not local.exists() and self._not_found():
            return
        super().do_GET()

    def _not_found(self) -> bool:
        """Answer a missing address with the book's own 404 page, as a host does; its links
        start with the deployed site's path, which here is the root. False without one."""
        page = self.preview.output.resolve() / "404.html"
        if not page.is_file():
            return False
        html = page.read_text(encoding="utf-8")
        base = self.preview.site_path
        if base != "/":
            html = html.replace(f'="{base}', '="/')
        self._send(html.encode("utf-8"), "text/html; charset=utf-8", status=404)
        return True

    def _send(self, body: bytes, content_type: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _unservable(path: str) -> bool:
    """True for a request path no file can have (a NUL byte, written or %-encoded)."""
    return "\0" in urllib.parse.unquote(path.split("?", 1)[0])


def serve(book: Path, port: int = 4242) -> int:
    """Run the preview until interrupted."""
    server = PreviewServer(book, port)
    server.start()
    print(f"Serving {server.output} at http://127.0.0.1:{server.port}/ (Ctrl-C to stop)")

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # SIGTERM stops as Ctrl-C does: workers and their locks freed

    signal.signal(signal.SIGTERM, interrupt)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
    return 0
