"""Bounded cells: a memory limit per kernel, an output limit applied while output streams, and
no process a cell starts outliving its kernel, in its own session or double-forked (issue 22,
faults 4 and 5)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from bookengine.core.report import BuildError

from tests.conftest import REPO, quiet_build


def _set_engine_options(book: Path, options: str) -> None:
    config = book / "_quarto.yml"
    config.write_text(config.read_text().replace("book-engine:\n", f"book-engine:\n{options}"))


GREEDY = """# Gamma {#sec-gamma}

```{python}
x = 1
```

```{python}
blocks = []
for _ in range(20):  # 5 GB at most, so that an unbounded kernel stops of itself
    blocks.append(bytearray(256 * 1024 * 1024))
```
"""


def test_a_kernel_that_grows_past_its_memory_limit_fails_its_cell(minibook: Path) -> None:
    _set_engine_options(minibook, "  memory: 2 GB\n")
    (minibook / "chapters" / "gamma.qmd").write_text(GREEDY)
    with pytest.raises(BuildError) as err:
        quiet_build(minibook)
    message = str(err.value)
    assert "chapters/gamma.qmd:7: cell starting at line 7 failed" in message, message
    assert "MemoryError" in message and "memory limit of 2 GB" in message
    assert "book-engine: memory:" in message


def test_the_memory_option_is_checked(minibook: Path) -> None:
    from bookengine.source.config import ConfigError
    from bookengine.source.config_load import load_config

    _set_engine_options(minibook, "  memory: lots\n")
    with pytest.raises(ConfigError, match="book-engine.memory"):
        load_config(minibook)


def test_the_default_memory_limit_is_a_fraction_of_the_machine(minibook: Path) -> None:
    from bookengine.source.config_load import load_config

    limit = load_config(minibook).memory
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert 0 < limit < total


FLOOD = """# Gamma {{#sec-gamma}}

```{{python}}
import pathlib, sys, time
for _ in range(20):
    print("x" * 1_000_000)
sys.stdout.flush()
time.sleep(120)  # stopped at the limit long before this ends
pathlib.Path({marker!r}).write_text("the cell ran on past the limit")
```
"""


def test_the_output_limit_stops_a_cell_while_it_streams(minibook: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran-on"
    _set_engine_options(minibook, "  timeout: 60\n")
    (minibook / "chapters" / "gamma.qmd").write_text(FLOOD.format(marker=str(marker)))
    with pytest.raises(BuildError) as err:
        quiet_build(minibook)
    message = str(err.value)
    assert "chapters/gamma.qmd:3" in message and "limit is 10 MB per cell" in message, message
    assert not marker.exists()


ESCAPING = """# Gamma {{#sec-gamma}}

```{{python}}
import pathlib, subprocess
sync = pathlib.Path({sync!r})
own = subprocess.Popen(["sleep", "600"], start_new_session=True)
(sync / "session.pid").write_text(str(own.pid))
subprocess.run(["sh", "-c", "sleep 600 > /dev/null 2>&1 & echo $! > {sync}/double.pid"],
               check=True)
```
"""


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.mark.parametrize("how", ["in-process", "command-line"])
def test_processes_a_cell_starts_end_with_its_kernel(minibook: Path, tmp_path: Path,
                                                     how: str) -> None:
    """In a new session or double-forked, a cell's processes end before the build does (in the
    command line, kernels are forked from the fork server)."""
    sync = tmp_path / "sync"
    sync.mkdir()
    (minibook / "chapters" / "gamma.qmd").write_text(ESCAPING.format(sync=str(sync)))
    if how == "in-process":
        quiet_build(minibook)
    else:
        done = subprocess.run([sys.executable, "-m", "bookengine", "publish", str(minibook)],
                              cwd=REPO, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    pids = [int((sync / name).read_text()) for name in ("session.pid", "double.pid")]
    try:
        assert [pid for pid in pids if _alive(pid)] == []
    finally:
        for pid in pids:
            if _alive(pid):
                os.kill(pid, 9)


def test_a_cells_process_ends_with_a_kernel_that_times_out(minibook: Path,
                                                             tmp_path: Path) -> None:
    sync = tmp_path / "sync"
    sync.mkdir()
    _set_engine_options(minibook, "  timeout: 5\n")
    (minibook / "chapters" / "gamma.qmd").write_text(
        ESCAPING.format(sync=str(sync)) + "\n```{python}\nwhile True:\n    pass\n```\n")
    with pytest.raises(BuildError, match="timed out after 5 s"):
        quiet_build(minibook)
    pids = [int((sync / name).read_text()) for name in ("session.pid", "double.pid")]
    try:
        assert [pid for pid in pids if _alive(pid)] == []
    finally:
        for pid in pids:
            if _alive(pid):
                os.kill(pid, 9)
