"""The chapters' inline numbers are computed from data: change a row, and the prose changes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from inference_debate import data, fmt

CELL = re.compile(r"^```\{python\}\n(.*?)^```", re.S | re.M)
INLINE = re.compile(r"`\{python\} ([^`]+)`")
ROOT = Path(__file__).resolve().parents[2]


def _inline_values(chapter: Path) -> list[str]:
    """Run the chapter's setup cells (not the figure cells) and evaluate its inline expressions."""
    text = chapter.read_text()
    namespace: dict = {}
    for body in CELL.findall(text):
        if "#| label: fig-" not in body:
            exec(compile(body, str(chapter), "exec"), namespace)  # noqa: S102
    prose = CELL.sub("", text)
    return [str(eval(expr, namespace)) for expr in INLINE.findall(prose)]  # noqa: S307


@pytest.fixture
def book_copy(tmp_path, monkeypatch) -> Path:
    (tmp_path / "_quarto.yml").write_text("project:\n  type: book\n")
    shutil.copytree(data.project_root() / "data", tmp_path / "data")
    monkeypatch.setenv("QUARTO_PROJECT_DIR", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("name", ["ord", "greenblatt"])
def test_inline_expressions_are_not_bare_literals(name):
    text = (ROOT / "chapters" / f"{name}.qmd").read_text()
    exprs = INLINE.findall(text)
    assert exprs
    for expr in exprs:
        assert not re.fullmatch(r"[\d.,_\s]+", expr), expr


def _replace_value(path: Path, key: str, value: str) -> None:
    lines = path.read_text().splitlines(keepends=True)
    hits = [i for i, line in enumerate(lines) if line.startswith(key + ",")]
    assert len(hits) == 1
    head, _, rest = lines[hits[0]].partition(",")
    lines[hits[0]] = ",".join([head, value, rest.partition(",")[2]])
    path.write_text("".join(lines))


def test_ord_prose_follows_a_changed_reading(book_copy):
    chapter = ROOT / "chapters" / "ord.qmd"
    before = _inline_values(chapter)
    old = data.stated("o1_aime_rl_high_pct")
    new = old + 4
    _replace_value(book_copy / "data" / "stated_figures.csv", "o1_aime_rl_high_pct", f"{new:g}")
    after = _inline_values(chapter)
    assert len(before) == len(after)
    changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    assert (fmt.percent(old), fmt.percent(new)) in changed
    # Both panels span the same compute, so the slope ratio is a ratio of gains in points.
    inf_gain = data.stated("o1_aime_inference_high_pct") - data.stated("o1_aime_inference_low_pct")
    ratio = inf_gain / (new - data.stated("o1_aime_rl_low_pct"))
    assert any(a == fmt.number(ratio, sig=3) for _, a in changed)


def test_greenblatt_prose_follows_a_changed_hourly_rate(book_copy):
    chapter = ROOT / "chapters" / "greenblatt.qmd"
    before = _inline_values(chapter)
    rate = data.assumption("human_hourly_rate_usd")
    _replace_value(book_copy / "data" / "assumptions.csv", "human_hourly_rate_usd", f"{2 * rate:g}")
    after = _inline_values(chapter)
    changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    assert (fmt.usd(rate), fmt.usd(2 * rate)) in changed
