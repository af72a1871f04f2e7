"""Run a page's cells and inline expressions in a fresh Jupyter kernel.

The notebook handed to nbclient is: a bootstrap cell (audit hook recording every file opened,
Altair's `mimetype` renderer, the project directory in `QUARTO_PROJECT_DIR`), then the page's
cells with one small cell per inline expression placed where the expression stands, then a cell
reporting the files opened. Execution returns a result object, never raises.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from bookengine.core import lifeline, memorylimit, proctree
from bookengine.core.state import IGNORED_DIRS
from bookengine.run.execresult import CellFailure, ExecResult, figure_defaults
from bookengine.run.forklaunch import PID_SUFFIX
from bookengine.run.kernelmanager import (
    ENGINE_CELL,
    MAX_OUTPUT_BYTES,
    BookClient,
    BookKernelManager,
    ForkedKernelManager,
)
from bookengine.source.document import Cell, Document, Markdown
from bookengine.source.notebooks import cell_outputs, strip_ansi
from bookengine.source.pageoptions import html_format

INLINE_MIME = "application/x-book-inline+json"
OPENED_MIME = "application/x-book-opened+json"
READS_MIME = "application/x-book-reads+json"
CELL_TIMEOUT = 300
"""Seconds a cell may run before the page fails (`book-engine: timeout:` overrides it)."""


BOOTSTRAP = r"""
import os as __os, sys as __sys
__book_opened = set()
__book_reads = {}
def __book_state(path, _os=__os, _stat=__import__("stat")):
    # A project file's state at its first read: its sha256, or "absent" (opened through
    # os.open, which the hook sees as already recorded, so it does not recurse).
    import hashlib
    try:
        fd = _os.open(path, _os.O_RDONLY)
    except FileNotFoundError:
        return "absent"
    try:
        if not _stat.S_ISREG(_os.fstat(fd).st_mode):
            return None
        digest = hashlib.sha256()
        while chunk := _os.read(fd, 1 << 20):
            digest.update(chunk)
        return digest.hexdigest()
    finally:
        _os.close(fd)
def __book_audit(event, args, _opened=__book_opened, _reads=__book_reads, _fspath=__os.fspath,
                 _abspath=__os.path.abspath, _root=__ROOT__ + __os.sep, _skip=__SKIP__,
                 _parts=frozenset(__SKIP_PARTS__), _sep=__os.sep,
                 _writing=__os.O_WRONLY | __os.O_RDWR):
    if event == "open" and args and isinstance(args[0], (str, bytes, __os.PathLike)):
        try:
            path = _fspath(args[0])
            if isinstance(path, bytes):
                path = path.decode("utf-8", "replace")
            path = _abspath(path)
            _opened.add(path)
            if (path in _reads or not path.startswith(_root) or path.startswith(_skip)
                    or not _parts.isdisjoint(path[len(_root):].split(_sep))):
                return
            mode = args[1] if len(args) > 1 else None
            flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
            writes = (any(c in mode for c in "wax+") if isinstance(mode, str)
                      else bool(flags & _writing))
            _reads[path] = "written"  # first: the hash below opens the file again
            if not writes:
                state = __book_state(path)
                if state is None:
                    del _reads[path]
                else:
                    _reads[path] = state
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
__display({"__OPENED_MIME__": sorted(__book_opened), "__READS_MIME__": dict(__book_reads)},
          raw=True)
""".replace("__OPENED_MIME__", OPENED_MIME).replace("__READS_MIME__", READS_MIME)


def build_notebook(doc: Document, root: Path, large_charts: tuple[str, ...] = (),
                   unhashed: tuple[str, ...] = ()) -> tuple[nbformat.NotebookNode, list[tuple]]:
    """Turn a page into a notebook; return it and what each notebook cell stands for.

    Altair's limit of 5,000 rows per chart holds, except around the cells whose label is in
    `large_charts`. The audit hook hashes each project file at its first read, except those
    under the folders `unhashed` names (absolute paths: the library, the output) and under
    the folders no page's inputs are in (`.venv`, `.book`, `__pycache__`, …).
    """
    nb = nbformat.v4.new_notebook()
    roles: list[tuple] = [("bootstrap",)]
    own = {ENGINE_CELL: True}
    # Outside a build (no project options merged in): the page's own, its format's over them.
    figure = figure_defaults(doc.options or {**doc.front, **html_format(doc.front)})
    skip = tuple(str(Path(p)) + os.sep for p in unhashed)
    bootstrap = (BOOTSTRAP.replace("__ROOT__", repr(str(root))).replace(
        "__DOC__", repr(str(doc.path))).replace("__SKIP_PARTS__", repr(tuple(sorted(IGNORED_DIRS))))
        .replace("__SKIP__", repr(skip)))
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
            large_charts: tuple[str, ...] = (), memory: int | None = None,
            unhashed: tuple[str, ...] = ()) -> ExecResult:
    """Execute a page's cells and inline expressions in document order.

    With `fork_socket`, the kernel is forked from a running fork server (see `forkserver`). A
    cell that runs longer than `timeout` seconds, or whose output passes `MAX_OUTPUT_BYTES`,
    fails the page; the kernel may use `memory` bytes (`bookengine.core.memorylimit`). When the page
    ends, the kernel and every process below it are ended before this returns. `unhashed`
    names folders whose files the audit hook does not hash as they are read.
    """
    nb, roles = build_notebook(doc, root, large_charts, unhashed)
    started = time.perf_counter()
    result = ExecResult()
    env = {**os.environ, "QUARTO_PROJECT_DIR": str(root), "BOOK_PARENT_PID": str(os.getpid())}
    if memory:
        env[memorylimit.ENV] = str(memory)
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
                if client.overflow is not None:
                    result.failure = _over_limit(nb, roles, *client.overflow)
                else:
                    result.failure = _locate_failure(nb, roles, exc, running[0], memory)
            except Exception as exc:  # noqa: BLE001 - a kernel that will not start fails the page
                result.failure = CellFailure(1, "starting the kernel",
                                             f"{type(exc).__name__}: {exc}")
                if attempt == 0 and not any(c.get("outputs") for c in nb.cells):
                    result.failure = None
                    continue
            finally:
                _end_kernel_tree(km)  # with whatever its cells started, before the shutdown
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
                result.failure = _output_failure(role[1].line, f"is {size / 1e6:.1f} MB")
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
                if READS_MIME in o.get("data", {}):
                    result.reads = dict(o["data"][READS_MIME])
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


def _output_failure(line: int, size: str) -> CellFailure:
    return CellFailure(line, f"cell starting at line {line}",
                       f"its output {size}; the limit is {MAX_OUTPUT_BYTES / 1e6:.0f} MB per "
                       "cell (plot or print less)")


def _over_limit(nb: nbformat.NotebookNode, roles: list[tuple], index: int,
                size: int) -> CellFailure:
    """The failure of a cell stopped when its output passed the limit, as it streamed."""
    source = _source_of(nb.cells[index], roles[index])
    line = source[0] if source else 1
    return _output_failure(line, f"passed {size / 1e6:.1f} MB while the cell ran, and the "
                           "cell was stopped")


def _kernel_pid(km: AsyncKernelManager) -> int | None:
    """The kernel's process id: the process Jupyter started, or for a forked kernel the one its
    launcher recorded."""
    if isinstance(km, ForkedKernelManager):
        try:
            with open(km.connection_file + PID_SUFFIX, encoding="ascii") as fh:
                return int(fh.read())
        except (OSError, ValueError):
            return None
    return getattr(km.provisioner, "pid", None) if km.provisioner is not None else None


def _end_kernel_tree(km: AsyncKernelManager) -> None:
    """End the kernel and every process below it (a kernel adopts its cells' orphans)."""
    pid = _kernel_pid(km)
    if pid is not None and km.has_kernel:
        proctree.kill_tree(pid)


def _memory_hint(memory: int | None) -> str:
    if not memory:
        return ""
    return (f"\n(each page's kernel may use {memorylimit.shown(memory)}: the memory limit of "
            f"{memorylimit.shown(memory)} per kernel; to allow more, raise `book-engine: "
            "memory:` in _quarto.yml)")


def _locate_failure(nb: nbformat.NotebookNode, roles: list[tuple], exc: Exception,
                    running: int = 0, memory: int | None = None) -> CellFailure:
    for nb_cell, role in zip(nb.cells, roles, strict=True):
        errors = [o for o in nb_cell.get("outputs", []) if o.get("output_type") == "error"]
        if not errors or "raises-exception" in nb_cell.metadata.get("tags", []):
            continue
        err = errors[0]
        text = f"{err.get('ename')}: {err.get('evalue')}"
        if err.get("ename") == "MaxRowsError":
            text += ("\n(a chart may plot at most 5,000 rows; to allow more for one figure, list "
                     "its label under `book-engine: large-charts:` in _quarto.yml)")
        if err.get("ename") == "MemoryError":
            text += _memory_hint(memory)
        source = _source_of(nb_cell, role)
        if source is None:
            return CellFailure(1, "the engine's set-up cell", text)
        if role[0] == "cell":
            tb = "\n".join(strip_ansi(t) for t in err.get("traceback", [])[-6:])
            text = f"{text}\n{tb}".strip()
        return CellFailure(*source, text)
    if isinstance(exc, DeadKernelError) and 0 < running < len(nb.cells):
        source = _source_of(nb.cells[running], roles[running])
        if source is not None:  # a cell that ended its kernel: os._exit, a crash, no memory
            return CellFailure(*source, "the kernel died while it ran (its process ended: "
                               "the cell exited it, it crashed, or it ran out of memory)"
                               + _memory_hint(memory))
    message = str(exc).strip().splitlines()
    return CellFailure(1, "execution", (message[-1] if message else type(exc).__name__))
