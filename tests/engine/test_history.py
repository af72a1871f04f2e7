"""What a data change changed in the argument: values old → new, figures, kept per version."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bookengine.build import build
from bookengine.source.config_load import load_config
from bookengine.versions.bookversion import data_hash

CHANGES_PAGE = """# Changes {#sec-changes}

```{python}
#| label: fig-changes
#| fig-cap: "Growth, with the data version of its table."
#| fig-alt: "A line."
import hashlib
import altair as alt
import pandas as pd
path = "../data/growth.csv"
version = hashlib.sha256(open(path, "rb").read()).hexdigest()[:8]
alt.Chart(pd.read_csv(path)).mark_line().encode(x="year:O", y="value:Q").properties(
    usermeta={"provenance": {"tables": {"growth": version}}})
```

::: {.book-version-changes}
:::
"""


def _with_history(book: Path) -> None:
    config = book / "_quarto.yml"
    text = config.read_text().replace("  data: data", "  data: data\n  history: history")
    text = text.replace("    - chapters/gamma.qmd\n",
                        "    - chapters/gamma.qmd\n    - chapters/changes.qmd\n")
    config.write_text(text)
    (book / "chapters" / "changes.qmd").write_text(CHANGES_PAGE)


def _publish(book: Path) -> list[str]:
    lines: list[str] = []
    build(book, log=lines.append)
    return lines


def test_a_data_change_is_recorded_printed_and_shown(minibook: Path, tmp_path: Path) -> None:
    _with_history(minibook)
    _publish(minibook)
    first = data_hash(load_config(minibook))
    assert [p.name for p in (minibook / "history").iterdir()] == [f"{first}.json"]
    stored = json.loads((minibook / "history" / f"{first}.json").read_text())
    beta = stored["pages"]["chapters/beta.qmd"]["values"]
    assert beta["len(prices)#1"]["text"] == "2"
    assert beta["prices.usd.max()#1"]["sentence"] == "There are 2 prices; the dearest costs 2.25."

    (minibook / "data" / "prices.csv").write_text("item,usd\napple,1.5\npear,2.25\nfig,4.0\n")
    (minibook / "data" / "growth.csv").write_text("year,value\n2020,2\n2021,20\n")
    lines = _publish(minibook)
    second = data_hash(load_config(minibook))
    assert second != first
    assert sorted(p.name for p in (minibook / "history").iterdir()) == sorted(
        [f"{first}.json", f"{second}.json"])
    changed = [line for line in lines if line.startswith("  changed: ")]
    assert ("  changed: chapters/beta.qmd: “There are 3 prices; the dearest costs 4.0.”: 2 → 3"
            in changed)
    assert ("  changed: chapters/beta.qmd: “There are 3 prices; the dearest costs 4.0.”: "
            "2.25 → 4.0") in changed
    assert ("  changed: chapters/alpha.qmd: “The last value is 20, as @doe-2024 would say.”: "
            "1,000 → 20") in changed
    assert any(c.startswith("  changed: chapters/changes.qmd: Figure 4.1 (fig-changes): data "
                            "version ") for c in changed), changed
    assert len(changed) == 4, "values and figures that did not change are not listed"

    page = (minibook / "site" / "chapters" / "changes.html").read_text()
    assert page.count("<h3>Data version") == 2
    assert "There are 3 prices; the dearest costs 4.0.”: 2.25 → 4.0" in page
    assert "The first recorded version." in page

    quiet = _publish(minibook)  # nothing changed: nothing printed, nothing written
    assert not [line for line in quiet if "changed:" in line]
    assert len(list((minibook / "history").iterdir())) == 2

    # the record survives a fresh clone: a copy without build state shows the same list
    clone = tmp_path / "clone"
    shutil.copytree(minibook, clone, ignore=shutil.ignore_patterns(".book", "site"))
    _publish(clone)
    assert (clone / "site" / "chapters" / "changes.html").read_text().count(
        "2.25 → 4.0") == 1
