"""Failures stop the publish with a precise message and never touch the published site."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bookengine.build import build
from bookengine.core.report import BuildError
from bookengine.source.config import ConfigError
from bookengine.source.config_load import load_config

from tests.conftest import REPO, quiet_build, tree_hash


def test_failing_cell_names_file_and_line_and_keeps_site(minibook: Path) -> None:
    quiet_build(minibook)
    before = tree_hash(minibook / "site")
    beta = minibook / "chapters" / "beta.qmd"
    text = beta.read_text().replace("prices = pd.read_csv", "prices = 1 / 0\nprices = pd.read_csv")
    beta.write_text(text)
    gamma = minibook / "chapters" / "gamma.qmd"
    gamma.write_text(gamma.read_text().replace("6 * 7", "undefined_name + 1"))
    with pytest.raises(BuildError) as err:
        quiet_build(minibook)
    message = str(err.value)
    cell_line = text.split("\n").index("```{python}") + 1
    assert f"chapters/beta.qmd:{cell_line}" in message
    assert "ZeroDivisionError" in message
    assert "chapters/gamma.qmd" in message and "NameError" in message, "every failing page reported"
    assert tree_hash(minibook / "site") == before


def test_cli_exit_status_and_message(minibook: Path) -> None:
    quiet_build(minibook)
    (minibook / "chapters" / "gamma.qmd").write_text("# Gamma {#sec-gamma}\n\n`{python} 1/0`\n")
    proc = subprocess.run([sys.executable, "-m", "bookengine", "publish", str(minibook)],
                          capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 1
    assert "chapters/gamma.qmd:3" in proc.stderr and "ZeroDivisionError" in proc.stderr
    assert "published site is unchanged" in proc.stderr


def test_bad_config_lists_every_problem(minibook: Path) -> None:
    (minibook / "_quarto.yml").write_text(
        "project:\n  type: book\n  colour: red\nbook:\n  chapters:\n    - index.qmd\n"
        "    - chapters/missing.qmd\n  titel: Typo\nbibliography: nothere.bib\nextra-thing: 1\n")
    with pytest.raises(ConfigError) as err:
        load_config(minibook)
    problems = "\n".join(err.value.problems)
    for expected in ("_quarto.yml:3: unknown key `project.colour`",
                     "book.title", "chapters/missing.qmd", "nothere.bib",
                     "_quarto.yml:8: unknown key `book.titel` (did you mean `title`?)"):
        assert expected in problems
    assert "extra-thing" not in problems, "Quarto accepts any top-level metadata"
    assert len(err.value.problems) == 5
    (minibook / "_quarto.yml").write_text("project:\n  type: blog\n")
    with pytest.raises(ConfigError, match=r"_quarto.yml:2: `project.type` must be one of book, "
                                          r"website, default, not 'blog'"):
        load_config(minibook)


def test_unclosed_blocks_and_other_engines_are_errors_with_line(minibook: Path) -> None:
    quiet_build(minibook)
    before = tree_hash(minibook / "site")
    gamma = minibook / "chapters" / "gamma.qmd"
    gamma.write_text("# Gamma {#sec-gamma}\n\nText.\n\n::: {.callout-note}\nInside.\n\n"
                     "## Later {#sec-later}\n\nMore text.\n")
    beta = minibook / "chapters" / "beta.qmd"
    n_lines = len(beta.read_text().split("\n"))
    beta.write_text(beta.read_text() + "\n```{r}\n1 + 1\n```\n")
    (minibook / "chapters" / "alpha.qmd").write_text("# Alpha {#sec-alpha}\n\n```python\nx = 1\n")
    with pytest.raises(BuildError) as err:
        quiet_build(minibook)
    message = str(err.value)
    assert "chapters/gamma.qmd:5: div opened with ::: here is never closed" in message
    assert f"chapters/beta.qmd:{n_lines + 1}: ```{{r}} cells need the knitr (R) engine" in message
    assert "this engine runs Python cells only" in message
    assert "chapters/alpha.qmd:3: code block opened with ``` here is never closed" in message
    assert tree_hash(minibook / "site") == before


def test_unknown_cross_reference_and_citation_warn_as_quarto_does(minibook: Path) -> None:
    """Quarto renders `?@fig-nowhere` and `(nobody-2020?)` and warns; so does the engine, with
    the file and line, and `book-engine: strict: true` makes each an error."""
    gamma = minibook / "chapters" / "gamma.qmd"
    gamma.write_text("# Gamma {#sec-gamma}\n\nSee @fig-nowhere.\n\nAs [@nobody-2020] said.\n")
    log: list[str] = []
    build(minibook, log=log.append)
    warnings = [line for line in log if line.startswith("warning: ")]
    assert "warning: chapters/gamma.qmd:3: Unable to resolve crossref @fig-nowhere" in warnings
    assert "warning: chapters/gamma.qmd:5: Citeproc: citation nobody-2020 not found" in warnings
    page = (minibook / "site" / "chapters" / "gamma.html").read_text()
    assert "<strong>?@fig-nowhere</strong>" in page
    assert "<strong>nobody-2020?</strong>" in page

    before = tree_hash(minibook / "site")
    config = minibook / "_quarto.yml"
    config.write_text(config.read_text().replace("book-engine:\n",
                                                 "book-engine:\n  strict: true\n"))
    with pytest.raises(BuildError) as err:
        quiet_build(minibook)
    assert "chapters/gamma.qmd:3: Unable to resolve crossref @fig-nowhere" in str(err.value)
    assert "chapters/gamma.qmd:5: Citeproc: citation nobody-2020 not found" in str(err.value)
    assert "strict" in str(err.value)
    assert tree_hash(minibook / "site") == before


def test_log_axis_refuses_zero(minibook: Path) -> None:
    growth = minibook / "data" / "growth.csv"
    growth.write_text("year,value\n2020,0\n2021,10\n")
    with pytest.raises(BuildError, match=r"logarithmic but field `value` has the value 0"):
        quiet_build(minibook)


def test_killed_publish_leaves_old_site_whole(minibook: Path) -> None:
    quiet_build(minibook)
    before = tree_hash(minibook / "site")
    (minibook / "data" / "growth.csv").write_text("year,value\n2020,2\n2021,20\n")
    for delay in (0.3, 1.0, 2.0, 3.0):
        proc = subprocess.Popen([sys.executable, "-m", "bookengine", "publish", str(minibook)],
                                cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        site = minibook / "site"
        assert site.is_dir() and (site / "index.html").is_file()
        assert tree_hash(site) in (before, _final_hash(minibook)), "site is old or new, never half"
    report = quiet_build(minibook)
    assert report.site is not None
    assert "20" in (minibook / "site" / "figures/chapters/alpha/fig-growth.csv").read_text()
    builds = [p for p in (minibook / ".book" / "builds").iterdir() if p.is_dir()]
    assert len(builds) <= 2, "leftover build directories are cleaned up on the next run"
    assert not list(minibook.glob(".site.link-*"))


_finals: dict[Path, str] = {}


def _final_hash(book: Path) -> str:
    """The hash a complete publish of the changed sources gives (built once, in a copy)."""
    if book not in _finals:
        import shutil

        copy = book.parent / "final-copy"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(book, copy, ignore=shutil.ignore_patterns(".book", "site"))
        build(copy, log=lambda line: None)
        _finals[book] = tree_hash(copy / "site")
    return _finals[book]


def test_a_failing_inline_expression_among_many_is_named_with_its_line(minibook: Path) -> None:
    gamma = minibook / "chapters" / "gamma.qmd"
    gamma.write_text("# Gamma {#sec-gamma}\n\nFirst `{python} 1 + 1`, then `{python} 2 + 2`.\n\n"
                     "A later paragraph: `{python} 3 + 3` and\n`{python} missing_name * 2`, "
                     "then `{python} 5 + 5`.\n")
    with pytest.raises(BuildError) as err:
        quiet_build(minibook)
    assert "chapters/gamma.qmd:6: inline expression `missing_name * 2` failed" in str(err.value)
    assert "NameError" in str(err.value)


def test_a_slow_inline_expression_is_named_at_the_time_limit(minibook: Path) -> None:
    config = minibook / "_quarto.yml"
    config.write_text(config.read_text().replace("book-engine:\n", "book-engine:\n  timeout: 3\n"))
    gamma = minibook / "chapters" / "gamma.qmd"
    gamma.write_text("# Gamma {#sec-gamma}\n\nQuick `{python} 1 + 1`.\n\n"
                     "Slow `{python} __import__('time').sleep(60)` and `{python} 2 + 2`.\n")
    started = time.monotonic()
    with pytest.raises(BuildError) as err:
        quiet_build(minibook)
    assert time.monotonic() - started < 30
    assert ("chapters/gamma.qmd:5: inline expression `__import__('time').sleep(60)` failed"
            in str(err.value)), str(err.value)
    assert "timed out after 3 s" in str(err.value)
