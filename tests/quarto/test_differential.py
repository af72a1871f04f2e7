"""Real Quarto is the specification: every project of the suite, rendered by real Quarto and by
the engine, shows a reader the same titles, numbers, captions, cross-references, callouts,
code, outputs, footnotes, bibliography and tabs, except where `deviations.yml` says why not."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.quarto import oracle, suite
from tests.quarto.compare import compare_sites, load_deviations
from tests.quarto.run import compare

RESULTS: dict[str, object] = {}


@pytest.fixture(autouse=True)
def _quarto_here() -> None:
    if not oracle.available():
        if os.environ.get("BOOK_REQUIRE_QUARTO") or os.environ.get("CI"):
            pytest.fail("real Quarto (../shared/quarto) is required here")
        pytest.skip("real Quarto is not beside this checkout")


def result_of(project: suite.Project):
    if project.name not in RESULTS:
        RESULTS[project.name] = compare(project.name, project.path)
    return RESULTS[project.name]


@pytest.mark.parametrize("project", [pytest.param(p, marks=[pytest.mark.slow] if p.slow else [],
                                                  id=p.name) for p in suite.PROJECTS])
def test_engine_shows_what_quarto_shows(project: suite.Project) -> None:
    result = result_of(project)
    assert result.pages > 0 and result.compared > 0
    assert not result.uncovered, (
        f"{len(result.uncovered)} differences from real Quarto not in deviations.yml:\n"
        + "\n".join(map(str, result.uncovered[:30])))


def test_readme_table_is_the_suites_results() -> None:
    results = [result_of(p) for p in suite.PROJECTS]
    readme = suite.README.read_text(encoding="utf-8")
    assert suite.readme_table(readme) == suite.table(results), (
        "README's compatibility table is stale: run python -m tests.quarto.run --readme")


def test_every_kind_deviation_covers_something() -> None:
    results = [result_of(p) for p in suite.PROJECTS]
    used = {dev for r in results for dev in r.covered}
    unused = [d.id for d in load_deviations() if d.kind and d.id not in used]
    assert not unused, f"deviations that cover nothing any more: {unused}"


def test_a_changed_heading_or_caption_is_a_difference(tmp_path: Path) -> None:
    """The comparison can fail: Quarto's own render against a copy with one heading and one
    caption changed gives exactly those two differences."""
    fixture = next(p for p in suite.PROJECTS if p.name == "minibook")
    quarto_site = oracle.quarto_render(fixture.path).site
    changed = shutil.copytree(quarto_site, tmp_path / "site")
    page = changed / "chapters" / "alpha.html"
    text = page.read_text(encoding="utf-8")
    heading = '<span class="header-section-number">1.1</span> Growth</h2>'
    assert "Growth over time" in text and heading in text
    page.write_text(text.replace("Growth over time", "Growth over a decade", 1)
                    .replace(heading, heading.replace("Growth", "Rise"), 1), encoding="utf-8")
    result = compare_sites("minibook", quarto_site, changed, load_deviations())
    kinds = sorted(d.kind for d in result.uncovered)
    assert kinds == ["float", "heading"], result.uncovered
