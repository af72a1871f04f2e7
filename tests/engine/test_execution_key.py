"""A page executes when what runs changed, not when its prose did: an edit of a sentence or a
heading re-converts the page from its stored outputs; an edit of a code line, an inline
expression, a cell option or a data row the page read runs it again. The reused result is the
one a fresh execution gives, byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bookengine.build import build
from bookengine.run.cache import Cache
from bookengine.source.config_load import load_config

ALPHA = "chapters/alpha.qmd"
GAMMA = "chapters/gamma.qmd"


def executed(book: Path) -> list[str]:
    log: list[str] = []
    build(book, log=log.append)
    return sorted(line.split()[1] for line in log if line.strip().startswith("executed"))


def edit(book: Path, rel: str, old: str, new: str) -> None:
    path = book / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(("rel", "old", "new", "runs"), [
    (GAMMA, "Plain text only", "Plain prose only", []),                       # a sentence
    (ALPHA, "## Growth {#sec-alpha-growth}", "## Growth, again {#sec-alpha-growth}", []),
    (ALPHA, "See @sec-beta-prices for prices.", "Prices are in @sec-beta-prices.", []),
    (GAMMA, "cwd = os.path.basename(os.getcwd())",
     "cwd = os.path.basename(os.getcwd()).upper()", [GAMMA]),              # a code line
    (GAMMA, "`{python} 6 * 7`", "`{python} 6 * 8`", [GAMMA]),              # an inline expression
    (ALPHA, '#| fig-alt: "A line rising tenfold each year."',
     '#| fig-alt: "A line rising ten times a year."', [ALPHA]),           # a cell option
    ("data/growth.csv", "2023,1000", "2023,1001", [ALPHA]),                  # a data row read
], ids=["sentence", "heading", "callout text", "code line", "inline expression", "cell option",
        "data row"])
def test_what_executes_after_each_kind_of_edit(minibook: Path, rel: str, old: str, new: str,
                                               runs: list[str]) -> None:
    executed(minibook)
    edit(minibook, rel, old, new)
    assert executed(minibook) == runs
    if not runs:  # the page shows the edit all the same
        page = (minibook / "site" / rel.replace(".qmd", ".html")).read_text(encoding="utf-8")
        shown = new.split("{#")[0].split("@")[0].replace("## ", "").strip()
        assert shown in page


def test_a_reused_result_is_a_fresh_executions(minibook: Path) -> None:
    executed(minibook)
    edit(minibook, GAMMA, "Plain text only", "Plain prose only")
    assert executed(minibook) == []
    cache = Cache(load_config(minibook))
    reused = cache.entry_path(GAMMA).read_bytes()
    page = (minibook / "site" / "chapters" / "gamma.html").read_bytes()
    for path in cache.dir.iterdir():  # forget every stored result: all pages run again
        path.unlink()
    assert GAMMA in executed(minibook)
    fresh = cache.entry_path(GAMMA).read_bytes()
    assert json.loads(reused)["result"] == json.loads(fresh)["result"]
    assert reused == fresh, "the stored entry itself, byte for byte"
    assert (minibook / "site" / "chapters" / "gamma.html").read_bytes() == page
