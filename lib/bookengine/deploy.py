"""`make deploy`: put the published site on a branch of a git remote as one new commit.

Only a complete, checked build is deployed: `site` must be the link a successful publish leaves
into `.book/builds/`, and the link check must find nothing wrong. The commit is built in a
temporary git directory with the site as its work tree, so the project's own repository, work
tree and index are never touched. Its message names the data version (the newest date the book
records and a short hash over the data folder's tables), and its author, committer and date are
fixed and taken from that version, so deploying the same site twice gives the same commit.

The remote is the `remote` argument, else `$BOOK_DEPLOY_REMOTE`, else the project's
`git config book.deployRemote`; it may be a URL, a path, or the name of a remote of the
project's repository.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bookengine.cache import STATE_DIR
from bookengine.citation import version_date
from bookengine.config import BookConfig, ConfigError, load_config
from bookengine.history import data_hash
from bookengine.manifest import summary, verify
from bookengine.publish import check_site

REMOTE_ENV = "BOOK_DEPLOY_REMOTE"
REMOTE_CONFIG = "book.deployRemote"
DEPLOY_NAME = "Book deploy"
DEPLOY_EMAIL = "deploy@localhost"
NO_DATE = "1970-01-01"
_SHOWN_PROBLEMS = 10


class DeployError(Exception):
    """The site cannot be deployed (no complete build, no remote, or git failed)."""


def data_version(config: BookConfig) -> tuple[str, str]:
    """The data version: (newest recorded date, or 1970-01-01 if none; hash of data/*.csv)."""
    return version_date(config) or NO_DATE, data_hash(config)


def deployable_site(config: BookConfig) -> Path:
    """The build directory `site` points at; raises DeployError unless it is a complete build."""
    site = config.output_path
    shown = config.output_dir
    if not site.exists() and not site.is_symlink():
        raise DeployError(f"there is no published site ({shown}/); run `make publish` first")
    if not site.is_symlink():
        raise DeployError(f"{shown}/ is not a published build (a publish makes it a link into "
                          f"{STATE_DIR}/builds/); run `make publish` first")
    target = site.resolve()
    builds = (config.root / STATE_DIR / "builds").resolve()
    if builds not in target.parents or not target.is_dir():
        raise DeployError(f"{shown} does not point at a build in {STATE_DIR}/builds/ "
                          "(a publish failed or was interrupted); run `make publish` first")
    if not (target / "index.html").is_file():
        raise DeployError(f"{shown}/ has no index.html: the build is incomplete; "
                          "run `make publish` first")
    problems = check_site(target)
    if problems:
        listed = "\n".join(problems[:_SHOWN_PROBLEMS])
        more = len(problems) - _SHOWN_PROBLEMS
        tail = f"\n(and {more} more)" if more > 0 else ""
        raise DeployError(f"{shown}/ fails its link check ({len(problems)} problem"
                          f"{'s' if len(problems) != 1 else ''}):\n{listed}{tail}")
    damage = verify(target)
    if damage:
        raise DeployError(f"{shown}/ no longer matches the build that was checked "
                          f"({summary(damage)}); run `make publish` to rebuild it")
    return target


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}


def _git(args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
         check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["git", *args], env=env or _clean_env(), cwd=cwd,
                            capture_output=True, text=True)
    if check and result.returncode != 0:
        raise DeployError(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result


def resolve_remote(root: Path, remote: str | None) -> str:
    """The remote to deploy to: argument, `$BOOK_DEPLOY_REMOTE`, or `git config book.deployRemote`.

    A name of one of the project's git remotes becomes its URL; an existing relative path is
    taken relative to the book.
    """
    chosen = remote or os.environ.get(REMOTE_ENV)
    if not chosen:
        found = _git(["config", "--get", REMOTE_CONFIG], cwd=root, check=False)
        chosen = found.stdout.strip() if found.returncode == 0 else ""
    if not chosen:
        raise DeployError(f"no deploy remote: pass --remote, set ${REMOTE_ENV}, or run "
                          f"`git config {REMOTE_CONFIG} <url>` in the book's repository")
    named = _git(["remote", "get-url", chosen], cwd=root, check=False)
    if named.returncode == 0 and named.stdout.strip():
        return named.stdout.strip()
    if "://" not in chosen and (root / chosen).exists():
        return str((root / chosen).resolve())
    return chosen


def commit_message(date: str, digest: str) -> str:
    """The deploy commit's message, naming the data version."""
    return (f"Publish site for data version {date} ({digest})\n\n"
            f"Data version: {date}; data tables sha256 {digest}.\n")


def publish_commit(site: Path, remote: str, branch: str, date: str, message: str) -> str | None:
    """Commit the files of `site` on top of `branch` of `remote` and push; None if unchanged."""
    ref = f"refs/heads/{branch}"
    with tempfile.TemporaryDirectory(prefix="deploy-") as tmp:
        gitdir = Path(tmp) / "deploy.git"
        _git(["init", "-q", "--bare", str(gitdir)])
        stamp = f"{date}T00:00:00+0000"
        env = {**_clean_env(), "GIT_DIR": str(gitdir), "GIT_WORK_TREE": str(site),
               "GIT_INDEX_FILE": str(Path(tmp) / "index"),
               "GIT_AUTHOR_NAME": DEPLOY_NAME, "GIT_AUTHOR_EMAIL": DEPLOY_EMAIL,
               "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_NAME": DEPLOY_NAME,
               "GIT_COMMITTER_EMAIL": DEPLOY_EMAIL, "GIT_COMMITTER_DATE": stamp}
        _git(["add", "--all", "--force", "."], env=env, cwd=site)
        if not (site / ".nojekyll").exists():
            blob = _git(["hash-object", "-w", "--stdin"], env=env).stdout.strip()
            _git(["update-index", "--add", "--cacheinfo", f"100644,{blob},.nojekyll"], env=env)
        tree = _git(["write-tree"], env=env).stdout.strip()
        listed = _git(["ls-remote", remote, ref], env=env).stdout.split()
        parent = listed[0] if listed else None
        if parent:
            _git(["fetch", "-q", remote, ref], env=env)
            if _git(["rev-parse", f"{parent}^{{tree}}"], env=env).stdout.strip() == tree:
                return None
        args = ["commit-tree", tree, "--no-gpg-sign", "-m", message]
        if parent:
            args += ["-p", parent]
        commit = _git(args, env=env).stdout.strip()
        _git(["push", "-q", remote, f"{commit}:{ref}"], env=env)
        return commit


def deploy(book: Path, remote: str | None, branch: str = "gh-pages") -> int:
    """Deploy the published site of `book` to `branch` of a remote; exit status 0 or 1."""
    try:
        config = load_config(book)
        site = deployable_site(config)
        url = resolve_remote(config.root, remote)
        date, digest = data_version(config)
        message = commit_message(date, digest)
        commit = publish_commit(site, url, branch, date, message)
    except (DeployError, ConfigError) as exc:
        print(f"Deploy refused: {exc}", file=sys.stderr)
        return 1
    if commit is None:
        print(f"{branch} of {url} already holds this site; nothing to deploy.")
    else:
        print(f"Deployed {commit[:12]} to {branch} of {url}: {message.splitlines()[0]}")
    return 0
