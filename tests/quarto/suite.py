"""The projects the differential suite renders with real Quarto and the engine, and the README
table made from the comparison's results (`python -m tests.quarto.run --readme` rewrites it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tests.quarto.compare import Comparison, load_deviations
from tests.quarto.reader import KINDS

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
START = "<!-- quarto-differential:start -->"
END = "<!-- quarto-differential:end -->"


@dataclass(frozen=True)
class Project:
    """A project of the suite: its name in results and deviations, and its folder."""

    name: str
    path: Path
    slow: bool = False


PROJECTS = (
    Project("quarto-features", REPO / "tests" / "fixtures" / "quarto-features"),
    Project("minibook", REPO / "tests" / "fixtures" / "minibook"),
    Project("benchbook", REPO / "tests" / "fixtures" / "benchbook"),
    Project("website", REPO / "tests" / "fixtures" / "website"),
    Project("smoke", REPO / "tests" / "quarto" / "smoke" / "docs"),
    Project("book", REPO, slow=True),
)


def table(results: list[Comparison]) -> str:
    """The README's compatibility table: per project, what was compared and how it came out;
    then each deviation, what it covered and why."""
    lines = ["| project | pages | items compared | of which | covered by a deviation | "
             "differences |", "|---|---|---|---|---|---|"]
    for r in results:
        kinds = " · ".join(f"{k} {r.by_kind[k]}" for k in KINDS if r.by_kind.get(k))
        lines.append(f"| `{r.project}` | {r.pages} | {r.compared} | {kinds} | {r.deviations} | "
                     f"{len(r.uncovered)} |")
    counts: dict[str, int] = {}
    for r in results:
        for dev, diffs in r.covered.items():
            counts[dev] = counts.get(dev, 0) + len(diffs)
    lines += ["", "| deviation | items it covers | why |", "|---|---|---|"]
    for dev in load_deviations():
        n = counts.get(dev.id, 0) if dev.kind else "left out of the reading"
        why = re.sub(r"\s+", " ", dev.why).replace("|", "\\|")
        lines.append(f"| `{dev.id}` | {n} | {why} |")
    return "\n".join(lines)


def readme_table(text: str) -> str:
    """The table currently in the README."""
    m = re.search(re.escape(START) + r"\n(.*?)\n?" + re.escape(END), text, re.S)
    return m.group(1).strip() if m else ""


def write_readme(results: list[Comparison]) -> None:
    text = README.read_text(encoding="utf-8")
    new = re.sub(re.escape(START) + r"\n.*?" + re.escape(END),
                 lambda _: f"{START}\n{table(results)}\n{END}", text, flags=re.S)
    README.write_text(new, encoding="utf-8")
