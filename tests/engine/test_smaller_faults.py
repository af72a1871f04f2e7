"""The smaller faults of issue 22 (fault 7): a cell that exits its kernel, hostile and idle
requests to the preview, titles written with entities, a deploy that hangs, and a foreign
version folder on the deploy branch."""

from __future__ import annotations

import html
import os
import shutil
import socket
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from bookengine.build import build
from bookengine.core.report import BuildError
from bookengine.deploy import deploy
from bookengine.preview.server import PreviewServer

from tests.conftest import MINIBOOK, copy_book, quiet_build


def test_a_cell_that_exits_its_kernel_is_reported_at_its_line(minibook: Path) -> None:
    (minibook / "chapters" / "gamma.qmd").write_text(
        "# Gamma {#sec-gamma}\n\n```{python}\nx = 1\n```\n\n```{python}\nimport os\n"
        "os._exit(1)\n```\n")
    with pytest.raises(BuildError) as err:
        quiet_build(minibook)
    message = str(err.value)
    assert "chapters/gamma.qmd:7: cell starting at line 7 failed" in message, message
    assert "the kernel died" in message


@pytest.fixture
def preview(minibook: Path):
    server = PreviewServer(minibook, port=0, log=lambda line: None)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def test_preview_answers_a_nul_in_the_path_cleanly(preview: PreviewServer, capfd) -> None:
    reply = _raw(preview.port, b"GET /etc/passwd%00.html HTTP/1.0\r\n\r\n")
    assert reply.split(b"\r\n", 1)[0] in (b"HTTP/1.0 400 Bad Request", b"HTTP/1.0 404 Not Found")
    assert b"root:" not in reply
    assert "Traceback" not in capfd.readouterr().err
    ok = _raw(preview.port, b"GET /index.html HTTP/1.0\r\n\r\n")
    assert ok.startswith(b"HTTP/1.0 200")


def test_preview_closes_an_idle_connection(minibook: Path, monkeypatch) -> None:
    import bookengine.preview.server as preview_module

    monkeypatch.setattr(preview_module, "REQUEST_TIMEOUT", 1.0, raising=False)
    server = PreviewServer(minibook, port=0, log=lambda line: None)
    server.start(initial_build=False)
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
            sock.sendall(b"GET /index.html HTTP/1.1\r\nHost: x\r\n")  # and never the end
            assert sock.recv(65536) == b""  # closed by the server, long before 30 s
    finally:
        server.stop()


ENTITY_TITLES = {
    "front-matter": '---\ntitle: "Costs &lt; benefits &amp; more"\n---\n\nPlain text.\n',
    "heading": "# Costs &lt; benefits &amp; more {#sec-gamma}\n\nPlain text.\n",
}


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "meta" and a.get("name"):
            self.meta[a["name"] or ""] = a.get("content") or ""


@pytest.mark.parametrize("where", sorted(ENTITY_TITLES))
def test_titles_written_with_entities_are_escaped_once(minibook: Path, where: str) -> None:
    (minibook / "chapters" / "gamma.qmd").write_text(ENTITY_TITLES[where])
    quiet_build(minibook)
    page = (minibook / "site" / "chapters" / "gamma.html").read_text()
    assert "&amp;lt;" not in page and "&amp;amp;" not in page
    parser = _Meta()
    parser.feed(page)
    assert parser.meta["citation_title"] == "Costs < benefits & more"
    block = page[page.index('class="cite-plain"'):]
    plain = html.unescape(block[block.index(">") + 1:block.index("</p>")])
    assert "Costs < benefits & more" in plain
    bib = html.unescape(block[block.index('class="bibtex">'):block.index("</code>")])
    assert "title = {Costs < benefits \\& more}" in bib


def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    book = copy_book(MINIBOOK, tmp_path_factory.mktemp("built") / "minibook")
    build(book, log=lambda line: None)
    return book


@pytest.fixture
def published(built: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(built, tmp_path / "published", symlinks=True))


def test_a_deploy_that_hangs_is_stopped_at_its_time_limit(published, tmp_path, capsys,
                                                         monkeypatch) -> None:
    remote = tmp_path / "remote.git"
    git("init", "-q", "--bare", str(remote))
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\nsleep 60\n")
    hook.chmod(0o755)
    monkeypatch.setenv("BOOK_DEPLOY_TIMEOUT", "3")
    assert deploy(published, remote=str(remote)) == 1
    err = capsys.readouterr().err
    assert "Deploy refused" in err and "did not finish within 3 s" in err
    assert git("ls-remote", str(remote)).strip() == ""


def test_a_foreign_version_folder_on_the_branch_is_warned_about(published, tmp_path,
                                                                capsys) -> None:
    remote = tmp_path / "remote.git"
    git("init", "-q", "--bare", str(remote))
    work = tmp_path / "work"
    git("init", "-q", "-b", "gh-pages", str(work))
    (work / "v" / "2020-01-01-abcdef").mkdir(parents=True)
    (work / "v" / "2020-01-01-abcdef" / "index.html").write_text("<p>not ours</p>\n")
    git("add", "-A", cwd=work)
    git("-c", "user.name=x", "-c", "user.email=x@x", "commit", "-q", "-m", "foreign", cwd=work)
    git("push", "-q", str(remote), "gh-pages", cwd=work)
    assert deploy(published, remote=str(remote)) == 0
    captured = capsys.readouterr()
    assert "warning:" in captured.err and "v/2020-01-01-abcdef/" in captured.err
    assert "no record" in captured.err
    assert os.environ.get("BOOK_DEPLOY_TIMEOUT") is None
