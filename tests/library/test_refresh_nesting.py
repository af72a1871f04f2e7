"""A release nested too deeply to read stops the refresh cleanly (issue 22, fault 7): the
command says `refresh failed … data/ is unchanged`, never a raw RecursionError traceback."""

from __future__ import annotations

import pytest
from inference_debate.refresh import main

from tests.library import test_refresh as shared
from tests.library.newer_releases import METR_11, UPSTREAM
from tests.library.test_refresh import DATE, data_hash

# The refresh tests' fixtures: the book's data, the upstream releases and their server.
project, releases, cut, server = shared.project, shared.releases, shared.cut, shared.server

pytestmark = pytest.mark.skipif(not UPSTREAM.is_dir(), reason="no ../shared/upstream")

DEPTH = 200_000


@pytest.mark.parametrize("path,body", [
    ("arcprize/evaluations.json", "[" * DEPTH + "]" * DEPTH),
    (METR_11, "a: " + "[" * DEPTH + "]" * DEPTH + "\n"),
], ids=["json", "yaml"])
def test_a_deeply_nested_release_fails_cleanly(path, body, project, server, releases,
                                               capsys) -> None:
    (releases / path).write_text(body, encoding="utf-8")
    before = data_hash(project)
    status = main(["--project", str(project), "--date", DATE, "--release-base", server])
    err = capsys.readouterr().err
    assert status == 1
    assert "refresh failed" in err and "data/ is unchanged" in err
    assert "nested too deeply" in err and path in err
    assert "Traceback" not in err and "RecursionError" not in err
    assert data_hash(project) == before
