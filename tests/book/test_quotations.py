"""Every quotation of four or more words in the book is in the source texts, word for word.

Passages in double quotation marks are collected from the prose and the figure captions of every
page and from the claims table, normalised (whitespace, curly quotes and apostrophes, ellipses,
dashes) and looked up in the texts of the debate (`../shared/sources/`). A bracketed insertion
("scale[s]") may stand for a few characters, an ellipsis for any stretch of the same text. A
paraphrase in quotation marks fails. Under CI (or BOOK_REQUIRE_BROWSER) missing sources fail the
test instead of skipping it.
"""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, browser_required

SOURCES = Path(os.environ.get("BOOK_SOURCES_DIR", REPO.parent / "shared" / "sources"))
MIN_WORDS = 4

#: Passages in quotation marks that are not quotations of the debate's texts.
ALLOWLIST = {
    # the title of Ord's essay that Kokotajlo's comments answer (not among the collected texts)
    "How well does RL scale?",
    # the name of a link under every figure, quoted in the How to cite appendix
    "Link to this figure",
}

#: An inline value in the prose: a quotation that holds one is not a quotation of a text.
INLINE = re.compile(r"`\{python\}[^`]*`")
QUOTED = re.compile(r'"([^"]+)"')


def normalise(text: str) -> str:
    """Straight quotes and apostrophes, plain dashes and ellipses, single spaces, lower case."""
    for curly, plain in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"'),
                         ("\u2026", "..."), ("\u2013", "-"), ("\u2014", "-"), ("\u00a0", " ")):
        text = text.replace(curly, plain)
    return re.sub(r"\s+", " ", text).strip().lower()


def pattern_for(quote: str) -> re.Pattern[str]:
    """A quotation as a pattern: `[...]` insertions stand for a few characters, `...` for more."""
    parts = re.split(r"(\[[^\]]*\]|\.\.\.)", normalise(quote).strip(" .,;:"))
    regex = ""
    for part in parts:
        if part == "...":
            regex += ".{0,400}?"
        elif part.startswith("[") and part.endswith("]"):
            regex += ".{0,12}?"
        else:
            regex += re.escape(part)
    return re.compile(regex, re.S)


def source_text() -> str:
    files = sorted(p for p in SOURCES.glob("*.txt"))
    return normalise("\n".join(p.read_text(encoding="utf-8") for p in files))


def _prose_and_captions(path: Path) -> tuple[str, list[str]]:
    """A page's prose (front matter and code cells removed) and its figure captions."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    captions = [yaml.safe_load(m.group(1)) for m in
                re.finditer(r"^#\| fig-cap: (.*)$", text, flags=re.M)]
    prose = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    return prose, [c for c in captions if isinstance(c, str)]


def collect_quotations(repo: Path = REPO) -> list[tuple[str, str]]:
    """(where, passage) for every passage of four or more words in double quotation marks."""
    found: list[tuple[str, str]] = []
    pages = [repo / "index.qmd", *sorted(repo.glob("chapters/*.qmd")),
             *sorted(repo.glob("appendices/*.qmd"))]
    for page in pages:
        prose, captions = _prose_and_captions(page)
        where = page.relative_to(repo).as_posix()
        for text, kind in [(prose, "prose")] + [(c, "caption") for c in captions]:
            for m in QUOTED.finditer(text):
                found.append((f"{where} ({kind})", m.group(1)))
    with (repo / "data" / "claims.csv").open(encoding="utf-8") as f:
        for i, row in enumerate(csv.DictReader(f), 2):
            for m in QUOTED.finditer(row["claim"]):
                found.append((f"data/claims.csv line {i}", m.group(1)))
    return [(where, q) for where, q in found
            if len(INLINE.sub(" VALUE ", q).split()) >= MIN_WORDS]


def unmatched(quotations: list[tuple[str, str]], text: str) -> list[str]:
    bad = []
    for where, quote in quotations:
        if quote in ALLOWLIST:
            continue
        if INLINE.search(quote) or not pattern_for(quote).search(text):
            bad.append(f"{where}: \"{quote}\"")
    return bad


@pytest.fixture(scope="module")
def sources() -> str:
    if not SOURCES.is_dir() or not list(SOURCES.glob("*.txt")):
        message = f"the source texts are missing ({SOURCES})"
        if browser_required():
            pytest.fail(message)
        pytest.skip(message)
    return source_text()


def test_the_book_quotes_enough_to_be_worth_checking() -> None:
    quotations = collect_quotations()
    assert len(quotations) >= 40


def test_every_quotation_is_in_the_sources(sources: str) -> None:
    assert unmatched(collect_quotations(), sources) == []


def test_a_paraphrase_in_quotation_marks_fails(sources: str) -> None:
    exact = ("data/x.qmd", "the tailwind of compute scaling will become weaker")
    ellipsis = ("data/x.qmd", "My main claim is ... will become weaker")
    inserted = ("data/x.qmd", "My guess is that the WTP doesn't scale[s] with inference compute")
    paraphrase = ("data/x.qmd", "10,000x RL for 100x inference")
    hardened = ("data/x.qmd", "sweet spots and the saturation points are getting more expensive")
    with_value = ("data/x.qmd", "`{python} fmt.times(1e4)` RL for a hundredfold inference")
    bad = unmatched([exact, ellipsis, inserted, paraphrase, hardened, with_value], sources)
    assert bad == [f'data/x.qmd: "{q}"' for _, q in (paraphrase, hardened, with_value)]


def test_quotations_are_found_in_prose_captions_and_the_claims_table(tmp_path: Path) -> None:
    (tmp_path / "chapters").mkdir()
    (tmp_path / "appendices").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "index.qmd").write_text(
        '---\ntitle: "A title of five words here"\n---\n\nHe wrote "one two three four" and\n'
        '"split over\ntwo lines, five words". Short: "two words".\n\n```{python}\n'
        '#| fig-cap: "Caption quoting \\"a b c d\\" inside."\nx = "not prose at all here"\n```\n',
        encoding="utf-8")
    (tmp_path / "data" / "claims.csv").write_text(
        'claim_id,claim,author,stance,anchor,source_id\nx,"He said ""w x y z""",ord,asserts,'
        "sec-ord,ord\n", encoding="utf-8")
    found = collect_quotations(tmp_path)
    assert found == [("index.qmd (prose)", "one two three four"),
                     ("index.qmd (prose)", "split over\ntwo lines, five words"),
                     ("index.qmd (caption)", "a b c d"),
                     ("data/claims.csv line 2", "w x y z")]
