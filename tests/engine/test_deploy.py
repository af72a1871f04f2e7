"""`make deploy`: one commit of the published site on a branch of a local bare repository."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from bookengine.build import build
from bookengine.deploy import deploy

from tests.conftest import MINIBOOK, copy_book

BOOK_DATE = "2026-01-15"  # book.date in tests/fixtures/minibook/_quarto.yml (no changelog there)


def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          check=True).stdout


def bare(tmp_path: Path, name: str = "remote.git") -> Path:
    path = tmp_path / name
    git("init", "-q", "--bare", str(path))
    return path


def branch_commits(remote: Path, branch: str = "gh-pages") -> list[str]:
    heads = git("ls-remote", str(remote), f"refs/heads/{branch}").split()
    if not heads:
        return []
    return git("--git-dir", str(remote), "rev-list", heads[0]).split()


def expected_hash(book: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted((book / "data").glob("*.csv")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:8]


def site_files(book: Path) -> set[str]:
    site = (book / "site").resolve()
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture book, published once for this module."""
    book = copy_book(MINIBOOK, tmp_path_factory.mktemp("built") / "minibook")
    build(book, log=lambda line: None)
    return book


@pytest.fixture
def published(built: Path, tmp_path: Path) -> Path:
    """A copy of the published fixture book, `site` link and build state included."""
    return Path(shutil.copytree(built, tmp_path / "published", symlinks=True))


def test_deploy_publishes_the_site_as_one_commit(published, tmp_path, capsys):
    remote = bare(tmp_path)
    assert deploy(published, remote=str(remote)) == 0
    commits = branch_commits(remote)
    assert len(commits) == 1
    files = set(git("--git-dir", str(remote), "ls-tree", "-r", "--name-only", "gh-pages")
                .split())
    # The latest site at the root, the same version under v/<version>/, and the branch files.
    root = {f for f in files if not f.startswith(("v/", "versions/"))}
    assert root == site_files(published) | {".nojekyll", "versions.json", "versions.html",
                                            "feed.xml", "sitemap.xml"}
    versions = {f.split("/")[1] for f in files if f.startswith("v/")}
    assert len(versions) == 1
    version = versions.pop()
    assert version.startswith(BOOK_DATE + "-")
    assert {f[len(f"v/{version}/"):] for f in files if f.startswith("v/")} == \
        site_files(published)
    assert files >= {f"versions/{version}.json"}
    index = git("--git-dir", str(remote), "show", "gh-pages:index.html")
    assert index == (published / "site" / "index.html").read_text("utf-8")

    message = git("--git-dir", str(remote), "log", "-1", "--format=%B", "gh-pages")
    assert BOOK_DATE in message and expected_hash(published) in message
    who = git("--git-dir", str(remote), "log", "-1", "--format=%an <%ae> %aI|%cn <%ce> %cI",
              "gh-pages").strip()
    author, committer = who.split("|")
    assert author == committer
    assert author.endswith(f"{BOOK_DATE}T00:00:00+00:00")
    assert commits[0][:12] in capsys.readouterr().out

    # The same site again: no new commit. The same inputs elsewhere: the same commit.
    assert deploy(published, remote=str(remote)) == 0
    assert branch_commits(remote) == commits
    other = bare(tmp_path, "other.git")
    assert deploy(published, remote=str(other)) == 0
    assert branch_commits(other) == commits


def test_a_changed_site_is_a_second_commit_on_top(published, tmp_path):
    remote = bare(tmp_path)
    assert deploy(published, remote=str(remote), branch="pages") == 0
    growth = published / "data" / "growth.csv"
    growth.write_text(growth.read_text() + "2024,10000\n")
    build(published, log=lambda line: None)
    assert deploy(published, remote=str(remote), branch="pages") == 0
    commits = branch_commits(remote, "pages")
    assert len(commits) == 2
    message = git("--git-dir", str(remote), "log", "-1", "--format=%B", "pages")
    assert expected_hash(published) in message


def test_the_remote_comes_from_git_config_or_the_environment(published, tmp_path,
                                                            monkeypatch):
    configured = bare(tmp_path, "configured.git")
    git("init", "-q", cwd=published)
    git("config", "book.deployRemote", str(configured), cwd=published)
    assert deploy(published, remote=None) == 0
    assert len(branch_commits(configured)) == 1

    from_env = bare(tmp_path, "env.git")
    monkeypatch.setenv("BOOK_DEPLOY_REMOTE", str(from_env))
    assert deploy(published, remote=None) == 0
    assert len(branch_commits(from_env)) == 1


def test_no_remote_is_refused(published, capsys):
    assert deploy(published, remote=None) == 1
    assert "no deploy remote" in capsys.readouterr().err


def test_no_site_is_refused_without_a_commit(minibook, tmp_path, capsys):
    remote = bare(tmp_path)
    assert deploy(minibook, remote=str(remote)) == 1
    assert "make publish" in capsys.readouterr().err
    assert branch_commits(remote) == []


def test_a_broken_site_is_refused_without_a_commit(published, tmp_path, capsys):
    remote = bare(tmp_path)
    site = (published / "site").resolve()
    pages = sorted(p for p in site.rglob("*.html") if p.name not in ("index.html", "404.html"))
    pages[0].unlink()
    assert deploy(published, remote=str(remote)) == 1
    err = capsys.readouterr().err
    # A broken link alone is a warning (as under Quarto); the deleted page is caught as damage.
    assert "no longer matches the build" in err and pages[0].name in err
    assert branch_commits(remote) == []


def test_a_plain_directory_is_not_a_published_build(minibook, tmp_path, capsys):
    (minibook / "site").mkdir()
    (minibook / "site" / "index.html").write_text("<p>hand made</p>")
    remote = bare(tmp_path)
    assert deploy(minibook, remote=str(remote)) == 1
    assert "not a published build" in capsys.readouterr().err
    assert branch_commits(remote) == []


def test_a_truncated_page_is_refused_without_a_commit(published, tmp_path, capsys):
    remote = bare(tmp_path)
    site = (published / "site").resolve()
    page = site / "chapters" / "beta.html"
    page.write_bytes(page.read_bytes()[:-120])  # still links fine: only the manifest knows
    assert deploy(published, remote=str(remote)) == 1
    err = capsys.readouterr().err
    assert "no longer matches" in err and "chapters/beta.html" in err
    assert branch_commits(remote) == []


def test_a_build_without_a_version_record_is_refused(published, tmp_path, capsys):
    remote = bare(tmp_path)
    site = (published / "site").resolve()
    record = site.parent / (site.name + ".version.json")
    assert record.is_file()
    record.unlink()
    assert deploy(published, remote=str(remote)) == 1
    assert "no version record" in capsys.readouterr().err
    assert branch_commits(remote) == []
