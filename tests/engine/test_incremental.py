"""The cache: a publish re-executes exactly the pages whose inputs changed."""

from __future__ import annotations

from pathlib import Path

from bookengine.build import build

from tests.conftest import tree_hash

CODE_PAGES = {"chapters/alpha.qmd", "chapters/beta.qmd", "chapters/gamma.qmd"}


def publish(book: Path, jobs: int | None = None) -> set[str]:
    return set(build(book, jobs=jobs, log=lambda line: None).executed)


def test_build_clean_change_cycle(minibook: Path) -> None:
    first = publish(minibook)
    assert CODE_PAGES <= first
    assert publish(minibook) == set(), "nothing changed, so nothing may execute"

    growth = minibook / "data" / "growth.csv"
    growth.write_text(growth.read_text() + "2024,10000\n")
    assert publish(minibook) == {"chapters/alpha.qmd"}, "only alpha reads growth.csv"
    assert publish(minibook) == set()

    prices = minibook / "data" / "prices.csv"
    prices.write_text(prices.read_text() + "plum,3.5\n")
    assert publish(minibook) == {"chapters/beta.qmd"}, "beta reads prices.csv with plain pandas"
    beta = (minibook / "site" / "chapters" / "beta.html").read_text()
    assert "There are 3 prices" in beta and "3.5" in beta

    gamma = minibook / "chapters" / "gamma.qmd"
    gamma.write_text(gamma.read_text() + "\nAn added sentence.\n")
    assert publish(minibook) == set(), "prose only: the stored outputs are reused"
    assert "An added sentence." in (minibook / "site" / "chapters" / "gamma.html").read_text()
    gamma.write_text(gamma.read_text().replace("6 * 7", "6 * 8"))
    assert publish(minibook) == {"chapters/gamma.qmd"}, "an inline expression runs"

    lib = minibook / "lib" / "minilib" / "__init__.py"
    lib.write_text(lib.read_text() + "\n# a library edit\n")
    assert publish(minibook) >= CODE_PAGES, "a library edit re-executes every page"


def test_data_change_reaches_the_page(minibook: Path) -> None:
    publish(minibook)
    growth = minibook / "data" / "growth.csv"
    growth.write_text(growth.read_text() + "2024,25000\n")
    publish(minibook)
    alpha = (minibook / "site" / "chapters" / "alpha.html").read_text()
    assert "The last value is 25,000" in alpha
    csv = (minibook / "site" / "figures" / "chapters" / "alpha" / "fig-growth.csv").read_text()
    assert "25000" in csv


def test_reasons_are_reported(minibook: Path) -> None:
    lines: list[str] = []
    build(minibook, log=lines.append)
    assert any("executed" in line and "no stored result" in line for line in lines)
    (minibook / "data" / "prices.csv").write_text("item,usd\nfig,9\n")
    lines.clear()
    report = build(minibook, log=lines.append)
    assert "input changed: data/prices.csv" in "\n".join(lines)
    assert "cached" in report.summary() and "1 executed" in report.summary()


def test_same_inputs_give_identical_site(minibook: Path, tmp_path: Path) -> None:
    publish(minibook)
    first = tree_hash(minibook / "site")
    publish(minibook)
    assert tree_hash(minibook / "site") == first
    # A cold build in another folder, from the same sources, gives the same bytes.
    from tests.conftest import MINIBOOK, copy_book

    other = copy_book(MINIBOOK, tmp_path / "other")
    publish(other)
    assert tree_hash(other / "site") == first


def test_execute_dir(minibook: Path) -> None:
    publish(minibook)
    assert "Cells ran in chapters" in (minibook / "site/chapters/gamma.html").read_text()
    config = minibook / "_quarto.yml"
    config.write_text(config.read_text().replace("  output-dir: site",
                                                 "  output-dir: site\n  execute-dir: project"))
    alpha = minibook / "chapters" / "alpha.qmd"
    alpha.write_text(alpha.read_text().replace('"../lib"', '"lib"'))
    beta = minibook / "chapters" / "beta.qmd"
    beta.write_text(beta.read_text().replace('"../data/prices.csv"', '"data/prices.csv"'))
    publish(minibook)
    assert f"Cells ran in {minibook.name}" in (minibook / "site/chapters/gamma.html").read_text()


def test_forked_kernels_record_inputs_too(minibook: Path) -> None:
    """With a fork server (book-engine.preload), reads are still recorded per page."""
    from unittest import mock

    from bookengine.run import forkserver

    config = minibook / "_quarto.yml"
    config.write_text(config.read_text().replace("  library: [lib]",
                                                 "  library: [lib]\n  preload: [pandas, altair]"))
    with mock.patch.object(forkserver, "running", wraps=forkserver.running) as spy:
        assert CODE_PAGES <= publish(minibook, jobs=1)  # three kernels for one worker: forked
    assert spy.call_args.args[0] == ["pandas", "altair"]
    prices = minibook / "data" / "prices.csv"
    prices.write_text(prices.read_text() + "quince,4\n")
    assert publish(minibook) == {"chapters/beta.qmd"}
    assert "There are 3 prices" in (minibook / "site" / "chapters" / "beta.html").read_text()
    gamma = minibook / "chapters" / "gamma.qmd"
    gamma.write_text(gamma.read_text().replace("6 * 7", "1 / 0"))
    import pytest
    from bookengine.core.report import BuildError

    with pytest.raises(BuildError, match="ZeroDivisionError"):
        publish(minibook)
