"""Limits, each with a clear error naming file and line: rows per chart, output per cell, page
weight; and a preview that keeps up with many connections at once."""

from __future__ import annotations

import concurrent.futures
import urllib.request
from pathlib import Path

import pytest
from bookengine.build import build
from bookengine.core.report import BuildError
from bookengine.preview.server import PreviewServer

from tests.conftest import quiet_build, tree_hash

BIG_CHART = """# Gamma {{#sec-gamma}}

```{{python}}
#| label: fig-big
#| fig-cap: "Many points."
#| fig-alt: "A cloud of points."
import altair as alt
import pandas as pd
frame = pd.DataFrame({{"x": range({rows}), "y": [i % 97 for i in range({rows})]}})
alt.Chart(frame).mark_point().encode(x="x:Q", y="y:Q")
```
"""


def test_rows_per_chart_follow_altair_unless_the_chart_opts_out(minibook: Path) -> None:
    quiet_build(minibook)
    before = tree_hash(minibook / "site")
    gamma = minibook / "chapters" / "gamma.qmd"
    gamma.write_text(BIG_CHART.format(rows=6000))
    with pytest.raises(BuildError) as err:
        quiet_build(minibook)
    assert "chapters/gamma.qmd:3" in str(err.value) and "MaxRowsError" in str(err.value)
    assert "large-charts" in str(err.value)
    assert tree_hash(minibook / "site") == before
    config = minibook / "_quarto.yml"
    config.write_text(config.read_text().replace("book-engine:\n",
                                                 "book-engine:\n  large-charts: [fig-big]\n"))
    quiet_build(minibook)
    assert 'id="fig-big"' in (minibook / "site" / "chapters" / "gamma.html").read_text()


def test_a_cell_output_over_10_mb_is_refused(minibook: Path) -> None:
    gamma = minibook / "chapters" / "gamma.qmd"
    gamma.write_text("# Gamma\n\nText.\n\n```{python}\nprint('x' * 11_000_000)\n```\n")
    with pytest.raises(BuildError, match=r"(?s)chapters/gamma.qmd:5: .*limit is 10 MB per cell"):
        quiet_build(minibook)


def test_a_page_over_300_kb_gzipped_is_refused(minibook: Path) -> None:
    config = minibook / "_quarto.yml"
    config.write_text(config.read_text().replace("book-engine:\n",
                                                 "book-engine:\n  large-charts: [fig-big]\n"))
    gamma = minibook / "chapters" / "gamma.qmd"
    gamma.write_text(BIG_CHART.format(rows=60_000).replace(
        "i % 97", "(i * 7919) % 100003 / 7.0"))
    log: list[str] = []
    build(minibook, log=log.append)  # Quarto publishes a page of any size: a warning
    heavy = [line for line in log if "over the limit of 300 KB" in line]
    assert heavy and heavy[0].startswith("warning: chapters/gamma.qmd:4") and "fig-big" in heavy[0]
    config.write_text(config.read_text().replace("book-engine:\n",
                                                 "book-engine:\n  strict: true\n"))
    with pytest.raises(BuildError) as err:  # a strict book (this one) stops
        quiet_build(minibook)
    message = str(err.value)
    assert "chapters/gamma.qmd:4" in message and "over the limit of 300 KB" in message
    assert "fig-big" in message


def test_preview_serves_200_concurrent_connections(minibook: Path) -> None:
    server = PreviewServer(minibook, port=0, log=lambda line: None)
    server.start()
    try:
        url = f"http://127.0.0.1:{server.port}/index.html"

        def fetch(_: int) -> int:
            with urllib.request.urlopen(url, timeout=30) as response:
                response.read()
                return response.status

        with concurrent.futures.ThreadPoolExecutor(max_workers=200) as pool:
            statuses = list(pool.map(fetch, range(200)))
    finally:
        server.stop()
    assert statuses == [200] * 200
