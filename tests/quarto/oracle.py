"""Rendering a project with real Quarto (`../shared/quarto`) and with the engine, each on its
own copy (both write into the project), with Quarto's renders kept by content hash."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
QUARTO_DIR = REPO.parent / "shared" / "quarto"
QUARTO = QUARTO_DIR / "quarto"
SETUP = QUARTO_DIR / "setup.sh"
CACHE = Path(os.environ.get("BOOK_QUARTO_CACHE")
             or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
             / "bookengine-quarto-renders")
IGNORED = {".book", "_book", "_site", "site", ".quarto", "_freeze", "__pycache__", ".venv",
           ".git", ".pytest_cache", ".ruff_cache", "book.pdf"}


class RenderFailed(Exception):
    """A renderer exited with an error; `log` holds what it printed."""

    def __init__(self, who: str, log: str):
        self.log = log
        super().__init__(f"{who} failed:\n{log[-4000:]}")


@dataclass
class Render:
    """One render of a project: where its pages are and what the renderer printed."""

    site: Path
    log: str
    seconds: float = 0.0


def available() -> bool:
    """True when real Quarto is beside this checkout."""
    return QUARTO.is_file() and SETUP.is_file()


def tools_prefix() -> Path:
    return Path(os.environ.get("QUARTO_TOOLS_PREFIX") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "quarto-1.10.18-tools")


def ensure_tools() -> None:
    """Run Quarto's set-up (idempotent: a second run only checks stamps)."""
    subprocess.run(["bash", str(SETUP), str(tools_prefix())], check=True,
                   stdout=subprocess.DEVNULL)


def tree_hash(src: Path) -> str:
    """A hash of every file of the project a render reads."""
    digest = hashlib.sha256()
    for path in sorted(_files(src)):
        digest.update(path.relative_to(src).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _files(src: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames[:] = [d for d in dirnames if d not in IGNORED]
        out += [Path(dirpath) / f for f in filenames]
    return out


def copy_project(src: Path, dest: Path) -> Path:
    """Copy a project's sources (not its outputs or state) to `dest`."""
    shutil.copytree(src, dest, ignore=lambda d, names: [n for n in names if n in IGNORED])
    return dest


def output_dir(project: Path) -> Path:
    """Where Quarto writes a project's pages: `project.output-dir`, else `_book` for a book,
    `_site` for a website, beside the sources for a default project."""
    config = next((project / n for n in ("_quarto.yml", "_quarto.yaml")
                   if (project / n).is_file()), None)
    raw = yaml.safe_load(config.read_text(encoding="utf-8")) if config else {}
    proj = (raw or {}).get("project") or {}
    if proj.get("output-dir"):
        return project / str(proj["output-dir"])
    return project / {"book": "_book", "website": "_site"}.get(proj.get("type"), ".")


def quarto_render(src: Path, python: str = sys.executable) -> Render:
    """Real Quarto's render of `src` (`quarto render COPY --to html`), reused while the
    project's files, the Python environment and Quarto are unchanged."""
    key = hashlib.sha256(f"{tree_hash(src)}:{python}:{_env_key(python)}".encode()).hexdigest()
    done = CACHE / key[:24]
    if (done / "ok").is_file():
        return Render(done / "site", (done / "log.txt").read_text(encoding="utf-8"),
                      float((done / "ok").read_text() or 0))
    ensure_tools()
    with tempfile.TemporaryDirectory(prefix="quarto-render-") as tmp:
        work = copy_project(src, Path(tmp) / src.name)
        env = {**os.environ, "QUARTO_TOOLS_PREFIX": str(tools_prefix()), "QUARTO_PYTHON": python,
               "PYTHONPATH": os.pathsep.join(filter(None, [str(work / "lib"),
                                                           os.environ.get("PYTHONPATH")]))}
        import time

        started = time.perf_counter()
        proc = subprocess.run([str(QUARTO), "render", ".", "--to", "html"], cwd=work, env=env,
                              capture_output=True, text=True, timeout=1800)
        seconds = time.perf_counter() - started
        log = proc.stdout + proc.stderr
        if proc.returncode != 0:
            raise RenderFailed(f"quarto render {src}", log)
        shutil.rmtree(done, ignore_errors=True)
        done.mkdir(parents=True)
        out = output_dir(work)
        if out == work:
            shutil.copytree(work, done / "site")
        else:
            shutil.copytree(out, done / "site")
        (done / "log.txt").write_text(log, encoding="utf-8")
        (done / "ok").write_text(f"{seconds:.2f}")
    return Render(done / "site", log, seconds)


def _env_key(python: str) -> str:
    """The Python environment's installed packages, so a changed lock re-renders."""
    locks = sorted((REPO / "requirements").glob("*.lock"))
    if not locks:
        return python
    return hashlib.sha256(b"".join(p.read_bytes() for p in locks)).hexdigest()[:16]


def engine_render(src: Path, work: Path) -> Render:
    """The engine's build of a copy of `src` in `work` (`bookengine publish`)."""
    import time

    project = copy_project(src, work)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "bookengine", "publish", str(project)],
                          capture_output=True, text=True, timeout=1800)
    seconds = time.perf_counter() - started
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise RenderFailed(f"bookengine publish {src}", log)
    from bookengine.source.config_load import load_config

    return Render(load_config(project).output_path.resolve(), log, seconds)
