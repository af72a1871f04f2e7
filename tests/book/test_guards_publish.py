"""A refresh that falsifies a guarded sentence stops the publish, naming the chapter file, the
line, the sentence and the values, and leaves the published site exactly as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bookengine.build import build
from bookengine.core.report import BuildError
from inference_debate.guards import all_guards

from tests.conftest import tree_hash

GUARDS = all_guards()


@pytest.mark.slow
@pytest.mark.parametrize("guard_id", sorted(GUARDS))
def test_falsified_guard_stops_publish(guard_id: str, built_project: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    item = GUARDS[guard_id]
    book = Path(shutil.copytree(built_project, tmp_path / "book", symlinks=True))
    monkeypatch.delenv("QUARTO_PROJECT_DIR", raising=False)
    before = tree_hash(book / "site")
    item.falsify(book / "data")
    with pytest.raises(BuildError) as err:
        build(book, log=lambda line: None)
    message = str(err.value)
    text = (book / item.chapter).read_text(encoding="utf-8").split("\n")
    line = next(i for i, s in enumerate(text, 1) if f'guards.require("{guard_id}")' in s)
    cell = max(i for i in range(1, line + 1) if text[i - 1].startswith("```{python}"))
    assert f"{item.chapter}:{cell}" in message
    assert item.sentence in message and "found " in message
    assert tree_hash(book / "site") == before
