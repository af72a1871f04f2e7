"""Every guarded sentence: it holds on today's data, reads exactly as in its chapter, and fails
with its sentence and values on data made to falsify it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from inference_debate.guards import GuardError, all_guards, guards_markdown, require

from tests.conftest import REPO

GUARDS = all_guards()


def _source_text(rel: str) -> str:
    return re.sub(r"\s+", " ", (REPO / rel).read_text(encoding="utf-8"))


def test_the_registry_is_not_empty_and_listed_in_methods() -> None:
    assert len(GUARDS) >= 3
    table = guards_markdown()
    for item in GUARDS.values():
        assert item.rule, f"{item.id} has no docstring saying what it checks"
    assert table.count("\n") == len(GUARDS) + 2
    assert "guards_markdown()" in (REPO / "appendices" / "methods.qmd").read_text()


@pytest.mark.parametrize("guard_id", sorted(GUARDS))
def test_guard_holds_today_and_sits_before_its_sentence(guard_id: str) -> None:
    item = GUARDS[guard_id]
    assert require(guard_id).holds
    text = _source_text(item.chapter)
    assert item.sentence in text, f"{item.chapter} no longer says “{item.sentence}”"
    call = f'guards.require("{guard_id}")'
    assert call in text, f"{item.chapter} does not check {guard_id}"
    assert text.index(call) < text.index(item.sentence), "the check runs before the sentence"


@pytest.mark.parametrize("guard_id", sorted(GUARDS))
def test_guard_fails_on_falsifying_data(guard_id: str, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    item = GUARDS[guard_id]
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(REPO / "_quarto.yml", project / "_quarto.yml")
    shutil.copytree(REPO / "data", project / "data")
    monkeypatch.setenv("QUARTO_PROJECT_DIR", str(project))
    item.falsify(project / "data")
    with pytest.raises(GuardError) as err:
        require(guard_id)
    assert item.sentence in str(err.value) and item.chapter in str(err.value)
    assert "found " in str(err.value)
