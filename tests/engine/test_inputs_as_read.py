"""Inputs are hashed as they are read: a file edited while its page runs never leaves the old
data published as current, and a file read and then deleted stays an input (issue 22, fault 3).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bookengine.preview.server import PreviewServer

from tests.conftest import REPO

SLOW_PAGE = """# Slow {#sec-slow}

```{python}
import os, pathlib, time
value = pathlib.Path(os.environ["QUARTO_PROJECT_DIR"], "data", "x.csv").read_text().strip()
sync = pathlib.Path(os.environ["BOOK_TEST_SYNC"])
(sync / "read").write_text("")  # the test edits data/x.csv now, then says go
while not (sync / "go").exists():
    time.sleep(0.05)
```

Value: `{python} value`.
"""

DELETING_PAGE = """# Gone {#sec-gone}

```{python}
import os, pathlib
path = pathlib.Path(os.environ["QUARTO_PROJECT_DIR"], "data", "gone.csv")
value = path.read_text().strip()
path.unlink()
```

Value: `{python} value`.
"""


def _add_page(book: Path, name: str, text: str) -> Path:
    (book / "chapters" / f"{name}.qmd").write_text(text)
    config = book / "_quarto.yml"
    config.write_text(config.read_text().replace(
        "    - chapters/gamma.qmd\n", f"    - chapters/gamma.qmd\n    - chapters/{name}.qmd\n"))
    return book / "site" / "chapters" / f"{name}.html"


def _publish(book: Path, sync: Path | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "BOOK_TEST_SYNC": str(sync or book.parent)}
    return subprocess.Popen([sys.executable, "-m", "bookengine", "publish", str(book)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _wait_for(path: Path, proc: subprocess.Popen[str] | None = None) -> None:
    deadline = time.monotonic() + 180
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        assert proc is None or proc.poll() is None, proc.communicate()
        time.sleep(0.05)


def test_an_input_edited_while_its_page_runs_is_not_published_as_current(
        minibook: Path, tmp_path: Path) -> None:
    (minibook / "data" / "x.csv").write_text("old\n")
    page = _add_page(minibook, "slow", SLOW_PAGE)
    sync = tmp_path / "sync"
    sync.mkdir()
    proc = _publish(minibook, sync)
    _wait_for(sync / "read", proc)
    (minibook / "data" / "x.csv").write_text("new\n")
    (sync / "go").write_text("")
    out, err = proc.communicate(timeout=300)
    if proc.returncode == 0:
        assert "Value: new" in page.read_text(), "published the data it read before the edit"
        assert "changed while the page ran" in out
    else:
        assert "data/x.csv changed while the page ran" in err
    after = _publish(minibook, sync)
    out, err = after.communicate(timeout=300)
    assert after.returncode == 0, err
    assert "Value: new" in page.read_text()


def test_a_file_read_then_deleted_stays_an_input(minibook: Path) -> None:
    gone = minibook / "data" / "gone.csv"
    gone.write_text("first\n")
    page = _add_page(minibook, "gone", DELETING_PAGE)
    proc = _publish(minibook)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert "Value: first" in page.read_text() and not gone.exists()
    gone.write_text("second\n")
    proc = _publish(minibook)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert "nothing changed" not in out
    assert "executed chapters/gone.qmd (input changed: data/gone.csv" in " ".join(out.split())
    assert "Value: second" in page.read_text()


def test_preview_does_not_keep_data_edited_while_its_page_ran(
        minibook: Path, tmp_path: Path, monkeypatch) -> None:
    (minibook / "data" / "x.csv").write_text("old\n")
    _add_page(minibook, "slow", SLOW_PAGE)
    sync = tmp_path / "sync"
    sync.mkdir()
    monkeypatch.setenv("BOOK_TEST_SYNC", str(sync))
    server = PreviewServer(minibook, port=0, log=lambda line: None)
    import threading

    starting = threading.Thread(target=server.start)
    starting.start()
    try:
        _wait_for(sync / "read")
        (minibook / "data" / "x.csv").write_text("new\n")
        (sync / "go").write_text("")
        starting.join(timeout=300)
        # The watcher saw the edit: wait for the rebuild it makes, then read what is served.
        deadline = time.monotonic() + 180
        while server.state.build < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        url = f"http://127.0.0.1:{server.port}/chapters/slow.html"
        with urllib.request.urlopen(url, timeout=30) as response:
            html = response.read().decode()
    finally:
        server.stop()
    assert "Value: new" in html
