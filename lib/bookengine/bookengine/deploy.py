"""`make deploy`: put the published site on a branch of a git remote as one new commit.

Only a complete, checked build is deployed: `site` must be the link a successful publish leaves
into `.book/builds/`, the link check must find nothing wrong, and the build must match its
manifest. The branch holds the latest build at its root and every version ever deployed at
`v/<version>/` (see `versions.records`): the new version's folder is a copy of the build whose
pages also carry `<meta name="robots" content="noindex">`, written once; the folders of earlier
versions are read from the branch and kept byte for byte. The per-version records
(`versions/<version>.json`) and the files that belong to the branch rather than to a build
(`versions.json`, `versions.html`, `feed.xml`, `sitemap.xml`; see `bookengine.site.branch`) are
written beside them, and the assembled tree is link-checked before the commit.

The commit is built in a temporary git directory, so the project's own repository, work tree and
index are never touched. Its message names the version and the data version (the newest date the
book records and a short hash over the data folder's tables), and its author, committer and date
are fixed and taken from that version, so deploying the same version twice makes no new commit
and the same inputs give the same commit anywhere.

The remote is the `remote` argument, else `$BOOK_DEPLOY_REMOTE`, else the project's
`git config book.deployRemote`; it may be a URL, a path, or the name of a remote of the
project's repository.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bookengine.core.manifest import summary, verify
from bookengine.core.state import STATE_DIR, BookState
from bookengine.site import branch
from bookengine.site.notfound import site_path
from bookengine.site.publish import blocking, check_site
from bookengine.source.config import BookConfig, ConfigError
from bookengine.source.config_load import load_config
from bookengine.versions.bookversion import BookVersion
from bookengine.versions.records import read_record

REMOTE_ENV = "BOOK_DEPLOY_REMOTE"
TIMEOUT_ENV = "BOOK_DEPLOY_TIMEOUT"
DEFAULT_TIMEOUT = 300.0
"""Seconds a whole deploy may take (fetching the branch, assembling, pushing)."""
REMOTE_CONFIG = "book.deployRemote"
DEPLOY_NAME = "Book deploy"
DEPLOY_EMAIL = "deploy@localhost"
_SHOWN_PROBLEMS = 10


class DeployError(Exception):
    """The site cannot be deployed (no complete build, no remote, or git failed)."""


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
    builds = BookState(config.root).builds.resolve()
    if builds not in target.parents or not target.is_dir():
        raise DeployError(f"{shown} does not point at a build in {STATE_DIR}/builds/ "
                          "(a publish failed or was interrupted); run `make publish` first")
    if not (target / "index.html").is_file():
        raise DeployError(f"{shown}/ has no index.html: the build is incomplete; "
                          "run `make publish` first")
    problems = blocking(check_site(target, site_path(config)), config.strict, config.offline)
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


class Deadline:
    """The time by which the whole deploy must be done (`--timeout`, `$BOOK_DEPLOY_TIMEOUT`)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def left(self, what: str) -> float:
        """Seconds left; DeployError when none are."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise self.error(what)
        return left

    def error(self, what: str) -> DeployError:
        return DeployError(f"the deploy did not finish within {self.seconds:g} s ({what} was "
                           f"still running); nothing was deployed unless the push had "
                           f"completed. Raise the limit with --timeout or ${TIMEOUT_ENV}")


_DEADLINE: Deadline | None = None


def _git(args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
         check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run git within the deploy's deadline; git and whatever it starts (a remote's hooks, over
    a local transport) are ended when it runs out."""
    what = f"git {args[0]}"
    timeout = _DEADLINE.left(what) if _DEADLINE is not None else None
    proc = subprocess.Popen(["git", *args], env=env or _clean_env(), cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        assert _DEADLINE is not None
        raise _DEADLINE.error(what) from None
    result = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
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


def commit_message(date: str, digest: str, version: str) -> str:
    """The deploy commit's message, naming the version and the data version."""
    return (f"Publish version {version} (data version {date}, {digest})\n\n"
            f"Version: {version}, kept at v/{version}/.\n"
            f"Data version: {date}; data tables sha256 {digest}.\n")


NOINDEX = '<meta name="robots" content="noindex">'
RESERVED = ("v", branch.RECORDS, *branch.FILES)
"""Names at the branch root that belong to the branch, not to a build."""


def versioned_copy(site: Path, dest: Path) -> None:
    """Copy the build to `dest`, each page also carrying `noindex` (its canonical link already
    names the latest page)."""
    shutil.copytree(site, dest)
    for page in dest.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if NOINDEX not in text and "<head>" in text:
            page.write_text(text.replace("<head>", f"<head>\n{NOINDEX}", 1), encoding="utf-8")


def assemble(tree: Path, site: Path, record: dict[str, Any], config: BookConfig,
             warn: Callable[[str], None] | None = None) -> None:
    """Lay out the branch in `tree`, which holds the kept `v/` and `versions/` of the branch:
    the build at the root, the new version's folder and record if new, and the branch files.
    A `v/` folder on the branch that no record names is carried forward with a warning."""
    warn = warn or (lambda message: print(f"warning: {message}", file=sys.stderr))
    clash = sorted(n for n in RESERVED if (site / n).exists())
    if clash:
        raise DeployError(f"the site has {', '.join(clash)} at its root, where the deploy "
                          "branch keeps its versions; rename them in the book")
    for item in site.iterdir():
        (shutil.copytree if item.is_dir() else shutil.copyfile)(item, tree / item.name)
    records_dir = tree / branch.RECORDS
    records_dir.mkdir(exist_ok=True)
    records = []
    for path in sorted(records_dir.glob("*.json")):
        try:
            records.append(json.loads(path.read_text(encoding="utf-8")))
        except ValueError as exc:
            raise DeployError(f"{branch.RECORDS}/{path.name} on the branch is not JSON: "
                              f"{exc}") from exc
    known = {str(r.get("id")) for r in records} | {record["id"]}
    for folder in sorted((tree / "v").iterdir()) if (tree / "v").is_dir() else []:
        if folder.name not in known:
            warn(f"v/{folder.name}/ on the branch has no record in {branch.RECORDS}/ (it was "
                 "not deployed by this engine, or its record was removed); it is carried "
                 "forward as it is, and no version list names it")
    current = next((r for r in records if r.get("id") == record["id"]), None)
    if current is None:
        if (tree / "v" / record["id"]).exists():
            raise DeployError(f"v/{record['id']}/ is on the branch without its record")
        versioned_copy(site, tree / "v" / record["id"])
        current = {**record, "sequence": max((r.get("sequence", 0) for r in records),
                                             default=0) + 1}
        records.append(current)
        (records_dir / f"{record['id']}.json").write_text(
            json.dumps(current, sort_keys=True, indent=1, ensure_ascii=False) + "\n",
            encoding="utf-8")
    elif current["sequence"] < max(r.get("sequence", 0) for r in records):
        # A version deployed before and deployed again is the latest (its record is kept).
        current["sequence"] = max(r.get("sequence", 0) for r in records) + 1
    title, lang = config.title, str(config.extra.get("lang", "en"))
    (tree / "versions.json").write_text(branch.versions_json(records, config.site_url),
                                        encoding="utf-8")
    (tree / "versions.html").write_text(branch.versions_page(records, title, lang),
                                        encoding="utf-8")
    if config.site_url:
        authors = [a.name for a in config.authors]
        (tree / "feed.xml").write_text(branch.feed(records, config.site_url, title, authors),
                                       encoding="utf-8")
        (tree / "sitemap.xml").write_text(branch.sitemap(current, config.site_url),
                                          encoding="utf-8")
    if not (tree / ".nojekyll").exists():
        (tree / ".nojekyll").write_text("", encoding="utf-8")
    problems = blocking(check_site(tree, site_path(config)), config.strict, config.offline)
    if problems:
        listed = "\n".join(problems[:_SHOWN_PROBLEMS])
        raise DeployError(f"the assembled branch fails its link check ({len(problems)} "
                          f"problem(s)):\n{listed}")


def publish_commit(site: Path, remote: str, branch_name: str, date: str, message: str,
                   record: dict[str, Any], config: BookConfig) -> str | None:
    """Commit the branch laid out for `site` on top of `branch_name` of `remote` and push;
    None if the branch already holds exactly that tree."""
    ref = f"refs/heads/{branch_name}"
    with tempfile.TemporaryDirectory(prefix="deploy-") as tmp:
        gitdir = Path(tmp) / "deploy.git"
        tree_dir = Path(tmp) / "tree"
        tree_dir.mkdir()
        _git(["init", "-q", "--bare", str(gitdir)])
        _git(["--git-dir", str(gitdir), "config", "core.autocrlf", "false"])
        stamp = f"{date}T00:00:00+0000"
        env = {**_clean_env(), "GIT_DIR": str(gitdir), "GIT_WORK_TREE": str(tree_dir),
               "GIT_INDEX_FILE": str(Path(tmp) / "index"),
               "GIT_AUTHOR_NAME": DEPLOY_NAME, "GIT_AUTHOR_EMAIL": DEPLOY_EMAIL,
               "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_NAME": DEPLOY_NAME,
               "GIT_COMMITTER_EMAIL": DEPLOY_EMAIL, "GIT_COMMITTER_DATE": stamp}
        listed = _git(["ls-remote", remote, ref], env=env).stdout.split()
        parent = listed[0] if listed else None
        if parent:
            _git(["fetch", "-q", remote, ref], env=env)
            kept = [n for n in ("v", branch.RECORDS) if _git(
                ["cat-file", "-e", f"{parent}:{n}"], env=env, check=False).returncode == 0]
            for name in kept:
                _git(["read-tree", f"--prefix={name}/", f"{parent}:{name}"], env=env)
            if kept:
                _git(["checkout-index", "--all", "--force"], env=env, cwd=tree_dir)
                (Path(tmp) / "index").unlink()
        assemble(tree_dir, site, record, config)
        _git(["add", "--all", "--force", "."], env=env, cwd=tree_dir)
        tree = _git(["write-tree"], env=env).stdout.strip()
        if parent and _git(["rev-parse", f"{parent}^{{tree}}"], env=env).stdout.strip() == tree:
            return None
        args = ["commit-tree", tree, "--no-gpg-sign", "-m", message]
        if parent:
            args += ["-p", parent]
        commit = _git(args, env=env).stdout.strip()
        _git(["push", "-q", remote, f"{commit}:{ref}"], env=env)
        return commit


def deploy(book: Path, remote: str | None, branch: str = "gh-pages",
           timeout: float | None = None) -> int:
    """Deploy the published site of `book` to `branch` of a remote within `timeout` seconds
    (else `$BOOK_DEPLOY_TIMEOUT`, else `DEFAULT_TIMEOUT`); exit status 0 or 1."""
    global _DEADLINE
    try:
        _DEADLINE = Deadline(timeout or float(os.environ.get(TIMEOUT_ENV) or DEFAULT_TIMEOUT))
    except ValueError:
        print(f"Deploy refused: ${TIMEOUT_ENV} must be a number of seconds", file=sys.stderr)
        return 1
    try:
        return _deploy(book, remote, branch)
    finally:
        _DEADLINE = None


def _deploy(book: Path, remote: str | None, branch: str) -> int:
    try:
        config = load_config(book)
        site = deployable_site(config)
        record = read_record(site)
        if record is None:
            raise DeployError(f"{config.output_dir}/ has no version record (it was built before "
                              "versions were kept); run `make publish` to rebuild it")
        url = resolve_remote(config.root, remote)
        version = BookVersion.of(config)
        date, digest = version.dated, version.data_hash
        message = commit_message(date, digest, record["id"])
        commit = publish_commit(site, url, branch, date, message, record, config)
    except (DeployError, ConfigError) as exc:
        print(f"Deploy refused: {exc}", file=sys.stderr)
        return 1
    if commit is None:
        print(f"{branch} of {url} already holds this site; nothing to deploy.")
    else:
        print(f"Deployed {commit[:12]} to {branch} of {url}: {message.splitlines()[0]}")
    return 0
