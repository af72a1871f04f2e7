"""Every figure of the published book says what kind it is, and no linear twin calls itself log."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from inference_debate.charts.common import FIGURE_KINDS

FIGURE = re.compile(r'<figure id="(fig-[\w-]+)".*?</figure>', re.S)
SPEC = re.compile(r'<script type="application/json" class="chart-spec">(.*?)</script>', re.S)


def figures(site: Path):
    """(label, figure HTML, chart payload) for every figure on every page."""
    for page in sorted(site.rglob("*.html")):
        for m in FIGURE.finditer(page.read_text(encoding="utf-8")):
            payload = json.loads(SPEC.search(m.group(0)).group(1))
            yield m.group(1), m.group(0), payload


def _text(markup: str) -> str:
    """The text a reader sees: tags dropped, entities decoded, curly apostrophes straight."""
    text = html.unescape(re.sub(r"<[^>]+>", "", markup)).replace("\u2019", "'")
    return re.sub(r"\s+", " ", text).strip()


def axis_titles(node) -> list[str]:
    """Every axis title in a spec (encoding titles and axis titles), lines joined."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "title" and isinstance(value, str | list):
                found.append(" ".join(value) if isinstance(value, list) else value)
            else:
                found.extend(axis_titles(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(axis_titles(item))
    return found


def test_each_figure_names_its_kind_in_caption_source_line_and_usermeta(built_project: Path
                                                                        ) -> None:
    problems = []
    count = 0
    for label, block, payload in figures(built_project / "site"):
        count += 1
        spec = next(iter(payload["specs"].values()))
        prov = spec["usermeta"]["provenance"]
        kind = prov.get("kind")
        if kind not in FIGURE_KINDS:
            problems.append(f"{label}: usermeta kind {kind!r}")
            continue
        caption = _text(re.search(r"<figcaption>(.*?)</figcaption>", block, re.S).group(1))
        caption = re.sub(r"^Figure [\dA-Z.]+: ", "", caption)
        first_word = FIGURE_KINDS[kind].split()[0]
        if not caption.startswith(first_word):
            problems.append(f"{label}: caption does not open with {first_word!r}: {caption[:40]}")
        source = _text(re.search(r'<p class="chart-source">(.*?)</p>', block, re.S).group(1))
        if not source.startswith(FIGURE_KINDS[kind] + ". Source:"):
            problems.append(f"{label}: source line does not open with the kind: {source[:50]}")
        # The kind in the caption is the figure's kind, not another one.
        for other, words in FIGURE_KINDS.items():
            if other != kind and caption.startswith(words.split()[0]):
                problems.append(f"{label}: caption says {other}, usermeta says {kind}")
    assert count >= 19
    assert problems == []


def test_reconstructions_and_illustrations_are_the_ones_the_reading_found(built_project: Path
                                                                          ) -> None:
    """Figures 1.1 and 4.4 redraw stated figures; 1.3-1.5, 2.3, 3.4, 4.5 and 5.1 are the book's
    analysis (they combine, extend or assume); the shapes with chosen parameters are
    illustrations; the rest are data."""
    kinds = {label: next(iter(p["specs"].values()))["usermeta"]["provenance"]["kind"]
             for label, _, p in figures(built_project / "site")}
    for label in ("fig-ord-log-x", "fig-epoch-frontiermath"):
        assert kinds[label] == "reconstruction", label
    for label in ("fig-ord-readings", "fig-ord-exchange-rate", "fig-ord-per-use-cost",
                  "fig-greenblatt-metr", "fig-kokotajlo-task-value", "fig-epoch-rl-slope",
                  "fig-synthesis-model"):
        assert kinds[label] == "book-analysis", label
    for label in ("fig-epoch-illustration", "fig-greenblatt-frontiers", "fig-kokotajlo-s-curves"):
        assert kinds[label] == "illustration", label
    for label in ("fig-intro-cost", "fig-ord-arc-agi", "fig-epoch-price-trends",
                  "fig-epoch-cheapest-prices"):
        assert kinds[label] == "data", label


def test_no_linear_twin_says_log(built_project: Path) -> None:
    """The engine's linear variant of a switchable chart keeps titles; none may say "log"."""
    twins = 0
    offending = []
    for label, _, payload in figures(built_project / "site"):
        for name, spec in payload["specs"].items():
            if name == "log":
                continue
            twins += name == "linear"
            for title in axis_titles({k: v for k, v in spec.items() if k != "usermeta"}):
                if re.search(r"\blog", title, re.I):
                    offending.append(f"{label} ({name}): {title}")
    assert twins >= 15
    assert offending == []
