"""`make bench SYNTHETIC=1`: generated books of 10, 50 and 100 chapters with a chart each, cold,
no-op and one chapter changed, so that cost can be seen to grow with the change, not with the
book."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from bookengine.bench.timing import (
    Table,
    append_to,
    cold_start,
    no_change,
    publish_once,
    timed,
)

SYNTHETIC_CHAPTER = '''# Chapter {n}

```{{python}}
import altair as alt
import pandas as pd

table = pd.read_csv("../data/series{n:03d}.csv")
last = f"{{table.value.iloc[-1]:.1f}}"
```

Chapter {n} ends its series at `{{python}} last`. See @sec-ch{n:03d}-more.

## More {{#sec-ch{n:03d}-more}}

```{{python}}
#| label: fig-ch{n:03d}
#| fig-cap: "Series {n}."
#| fig-alt: "A line over five years."
alt.Chart(table).mark_line(point=True).encode(x="year:O", y="value:Q").properties(
    width="container", height=240)
```
'''

def synthetic_book(dest: Path, chapters: int) -> Path:
    """A generated book of `chapters` chapters, each reading its own CSV and drawing a chart."""
    (dest / "chapters").mkdir(parents=True)
    (dest / "data").mkdir()
    names = [f"chapters/ch{n:03d}.qmd" for n in range(1, chapters + 1)]
    listing = "\n".join(f"    - {name}" for name in names)
    (dest / "_quarto.yml").write_text(
        "project:\n  type: book\n  output-dir: site\nbook:\n  title: \"Synthetic\"\n"
        f"  author: \"Bench\"\n  chapters:\n    - index.qmd\n{listing}\n"
        "execute:\n  echo: false\nbook-engine:\n  library: []\n  lock: null\n"
        "  preload: [pandas, altair]\n", encoding="utf-8")
    (dest / "index.qmd").write_text("# Synthetic {.unnumbered}\n\nA generated book.\n")
    for n in range(1, chapters + 1):
        (dest / f"chapters/ch{n:03d}.qmd").write_text(SYNTHETIC_CHAPTER.format(n=n))
        rows = "\n".join(f"{2020 + y},{n + y * 1.5:.1f}" for y in range(5))
        (dest / f"data/series{n:03d}.csv").write_text(f"year,value\n{rows}\n")
    return dest


def bench_synthetic(runs: int, sizes: tuple[int, ...] = (10, 50, 100)) -> None:
    """Cold, no-op and one-chapter-changed times for generated books of several sizes."""
    table = Table(f"Synthetic books (one chart a chapter), whole processes, median of {runs} "
                  "(cold: one run, the longest build):")
    base: dict[str, float] = {}
    for size in sizes:
        book = synthetic_book(Path(tempfile.mkdtemp(prefix=f"book-bench-{size}-")) / "book", size)
        run = lambda book=book: publish_once(book)  # noqa: E731
        cold = timed(run, cold_start(book), 1)
        noop = timed(run, no_change, runs)
        middle = book / f"chapters/ch{size // 2:03d}.qmd"
        one = timed(run, append_to(middle, lambda i: f"\nAn added sentence {i}.\n"), runs)
        table.add(f"{size} chapters: cold", cold.seconds)
        if not base:
            base = {"noop": noop.seconds, "one": one.seconds}
            table.add(f"{size} chapters: no-op", noop.seconds, 0.2)
            table.add(f"{size} chapters: one chapter changed", one.seconds,
                      detail=f"its kernel {one.kernel:.2f} s")
        else:
            table.add(f"{size} chapters: no-op", noop.seconds, 1.5 * base["noop"],
                      target_text=f"1.5 × {sizes[0]} chapters")
            table.add(f"{size} chapters: one chapter changed", one.seconds, 1.5 * base["one"],
                      target_text=f"1.5 × {sizes[0]} chapters",
                      detail=f"its kernel {one.kernel:.2f} s")
        shutil.rmtree(book.parent, ignore_errors=True)
    table.print()
