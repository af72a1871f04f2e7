"""The no-op publish: decided from file sizes and times, in a process that imports nothing heavy,
and never fooled into keeping a stale site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("nbclient", "jupyter_client", "nbformat", "jinja2", "altair", "pandas", "yaml",
         "vl_convert", "bookengine.build")

PROBE = f"""
import sys
from bookengine.cli import main
status = main(["publish", sys.argv[1]])
print("IMPORTED", ",".join(m for m in {HEAVY!r} if m in sys.modules))
sys.exit(status)
"""


def publish(book: Path) -> tuple[str, list[str]]:
    """Publish in a new process as `python -m bookengine publish` does; the output and which
    heavy modules it imported."""
    proc = subprocess.run([sys.executable, "-c", PROBE, str(book)], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    imported = proc.stdout.rsplit("IMPORTED ", 1)[1].strip()
    return proc.stdout, [m for m in imported.split(",") if m]


def test_noop_imports_nothing_heavy(minibook: Path) -> None:
    out, _ = publish(minibook)
    assert "executed" in out
    out, imported = publish(minibook)
    assert "nothing changed" in out
    assert imported == [], f"a no-op publish imported {imported}"


def test_touched_but_unchanged_is_still_a_noop(minibook: Path) -> None:
    publish(minibook)
    growth = minibook / "data" / "growth.csv"
    os.utime(growth, ns=(growth.stat().st_atime_ns, growth.stat().st_mtime_ns + 10**9))
    out, imported = publish(minibook)
    assert "nothing changed" in out and imported == []


def test_every_kind_of_change_leaves_the_fast_path(minibook: Path) -> None:
    publish(minibook)
    # Same size, new content: a data file a page read with plain pandas.
    prices = minibook / "data" / "prices.csv"
    text = prices.read_text()
    prices.write_text(text.replace("1", "2", 1) if "1" in text else text.replace("a", "b", 1))
    out, imported = publish(minibook)
    assert "nothing changed" not in out and "executed chapters/beta.qmd" in " ".join(out.split())
    assert "bookengine.build" in imported

    # A module added to the library.
    (minibook / "lib" / "minilib" / "extra.py").write_text("X = 1\n")
    out, _ = publish(minibook)
    assert "nothing changed" not in out

    # A page edited.
    gamma = minibook / "chapters" / "gamma.qmd"
    gamma.write_text(gamma.read_text() + "\nOne more sentence.\n")
    out, _ = publish(minibook)
    assert "nothing changed" not in out
    assert "One more sentence." in (minibook / "site" / "chapters" / "gamma.html").read_text()

    # A YAML file added beside _quarto.yml.
    (minibook / "_metadata.yml").write_text("lang: en\n")
    out, _ = publish(minibook)
    assert "nothing changed" not in out

    # The live site pointed elsewhere.
    out, _ = publish(minibook)
    assert "nothing changed" in out
    site = minibook / "site"
    site.unlink()
    out, _ = publish(minibook)
    assert "nothing changed" not in out and (site / "index.html").is_file()
