"""Time limits that work, and no process outlives its build, even one killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest
from bookengine.build import build
from bookengine.core.lifeline import remove_orphaned_temp_dirs
from bookengine.core.report import BuildError

from tests.conftest import REPO, tree_hash

LOOP = "```{python}\nwhile True:\n    pass\n```\n"


def _engine_processes(owner: int) -> list[psutil.Process]:
    """Kernels, launchers and fork servers started by the build process `owner`."""
    markers = (f"book-kernel-{owner}-", f"book-fork-{owner}-")
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        cmd = " ".join(proc.info.get("cmdline") or [])
        if any(m in cmd for m in markers):
            found.append(proc)
    return found


def _command(proc: psutil.Process) -> str:
    try:
        return " ".join(proc.cmdline())
    except psutil.Error:
        return f"(pid {proc.pid}, gone)"


def _running(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _set_engine_options(book: Path, options: str) -> None:
    config = book / "_quarto.yml"
    config.write_text(config.read_text().replace("book-engine:\n", f"book-engine:\n{options}"))


def test_runaway_cell_stops_at_the_time_limit(minibook: Path) -> None:
    build(minibook, log=lambda line: None)
    before = tree_hash(minibook / "site")
    _set_engine_options(minibook, "  timeout: 3\n")
    gamma = minibook / "chapters" / "gamma.qmd"
    gamma.write_text("# Gamma {#sec-gamma}\n\n```{python}\nx = 1\n```\n\n" + LOOP)
    started = time.monotonic()
    with pytest.raises(BuildError) as err:
        build(minibook, log=lambda line: None)
    assert time.monotonic() - started < 60
    assert "chapters/gamma.qmd:7" in str(err.value) and "timed out after 3 s" in str(err.value)
    assert tree_hash(minibook / "site") == before
    assert not _engine_processes(os.getpid())


@pytest.mark.parametrize("preload", [False, True], ids=["fresh-kernels", "fork-server"])
def test_killed_publish_leaves_no_process_behind(minibook: Path, preload: bool) -> None:
    chapters = minibook / "chapters"
    config = minibook / "_quarto.yml"
    text = config.read_text()
    for n in range(4):  # more stale pages than 2 × jobs, so the fork server is used
        (chapters / f"loop{n}.qmd").write_text(f"# Loop {n}\n\n" + LOOP)
        text = text.replace("    - chapters/gamma.qmd\n",
                            f"    - chapters/gamma.qmd\n    - chapters/loop{n}.qmd\n", 1)
    config.write_text(text)
    _set_engine_options(minibook, "  preload: [json]\n" if preload else "")
    proc = subprocess.Popen([sys.executable, "-m", "bookengine", "publish", "--jobs", "1",
                             str(minibook)], cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not any(
                "bookengine.run.kernel" in " ".join(p.cmdline()) or "forkserver" in " ".join(
                    p.cmdline()) for p in _engine_processes(proc.pid)):
            time.sleep(0.2)
        assert _engine_processes(proc.pid), "no kernel started"
        time.sleep(2)  # let the loop cells start
        started = {p: _command(p) for p in psutil.Process(proc.pid).children(recursive=True)}
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    # The chart render workers too (a pool's workers wait on its queue for ever otherwise).
    assert any("multiprocessing" in cmd for cmd in started.values()), started
    time.sleep(2.5)
    left = [cmd for p, cmd in started.items() if _running(p)]
    left += [_command(p) for p in _engine_processes(proc.pid)]
    assert not left, left
    orphaned = [p for p in Path(tempfile.gettempdir()).iterdir()
                if p.name.startswith((f"book-kernel-{proc.pid}-", f"book-fork-{proc.pid}-"))]
    assert orphaned, "the killed build's temporary folders are still there to clean"
    removed = remove_orphaned_temp_dirs()
    assert set(orphaned) <= set(removed)
    assert not any(p.exists() for p in orphaned)


def test_second_publish_says_it_waits(minibook: Path) -> None:
    gamma = minibook / "chapters" / "gamma.qmd"
    gamma.write_text("# Gamma\n\n```{python}\nimport time\ntime.sleep(6)\n```\n")
    first = subprocess.Popen([sys.executable, "-m", "bookengine", "publish", str(minibook)],
                             cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True)
    lock = minibook / ".book" / "lock"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (lock.is_file() and lock.read_text().strip()):
        time.sleep(0.1)
    second = subprocess.run([sys.executable, "-m", "bookengine", "publish", str(minibook)],
                            cwd=REPO, capture_output=True, text=True, timeout=180)
    first.communicate(timeout=180)
    assert first.returncode == 0 and second.returncode == 0
    assert f"waiting for another build of this book to finish (process {first.pid})" in (
        second.stdout)


PARENT_PAGE = """# Parent {#sec-parent}

```{python}
import os, psutil
parent = " ".join(psutil.Process(os.getppid()).cmdline())
```

Kernel parent: `{python} "fork server" if "bookengine.run.forkserver" in parent else parent`.
"""


def _book_temp_dirs(owner: int) -> list[Path]:
    return [p for p in Path(tempfile.gettempdir()).iterdir()
            if p.name.startswith((f"book-kernel-{owner}-", f"book-fork-{owner}-"))]


def test_the_command_line_forks_kernels_from_a_server_started_early(minibook: Path) -> None:
    """`publish` starts the fork server before its own imports; the kernels come from it, even
    with no preload list, and it is gone, folder and all, when the publish ends."""
    gamma = minibook / "chapters" / "gamma.qmd"
    gamma.write_text(PARENT_PAGE)
    proc = subprocess.run([sys.executable, "-m", "bookengine", "publish", str(minibook)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    html = (minibook / "site" / "chapters" / "gamma.html").read_text()
    assert "Kernel parent: fork server." in html


def test_a_publish_that_runs_no_kernel_stops_the_early_server(minibook: Path) -> None:
    build(minibook, log=lambda line: None)
    config = minibook / "_quarto.yml"
    config.write_text(config.read_text().replace('"A Small Test Book"', '"A Retitled Book"'))
    proc = subprocess.Popen([sys.executable, "-m", "bookengine", "publish", str(minibook)],
                            cwd=REPO, stdout=subprocess.PIPE, text=True)
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0
    assert "0 executed" in out
    assert "A Retitled Book" in (minibook / "site" / "index.html").read_text()
    assert not _book_temp_dirs(proc.pid)
    assert not _engine_processes(proc.pid)


def test_a_fork_server_still_importing_is_stopped_at_once(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Stopping a server before it listens ends it; it does not wait out the stop timeout."""
    from bookengine.run.forkserver import ForkServer

    (tmp_path / "slow_module.py").write_text("import time\ntime.sleep(60)\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    server = ForkServer(["slow_module"])
    time.sleep(1)
    assert server.proc.poll() is None and not os.path.exists(server.path)
    started = time.monotonic()
    server.stop()
    assert server.proc.returncode == -signal.SIGKILL
    assert time.monotonic() - started < 4  # the stop timeout is 5 s
    assert not Path(server.path).parent.exists()


def test_kernel_channels_retry_a_refused_connection_quickly(tmp_path: Path) -> None:
    """The client connects before the new kernel binds its sockets; each of its channels must
    try again after a few milliseconds, not after ZeroMQ's default 0.1 s."""
    import zmq
    from bookengine.run.kernelclient import RECONNECT_MS, QuickReadyClient

    client = QuickReadyClient(transport="ipc", ip=str(tmp_path / "k"), shell_port=1,
                              iopub_port=2, stdin_port=3, control_port=4, hb_port=5)
    sockets = [client.connect_shell(), client.connect_iopub(), client.connect_stdin(),
               client.connect_control()]
    try:
        plain = zmq.Context()
        assert plain.socket(zmq.DEALER).getsockopt(zmq.RECONNECT_IVL) == 100  # ZeroMQ's default
        plain.destroy(linger=0)
        for sock in sockets:
            assert sock.getsockopt(zmq.RECONNECT_IVL) == RECONNECT_MS
    finally:
        for sock in sockets:
            sock.close(linger=0)
        client.context.term()


def test_executing_pages_again_and_again_keeps_no_kernel_channels(tmp_path: Path) -> None:
    """A long-running process (the preview) executes pages over and over: each page's kernel
    client must close its channels, their thread and their sockets, when the page ends."""
    import gc
    import threading

    from bookengine.run.execute import execute
    from bookengine.source.qmd import parse

    page = tmp_path / "page.qmd"
    page.write_text("# Page\n\n```{python}\nprint(6 * 7)\n```\n")
    doc = parse(page, "page.qmd", tmp_path)

    def run() -> tuple[int, int]:
        result = execute(doc, tmp_path, tmp_path)
        assert result.failure is None and "42" in str(result.outputs)
        gc.collect()
        return len(os.listdir("/proc/self/fd")), threading.active_count()

    first = run()
    assert [run() for _ in range(3)] == [first] * 3
