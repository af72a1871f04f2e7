"""Where the book's project, its data directory and each data file are."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_MARKER = "_quarto.yml"


def project_root() -> Path:
    """The project directory: `$QUARTO_PROJECT_DIR` if set, else the nearest ancestor of the
    working directory holding `_quarto.yml`."""
    env = os.environ.get("QUARTO_PROJECT_DIR")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / PROJECT_MARKER).is_file():
            return folder
    raise FileNotFoundError(
        f"no {PROJECT_MARKER} in {here} or any parent, and QUARTO_PROJECT_DIR is not set"
    )


def data_dir() -> Path:
    """The project's `data/` directory."""
    return project_root() / "data"


def table_path(name: str) -> Path:
    """The CSV file holding table `name`."""
    return data_dir() / f"{name}.csv"


def sources_path() -> Path:
    """The project's `data/sources.yml`."""
    return data_dir() / "sources.yml"


def display_path(path: Path) -> str:
    """A path as messages show it: relative to the project (`data/x.csv`) where possible."""
    try:
        return path.resolve().relative_to(project_root()).as_posix()
    except (ValueError, FileNotFoundError):
        return str(path)
