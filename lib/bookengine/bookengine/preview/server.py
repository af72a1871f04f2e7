"""`make preview`: serve the published site on 127.0.0.1 and rebuild when sources change.

A watcher polls the book's sources; once changes have settled it rebuilds. When the change is one
page's source and the page need not execute, the page is first made alone
(`preview.quickpage`) and served from memory, and the pages showing it reload; the full build
follows, publishes the whole book atomically as `make publish` does (the other pages' navigation,
numbers and cross-references), and every page that it changed reloads. The open page waits on a
status address that answers as soon as something changed (a long poll). When a rebuild fails the
server keeps serving the last good site and every page shows the error in a banner.
"""

from __future__ import annotations

import contextlib
import functools
import signal
import socket
import threading
import time
import urllib.parse
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bookengine.build import build
from bookengine.core.report import BuildError
from bookengine.core.state import IGNORED_DIRS, BookState
from bookengine.preview.quickpage import NotQuick, render_page
from bookengine.preview.state import PreviewState, snapshot, snapshot_of
from bookengine.preview.watchfs import Watcher
from bookengine.render.chart_render import StaticRenderer
from bookengine.site.notfound import site_path
from bookengine.source.config import BookConfig, ConfigError
from bookengine.source.config_load import load_config

STATUS_PATH = "/__preview/status"
SETTLE_SECONDS = 0.1
"""How long the sources must stay as they are before a full rebuild starts (an editor's save is
one write, or a few within milliseconds)."""
POLL_SECONDS = 0.3
"""How often the sources are compared where inotify is missing."""
SHOWN_SECONDS = 0.5
"""After a page made alone is announced, how long the full build waits for the pages showing it
to fetch it (the build shares this process, and would slow every request the reload makes)."""
ASSETS_SECONDS = 0.15
"""Once such a page has fetched it, how long the build waits for its stylesheets and scripts."""

REQUEST_TIMEOUT = 10.0
"""Seconds the preview waits for a client's next bytes before it closes the connection."""
CONNECTION_SECONDS = 60.0
"""Seconds one connection may stay open in all (a client that drips its request byte by byte
holds a thread no longer than this)."""

RELOAD_PATH = "/__preview/reload.js"
RELOAD_JS = (Path(__file__).parents[1] / "templates" / "preview.js").read_text(
    encoding="utf-8").replace("__STATUS__", STATUS_PATH).encode("utf-8")
RELOAD_SCRIPT = f'<script src="{RELOAD_PATH}"></script>\n'  # a file: pages allow no inline code


class _Server(ThreadingHTTPServer):
    """A threading server with a listen backlog for many connections at once."""

    request_queue_size = 512
    daemon_threads = True


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
        self._renderer: StaticRenderer | None = None
        self._shown_to = 0
        self.watching = threading.Event()
        """Set once the watcher is warmed up and watching."""

    def quick(self, rel: str, seen: float | None = None) -> bool:
        """Make the page `rel` alone and show it (see `bookengine.preview.quickpage`); False when it
        cannot be made alone, or its source changed again from `seen` (its modification time
        when the change was seen) while it was made: the full build then shows it."""
        if self._renderer is None:
            self._renderer = StaticRenderer(BookState(self.root).render, workers=1)
        started = time.perf_counter()
        try:
            page = render_page(self.root, rel, self._renderer)
        except NotQuick:
            return False
        except Exception as exc:  # noqa: BLE001 - the full build that follows reports it
            self.log(f"note: {rel} could not be made alone ({type(exc).__name__}: {exc})")
            return False
        if seen is not None and snapshot_of(self.root / rel) != seen:
            return False
        with self.state.lock:
            self.state.overlay = page.files
            self.state.fetched.clear()
            self._shown_to = self.state.waiting  # before the announcement wakes them
            self.state.announce([page.href])
        self.log(f"{rel}: shown in {time.perf_counter() - started:.2f} s; building the book")
        return True

    def rebuild(self) -> None:
        """Build once; record success or the error for the pages to show."""
        try:
            report = build(self.root, log=lambda line: None)
        except Exception as exc:  # noqa: BLE001 - any failure is shown, and watching goes on
            message = str(exc) if isinstance(exc, BuildError | ConfigError) else (
                f"the build stopped unexpectedly: {type(exc).__name__}: {exc}")
            with self.state.lock:
                self.state.error = message
                # The last good site, whole: a page shown made alone goes back to it.
                shown = [name for name in self.state.overlay if name.endswith(".html")]
                self.state.overlay = {}
                self.state.announce(shown)
            self.log(f"rebuild failed:\n{exc}")
            return
        live = self.output.resolve()
        with self.state.lock:
            same = [name for name, data in self.state.overlay.items()
                    if name.endswith(".html") and _holds(live / name, data)]
            self.state.overlay = {}
            self.state.error = None
            self.state.build += 1
            self.state.announce(None, same)
        self.log(report.summary().splitlines()[-1])

    def _let_it_load(self) -> None:
        """Hold the full build back while the pages that wait reload the page made alone."""
        if self._shown_to and self.state.fetched.wait(SHOWN_SECONDS):
            time.sleep(ASSETS_SECONDS)

    def _warm(self) -> None:
        """Make the first page alone once and drop it: the first edit then finds pandoc
        running, the template compiled and the book's numbering at hand."""
        try:
            pages = load_config(self.root).pages
            if pages and self._renderer is None:
                self._renderer = StaticRenderer(BookState(self.root).render, workers=1)
            if pages:
                render_page(self.root, pages[0], self._renderer)
        except Exception:  # noqa: BLE001, S110 - warming up is only ever a saving
            pass

    def changed_page(self, changed: set[str]) -> str | None:
        """The page whose source is the only file changed, if that is what changed."""
        if len(changed) != 1:
            return None
        (name,) = changed
        try:
            pages = load_config(self.root).pages
        except ConfigError:
            return None
        rel = Path(name).as_posix()
        return rel if rel in pages and (self.root / rel).is_file() else None

    def watch(self, last: dict[str, float] | None = None) -> None:
        """Poll the sources; rebuild once changes have settled (compared with `last`, the
        sources as they were when the last build began)."""
        last = snapshot(self.root, self.output_dir) if last is None else last
        watcher = Watcher(str(self.root), lambda parent, name: name not in IGNORED_DIRS and not (
            parent == str(self.root) and name == self.output_dir))
        self._warm()
        self.watching.set()
        try:
            while not self._stop.is_set():
                # With inotify a change wakes the watcher at once (and a look each second
                # catches what inotify cannot see); without it, a poll.
                watcher.wait(1.0 if watcher.live else POLL_SECONDS)
                now = snapshot(self.root, self.output_dir)
                if now == last:
                    continue
                changed = {k for k in now.keys() | last.keys() if now.get(k) != last.get(k)}
                page = self.changed_page(changed)
                if page is not None and self.quick(page, now[page]):  # shown at once
                    self._let_it_load()
                while not self._stop.is_set():  # wait for the edits to settle
                    time.sleep(SETTLE_SECONDS)
                    settled = snapshot(self.root, self.output_dir)
                    if settled == now:
                        break
                    now = settled
                last = now
                self.rebuild()
        finally:
            watcher.close()

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
        """Stop serving and watching."""
        self._stop.set()
        with self.state.lock:
            self.state.changed.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        if self._renderer is not None:
            self._renderer.close()


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
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            seen = query.get("seq", [""])[0]
            body = (self.preview.state.wait_json(int(seen)) if seen.isdigit()
                    else self.preview.state.as_json())
            self._send(body, "application/json")
            return
        if self.path.split("?")[0] == RELOAD_PATH:
            self._send(RELOAD_JS, "text/javascript; charset=utf-8")
            return
        local = Path(self.translate_path(self.path))
        if local.is_dir():
            local = local / "index.html"
        served = self._overlaid(local)
        if served is not None and local.suffix == ".html":
            self.preview.state.fetched.set()
        if served is not None and local.suffix != ".html":
            self._send(served, self.guess_type(str(local)))
            return
        if local.suffix == ".html" and (served is not None or local.is_file()):
            html = (served.decode("utf-8") if served is not None else
                    local.read_text(encoding="utf-8"))
            html = html.replace("</body>", RELOAD_SCRIPT + "</body>")
            self._send(html.encode("utf-8"), "text/html; charset=utf-8")
            return
        if not local.exists() and self._not_found():
            return
        super().do_GET()

    def _overlaid(self, local: Path) -> bytes | None:
        """The contents of a file of a page made alone, if `local` is one."""
        try:
            name = local.relative_to(self.preview.output.resolve()).as_posix()
        except ValueError:
            return None
        with self.preview.state.lock:
            return self.preview.state.overlay.get(name)

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


def _holds(path: Path, data: bytes) -> bool:
    """True when the file at `path` holds exactly `data`."""
    try:
        return path.read_bytes() == data
    except OSError:
        return False


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
