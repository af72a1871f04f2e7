"""Text from data files is shown as text wherever it lands; no script in data ever runs.

The payloads go into every place a data string reaches a page: a claim (the synthesis
table), a source's title and author (the data appendix, figure source lines, changelog), a model's
display name (chart legends, labels and tooltips, the CSV downloads), a changelog note and an
assumption's basis (an inline value), and a model name arriving in a refreshed ARC Prize
release (through `make refresh`'s own conversion). The book is then published and every page
opened in Chromium: no dialog opens, the page's Content-Security-Policy never has to block
anything (so the escaping itself held), no element carries an event-handler attribute, and the
payloads read as typed.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from bookengine.build import build
from bookengine.core.localserver import serving
from bookengine.render.numbering import output_href
from bookengine.source.config_load import load_config
from inference_debate.guards.statements import edit_rows
from inference_debate.refresh import refresh

from tests.browser.conftest import wait_for_charts
from tests.conftest import PROJECT_SKIP, REPO
from tests.library import newer_releases as newer

PAYLOADS = ['"><svg onload=alert(1)>', "<img src=x onerror=alert(2)>",
            "<img src=data:x onerror=alert(3)>"]
PLOTTED_MODELS = ("Claude 3.7 Sonnet", "GPT-4o", "Claude 4 Sonnet")

WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(e.violatedDirective + ' ' + (e.sample || e.blockedURI)));
"""
HANDLERS = """() => Array.from(document.querySelectorAll('*')).flatMap(el =>
  Array.from(el.attributes).filter(a => a.name.startsWith('on'))
    .map(a => el.tagName + ' ' + a.name + '=' + a.value))"""


def _plant(book: Path) -> None:
    data = book / "data"
    first_claim = next(csv.DictReader((data / "claims.csv").open()))["claim_id"]

    def claim(row):
        if row["claim_id"] == first_claim:
            row["claim"] = f"Claim {PAYLOADS[0]} {PAYLOADS[1]}"

    edit_rows(data, "claims", claim)

    def model(row):
        for name, payload in zip(PLOTTED_MODELS, PAYLOADS, strict=True):
            if row["display_name"] == name:
                row["display_name"] = f"{name} {payload}"

    edit_rows(data, "models", model)
    edit_rows(data, "changelog", lambda row: row.update(note=f"note {PAYLOADS[2]}"))
    edit_rows(data, "assumptions", lambda row: row.update(
        basis=f"{row['basis']} {PAYLOADS[0]}"))
    sources = yaml.safe_load((data / "sources.yml").read_text(encoding="utf-8"))
    entries = sources["sources"] if isinstance(sources, dict) and "sources" in sources else sources
    first = entries[0] if isinstance(entries, list) else next(iter(entries.values()))
    first["title"] = f"{first['title']} {PAYLOADS[1]}"
    first["author"] = f"{first['author']} {PAYLOADS[2]}"
    (data / "sources.yml").write_text(yaml.safe_dump(sources, allow_unicode=True,
                                                      sort_keys=False), encoding="utf-8")


ARC_PAYLOAD = '<svg onload=alert(4)> (High)'


def _refresh_with_hostile_names(book: Path, work: Path) -> None:
    """A newer ARC Prize release whose new model carries a payload as its display name."""
    upstream = newer.newer_releases(work / "upstream")
    models_path = upstream / "arcprize" / "models.json"
    models = json.loads(models_path.read_text("utf-8"))
    for model in models:
        if model["id"] == "quasar-9-2027-01-10-high":
            model["displayName"] = ARC_PAYLOAD
    models_path.write_text(json.dumps(models), encoding="utf-8")
    with serving(upstream) as base:
        refresh(book, "2026-12-01", release_base=base, log=lambda line: None)


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if not newer.UPSTREAM.is_dir():
        pytest.fail("../shared/upstream is needed for the refreshed-release payload")
    work = tmp_path_factory.mktemp("hostile")
    book = work / "book"
    shutil.copytree(REPO, book, ignore=PROJECT_SKIP)
    _refresh_with_hostile_names(book, work)
    _plant(book)
    build(book, log=lambda line: None)
    yield book


def test_no_script_from_data_runs_anywhere(hostile_book: Path, browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    seen_text = ""
    with serving(hostile_book / "site") as base:
        for rel in load_config(hostile_book).pages:
            page.goto(f"{base}/{output_href(rel)}")
            wait_for_charts(page)
            page.wait_for_timeout(200)
            assert page.evaluate(HANDLERS) == [], rel
            assert page.evaluate("window.__violations") == [], rel
            seen_text += page.evaluate("document.body.innerText")
            seen_text += " ".join(page.eval_on_selector_all(
                ".chart svg text", "ts => ts.map(t => t.textContent)"))
        # search results are built from the index, which holds the same text
        page.fill("#search-input", "Claim")
        page.wait_for_timeout(300)
        assert page.evaluate(HANDLERS) == []
    context.close()
    assert dialogs == []
    for payload in PAYLOADS:
        assert payload in seen_text, f"{payload!r} is not shown as text"
    site = hostile_book / "site"
    arc = (hostile_book / "data" / "arc_agi.csv").read_text(encoding="utf-8")
    assert ARC_PAYLOAD.split(" (")[0] in arc, "the refreshed name reached the book's table"
    csvs = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.csv"))
    assert any(name in csvs for name in (f"{m} {p}" for m, p in zip(PLOTTED_MODELS, PAYLOADS,
                                                                       strict=True)))
