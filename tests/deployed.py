"""Three successive versions of the fixture book deployed to a local bare repository.

Each version adds a year to `data/growth.csv` (so the value the Alpha chapter prints and the
plotted data change) and a dated row to the book's changelog; the third also revises a sentence
of the Gamma chapter.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from bookengine.build import build
from bookengine.deploy import deploy

from tests.conftest import MINIBOOK, copy_book

CHANGELOG_HEADER = "date,file,release,rows_added,rows_removed,rows_changed,note,source_id\n"
STEPS = [  # (date of the version, year added to growth.csv or None, value)
    ("2026-02-01", None, None),
    ("2026-03-01", 2024, 10000),
    ("2026-04-01", 2025, 100000),
]


def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          check=True).stdout


def branch_blobs(remote: Path, prefix: str = "", ref: str = "gh-pages") -> dict[str, str]:
    """path → blob id of every file on the branch (under `prefix`)."""
    out = git("--git-dir", str(remote), "ls-tree", "-r", ref, *([prefix] if prefix else []))
    blobs = {}
    for line in out.splitlines():
        meta, path = line.split("\t", 1)
        blobs[path] = meta.split()[2]
    return blobs


def commits(remote: Path, ref: str = "gh-pages") -> list[str]:
    return git("--git-dir", str(remote), "rev-list", ref).split()


@dataclass
class Deployed:
    """The book, the remote, and what each deploy left (in the order deployed)."""

    book: Path
    remote: Path
    ids: list[str] = field(default_factory=list)
    blobs_after: list[dict[str, str]] = field(default_factory=list)
    sites: list[dict[str, bytes]] = field(default_factory=list)


def versioned_book(dest: Path) -> Path:
    """A copy of the fixture book with a changelog."""
    book = copy_book(MINIBOOK, dest)
    config = book / "_quarto.yml"
    config.write_text(config.read_text() + "  changelog: data/changelog.csv\n")
    (book / "data" / "changelog.csv").write_text(CHANGELOG_HEADER)
    return book


def deploy_three(tmp: Path) -> Deployed:
    """Build and deploy three versions; record the branch after each deploy."""
    book = versioned_book(tmp / "minibook")
    remote = tmp / "remote.git"
    git("init", "-q", "--bare", str(remote))
    done = Deployed(book, remote)
    for date, year, value in STEPS:
        if year is not None:
            growth = book / "data" / "growth.csv"
            growth.write_text(growth.read_text() + f"{year},{value}\n")
        if date == STEPS[-1][0]:
            gamma = book / "chapters" / "gamma.qmd"
            gamma.write_text(gamma.read_text() + "\nA sentence added in the third version.\n")
        with open(book / "data" / "changelog.csv", "a") as fh:
            fh.write(f"{date},data/growth.csv,{date},1,0,0,release of {date},doe\n")
        build(book, log=lambda line: None)
        assert deploy(book, remote=str(remote)) == 0
        site = (book / "site").resolve()
        done.sites.append({p.relative_to(site).as_posix(): p.read_bytes()
                           for p in site.rglob("*") if p.is_file()})
        blobs = branch_blobs(remote)
        done.blobs_after.append(blobs)
        new = sorted({p.split("/")[1] for p in blobs if p.startswith("v/")} - set(done.ids))
        assert len(new) == 1, new
        done.ids.append(new[0])
    return done
