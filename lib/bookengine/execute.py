"""Run a page's cells and inline expressions in a fresh Jupyter kernel.

The notebook handed to nbclient is: a bootstrap cell (audit hook recording every file opened,
Altair's `mimetype` renderer, the project directory in `QUARTO_PROJECT_DIR`), then the page's
cells with one small cell per inline expression placed where the expression stands, then a cell
reporting the files opened. Execution returns a result object, never raises.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from traitlets import Type, Unicode

from bookengine import lifeline
from bookengine.kernelclient import QuickReadyClient
from bookengine.notebooks import cell_outputs, strip_ansi
from bookengine.pageoptions import html_format
from bookengine.qmd import Cell, Document, Markdown

INLINE_MIME = "application/x-book-inline+json"
OPENED_MIME = "application/x-book-opened+json"
CELL_TIMEOUT = 300
"""Seconds a cell may run before the page fails (`book-engine: timeout:` overrides it)."""
MAX_OUTPUT_BYTES = 10_000_000
"""The largest output one cell may produce (its MIME data, summed)."""


KERNEL_OPTIONS = ("--HistoryManager.enabled=False",)
"""IPython options of every page's kernel: no history database (`In` and `Out` still work)."""


class BookClient(NotebookClient):
    """nbclient's client, running the engine's own cells outside the kernel's history, so that a
    page's cells are numbered `In [1]`, `In [2]`, … in tracebacks as under Quarto."""

    async def async_execute_cell(self, cell: Any, cell_index: int,
                                 execution_count: int | None = None,
                                 store_history: bool = True) -> Any:
        own = bool(cell.metadata.get(ENGINE_CELL))
        return await super().async_execute_cell(cell, cell_index, execution_count,
                                                store_history and not own)


ENGINE_CELL = "book-engine-cell"


class BookKernelManager(AsyncKernelManager):
    """An IPython kernel that ends with its build (see `bookengine.kernel`).

    Asynchronous, so that nbclient's cell timeout fires even while a cell never yields.
    """

    client_factory = Type(klass=QuickReadyClient)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        return [sys.executable, "-m", "bookengine.kernel", "-f", self.connection_file,
                *KERNEL_OPTIONS]

    async def _async_wait(self, pollinterval: float = 0.01) -> None:
        """Jupyter's wait for the kernel's exit, looking every 0.01 s, not every 0.1 s (a page's
        kernel is shut down at the end of every page)."""
        await super()._async_wait(pollinterval=min(pollinterval, 0.01))


class ForkedKernelManager(BookKernelManager):
    """A kernel forked from a running fork server (`bookengine.forkserver`)."""

    socket_path = Unicode("")

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        return [sys.executable, "-m", "bookengine.forklaunch", self.socket_path,
                self.connection_file, *KERNEL_OPTIONS]

BOOTSTRAP = r"""
import os as __os, sys as __sys
__book_opened = set()
def __book_audit(event, args, _opened=__book_opened, _fspath=__os.fspath,
                 _abspath=__os.path.abspath):
    if event == "open" and args and isinstance(args[0], (str, bytes, __os.PathLike)):
        try:
            path = _fspath(args[0])
            if isinstance(path, bytes):
                path = path.decode("utf-8", "replace")
            _opened.add(_abspath(path))
        except Exception:
            pass
__sys.addaudithook(__book_audit)
__os.environ["QUARTO_PROJECT_DIR"] = __ROOT__
__os.environ["QUARTO_DOCUMENT_PATH"] = __DOC__
try:
    import altair as __alt
    __alt.renderers.enable("mimetype")
    def __book_mimetype(spec, _base=__alt.renderers.get(), **kwargs):
        # Altair's mimetype bundle, with the spec as JSON text so nbformat accepts the
        # non-"+json" media type it uses.
        import json
        bundle = _base(spec, **kwargs)
        data, meta = bundle if isinstance(bundle, tuple) else (bundle, {})
        return {k: (json.dumps(v) if isinstance(v, dict) else v) for k, v in data.items()}, meta
    __alt.renderers.register("book-mimetype", __book_mimetype)
    __alt.renderers.enable("book-mimetype")
    def __book_max_rows(limit, _alt=__alt):
        _alt.data_transformers.enable(_alt.data_transformers.active, max_rows=limit)
except ImportError:
    def __book_max_rows(limit):
        pass
try:
    # Quarto's matplotlib defaults for HTML (7 × 5 in at 96 dpi, drawn twice as dense), set in
    # the inline backend's configuration so that pages without matplotlib do not import it.
    __cfg = get_ipython().config.InlineBackend
    __cfg.figure_formats = {__FIG_FORMAT__}
    __cfg.rc = {"figure.figsize": (__FIG_WIDTH__, __FIG_HEIGHT__), "figure.dpi": __FIG_DPI__}
except Exception:
    pass
def __book_inline(value):
    from IPython.display import display
    display({"__INLINE_MIME__": {"text": str(value)}}, raw=True)
""".replace("__INLINE_MIME__", INLINE_MIME)

REPORT = """
from IPython.display import display as __display
__display({"__OPENED_MIME__": sorted(__book_opened)}, raw=True)
""".replace("__OPENED_MIME__", OPENED_MIME)


@dataclass
class CellFailure:
    """Where and how a page failed: the source line and the exception text."""

    line: int
    what: str
    error: str

    def describe(self, rel: str) -> str:
        return f"{rel}:{self.line}: {self.what} failed:\n{self.error}"


@dataclass
class ExecResult:
    """The outcome of executing one page."""

    outputs: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    """Cell index → outputs (each `{"type", "mime", "data"}`)."""
    inlines: dict[int, str] = field(default_factory=dict)
    """Inline index → its value's text."""
    opened: list[str] = field(default_factory=list)
    seconds: float = 0.0
    failure: CellFailure | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None

    def to_json(self) -> dict:
        return {"outputs": {str(k): v for k, v in self.outputs.items()},
                "inlines": {str(k): v for k, v in self.inlines.items()}}

    @classmethod
    def from_json(cls, raw: dict) -> ExecResult:
        return cls(outputs={int(k): v for k, v in raw["outputs"].items()},
                   inlines={int(k): v for k, v in raw["inlines"].items()})


def figure_defaults(options: dict[str, Any]) -> dict[str, Any]:
    """`fig-width`, `fig-height`, `fig-dpi` and `fig-format` among the options in force on a page
    (`Document.options`), with Quarto's HTML defaults: 7 × 5 in, 96 dpi, retina."""

    def pick(key: str, default: Any) -> Any:
        value = options.get(key, default)
        return value if isinstance(value, int | float | str) else default

    def number(key: str, default: float) -> float:
        try:
            return float(pick(key, default))
        except ValueError:
            return default

    fmt_name = str(pick("fig-format", "retina"))
    return {"WIDTH": number("fig-width", 7), "HEIGHT": number("fig-height", 5),
            "DPI": number("fig-dpi", 96),
            "FORMAT": fmt_name if fmt_name in ("retina", "png", "svg", "jpeg", "pdf") else "retina"}


def build_notebook(doc: Document, root: Path, large_charts: tuple[str, ...] = ()
                   ) -> tuple[nbformat.NotebookNode, list[tuple]]:
    """Turn a page into a notebook; return it and what each notebook cell stands for.

    Altair's limit of 5,000 rows per chart holds, except around the cells whose label is in
    `large_charts`.
    """
    nb = nbformat.v4.new_notebook()
    roles: list[tuple] = [("bootstrap",)]
    own = {ENGINE_CELL: True}
    # Outside a build (no project options merged in): the page's own, its format's over them.
    figure = figure_defaults(doc.options or {**doc.front, **html_format(doc.front)})
    bootstrap = BOOTSTRAP.replace("__ROOT__", repr(str(root))).replace("__DOC__",
                                                                      repr(str(doc.path)))
    for key, value in figure.items():
        bootstrap = bootstrap.replace(f"__FIG_{key}__", repr(value))
    nb.cells.append(nbformat.v4.new_code_cell(bootstrap, metadata=own))
    pending: list = []  # inline expressions since the last code cell: one notebook cell for all

    def flush_inlines() -> None:
        if pending:
            nb.cells.append(nbformat.v4.new_code_cell(
                "\n".join(f"__book_inline(({inline.expr}\n))" for inline in pending)))
            roles.append(("inlines", list(pending)))
            pending.clear()

    for block in doc.blocks:
        if isinstance(block, Cell):
            if not block.executes:  # eval: false, stored outputs, diagrams
                continue
            flush_inlines()
            large = block.label in large_charts
            if large:
                nb.cells.append(nbformat.v4.new_code_cell("__book_max_rows(None)", metadata=own))
                roles.append(("engine",))
            nb_cell = nbformat.v4.new_code_cell(block.code)
            if block.options.get("error") is True:
                # Quarto's `error: true`: the traceback becomes the cell's output, the page goes on.
                nb_cell.metadata["tags"] = ["raises-exception"]
            nb.cells.append(nb_cell)
            roles.append(("cell", block))
            if large:
                nb.cells.append(nbformat.v4.new_code_cell("__book_max_rows(5000)", metadata=own))
                roles.append(("engine",))
        elif isinstance(block, Markdown):
            pending.extend(block.inlines)
    flush_inlines()
    nb.cells.append(nbformat.v4.new_code_cell(REPORT, metadata=own))
    roles.append(("report",))
    return nb, roles


def execute(doc: Document, root: Path, cwd: Path, kernel: str = "python3",
            fork_socket: str | None = None, timeout: int = CELL_TIMEOUT,
            large_charts: tuple[str, ...] = ()) -> ExecResult:
    """Execute a page's cells and inline expressions in document order.

    With `fork_socket`, the kernel is forked from a running fork server (see `forkserver`). A
    cell that runs longer than `timeout` seconds fails the page, and the kernel's whole process
    group is killed.
    """
    nb, roles = build_notebook(doc, root, large_charts)
    started = time.perf_counter()
    result = ExecResult()
    env = {**os.environ, "QUARTO_PROJECT_DIR": str(root), "BOOK_PARENT_PID": str(os.getpid())}
    with lifeline.temp_dir("kernel") as sockets:
        for attempt in range(2):
            # Unix sockets, not TCP ports: no port races between kernels started together.
            manager = (ForkedKernelManager if fork_socket and attempt == 0
                       else BookKernelManager)
            km = manager(kernel_name=kernel, transport="ipc", ip=f"{sockets}/k{attempt}",
                         connection_file=f"{sockets}/kernel-{attempt}.json")
            if manager is ForkedKernelManager:
                km.socket_path = fork_socket
            running = [0]

            def note_running(cell: Any, cell_index: int, _running: list = running) -> None:
                _running[0] = cell_index

            client = BookClient(nb, km=km, timeout=timeout, allow_errors=False,
                                    startup_timeout=120, on_cell_execute=note_running,
                                    resources={"metadata": {"path": str(cwd)}})
            try:
                client.execute(env=env)
            except CellTimeoutError:
                result.failure = _timed_out(nb.cells[running[0]], roles[running[0]], timeout)
            except (CellExecutionError, DeadKernelError) as exc:
                result.failure = _locate_failure(nb, roles, exc)
            except Exception as exc:  # noqa: BLE001 - a kernel that will not start fails the page
                result.failure = CellFailure(1, "starting the kernel",
                                             f"{type(exc).__name__}: {exc}")
                if attempt == 0 and not any(c.get("outputs") for c in nb.cells):
                    result.failure = None
                    continue
            finally:
                if km.has_kernel:
                    run_sync(km.shutdown_kernel)(now=True)
                # nbclient stops only the channels of a kernel it started itself; left running,
                # each page's channels and ZeroMQ context (a thread and its sockets) would outlive
                # the page, for as long as a preview runs.
                if client.kc is not None:
                    client.kc.stop_channels()
            break
    result.seconds = time.perf_counter() - started
    if result.failure:
        return result
    for nb_cell, role in zip(nb.cells, roles, strict=True):
        if role[0] == "cell":
            result.outputs[role[1].index] = cell_outputs(nb_cell.outputs)
            size = _output_bytes(result.outputs[role[1].index])
            if size > MAX_OUTPUT_BYTES:
                result.failure = CellFailure(
                    role[1].line, f"cell starting at line {role[1].line}",
                    f"its output is {size / 1e6:.1f} MB; the limit is "
                    f"{MAX_OUTPUT_BYTES / 1e6:.0f} MB per cell (plot or print less)")
                result.outputs = {}
                return result
        elif role[0] == "inlines":
            texts = _inline_texts(nb_cell)
            for k, inline in enumerate(role[1]):
                result.inlines[inline.index] = texts[k] if k < len(texts) else ""
        elif role[0] == "report":
            for o in nb_cell.outputs:
                if OPENED_MIME in o.get("data", {}):
                    result.opened = list(o["data"][OPENED_MIME])
    return result


def _output_bytes(outputs: list[dict[str, Any]]) -> int:
    total = 0
    for out in outputs:
        for value in [out.get("text", ""), *(out.get("data") or {}).values()]:
            total += len(value.encode("utf-8", "replace")) if isinstance(value, str) else len(
                json.dumps(value))
    return total


def _inline_texts(nb_cell: nbformat.NotebookNode) -> list[str]:
    """The values an inline-expression cell has shown so far, in order."""
    return [o["data"][INLINE_MIME]["text"] for o in nb_cell.get("outputs", [])
            if o.get("output_type") == "display_data" and INLINE_MIME in o.get("data", {})]


def _running_inline(nb_cell: nbformat.NotebookNode, inlines: list) -> Any:
    """The inline expression of a batch that was running: the one after the last value shown."""
    return inlines[min(len(_inline_texts(nb_cell)), len(inlines) - 1)]


def _source_of(nb_cell: nbformat.NotebookNode, role: tuple) -> tuple[int, str] | None:
    """The source line and name of what a notebook cell was running: a page's cell or one of
    its inline expressions; None for the engine's own cells."""
    if role[0] == "cell":
        return role[1].line, f"cell starting at line {role[1].line}"
    if role[0] == "inlines":
        inline = _running_inline(nb_cell, role[1])
        return inline.line, f"inline expression `{inline.expr}`"
    return None


def _timed_out(nb_cell: nbformat.NotebookNode, role: tuple, timeout: int) -> CellFailure:
    """The failure of the cell (or inline expression) that was running at the time limit."""
    source = _source_of(nb_cell, role)
    if source is None:
        return CellFailure(1, "the engine's own cell", f"timed out after {timeout} s")
    return CellFailure(*source, f"timed out after {timeout} s")


def _locate_failure(nb: nbformat.NotebookNode, roles: list[tuple], exc: Exception) -> CellFailure:
    for nb_cell, role in zip(nb.cells, roles, strict=True):
        errors = [o for o in nb_cell.get("outputs", []) if o.get("output_type") == "error"]
        if not errors or "raises-exception" in nb_cell.metadata.get("tags", []):
            continue
        err = errors[0]
        text = f"{err.get('ename')}: {err.get('evalue')}"
        if err.get("ename") == "MaxRowsError":
            text += ("\n(a chart may plot at most 5,000 rows; to allow more for one figure, list "
                     "its label under `book-engine: large-charts:` in _quarto.yml)")
        source = _source_of(nb_cell, role)
        if source is None:
            return CellFailure(1, "the engine's set-up cell", text)
        if role[0] == "cell":
            tb = "\n".join(strip_ansi(t) for t in err.get("traceback", [])[-6:])
            text = f"{text}\n{tb}".strip()
        return CellFailure(*source, text)
    message = str(exc).strip().splitlines()
    return CellFailure(1, "execution", (message[-1] if message else type(exc).__name__))
