"""The preview's fast path (`bookengine.preview.quickpage`): one page made alone is the page a full
build writes, file for file, and it steps aside whenever it could differ."""

from __future__ import annotations

from pathlib import Path

import pytest
from bookengine.preview.quickpage import NotQuick, render_page

from tests.conftest import quiet_build


def _live_files(book: Path, names: list[str]) -> dict[str, bytes]:
    site = (book / "site").resolve()
    return {name: (site / name).read_bytes() for name in names}


@pytest.mark.parametrize("edit", [
    ("chapters/beta.qmd", lambda text: text + "\nA sentence added to the prose.\n"),
    ("chapters/beta.qmd", lambda text: text.replace(
        "## Prices {#sec-beta-prices}", "## Costs {#sec-beta-costs}\n\nFirst.\n\n"
        "## Prices {#sec-beta-prices}")),
    ("chapters/alpha.qmd", lambda text: text.replace("# Alpha {#sec-alpha}",
                                                     "# Alpha, renamed {#sec-alpha}")),
], ids=["prose", "new-heading", "renamed-title"])
def test_a_page_made_alone_is_the_full_builds_page(minibook: Path, edit) -> None:
    quiet_build(minibook)
    rel, change = edit
    path = minibook / rel
    path.write_text(change(path.read_text()))
    quick = render_page(minibook, rel)
    quiet_build(minibook)
    assert quick.href in quick.files
    assert quick.files == _live_files(minibook, list(quick.files))


def test_a_heading_edit_renumbers_the_other_pages_after_the_full_build(minibook: Path) -> None:
    quiet_build(minibook)
    alpha = (minibook / "site" / "chapters" / "alpha.html").read_text()
    assert "2.1" in alpha  # alpha links @sec-beta-prices as Section 2.1
    beta = minibook / "chapters" / "beta.qmd"
    beta.write_text(beta.read_text().replace(
        "## Prices {#sec-beta-prices}", "## Costs {#sec-beta-costs}\n\nFirst.\n\n"
        "## Prices {#sec-beta-prices}"))
    quick = render_page(minibook, "chapters/beta.qmd")
    assert "Costs" in quick.files["chapters/beta.html"].decode()
    quiet_build(minibook)
    alpha = (minibook / "site" / "chapters" / "alpha.html").read_text()
    link = alpha[alpha.index('href="beta.html#sec-beta-prices"'):][:200]
    assert "2.2" in link and "2.1" not in link


def test_a_page_that_must_execute_is_not_made_alone(minibook: Path) -> None:
    quiet_build(minibook)
    gamma = minibook / "chapters" / "gamma.qmd"
    gamma.write_text(gamma.read_text().replace("6 * 7", "6 * 8"))
    with pytest.raises(NotQuick):
        render_page(minibook, "chapters/gamma.qmd")
