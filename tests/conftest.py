"""Shared fixtures: copies of the fixture book and of the whole project in temporary folders."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MINIBOOK = REPO / "tests" / "fixtures" / "minibook"
SKIP = shutil.ignore_patterns(".book", "site", "__pycache__", ".venv", ".git", ".pytest_cache",
                              ".ruff_cache", "*.egg-info")


def copy_book(src: Path, dest: Path) -> Path:
    """Copy a book's sources (not its build state or output) to `dest`."""
    shutil.copytree(src, dest, ignore=SKIP, symlinks=False)
    return dest


def tree_hash(path: Path) -> str:
    """One hash over every file's relative path and bytes below `path` (following `site`)."""
    digest = hashlib.sha256()
    base = path.resolve()
    for f in sorted(p for p in base.rglob("*") if p.is_file()):
        digest.update(f.relative_to(base).as_posix().encode())
        digest.update(f.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def minibook(tmp_path: Path) -> Path:
    """A fresh copy of the fixture book."""
    return copy_book(MINIBOOK, tmp_path / "minibook")


@pytest.fixture(autouse=True)
def _no_project_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests choose their own project directory."""
    monkeypatch.delenv("QUARTO_PROJECT_DIR", raising=False)


def quiet_build(book: Path):
    """Build `book` without printing its progress."""
    from bookengine.build import build

    return build(book, log=lambda line: None)


def browser_required() -> bool:
    return bool(os.environ.get("BOOK_REQUIRE_BROWSER") or os.environ.get("CI"))


PROJECT_SKIP = shutil.ignore_patterns(".book", "site", "__pycache__", ".venv", ".git",
                                      ".pytest_cache", ".ruff_cache", "*.egg-info", "tests",
                                      "book.pdf")


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the whole book, published once for the session's whole-book and browser tests."""
    from bookengine.build import build

    dest = tmp_path_factory.mktemp("project") / "book"
    shutil.copytree(REPO, dest, ignore=PROJECT_SKIP)
    build(dest, log=lambda line: None)
    return dest
