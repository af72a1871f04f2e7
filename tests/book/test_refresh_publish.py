"""A new upstream release flows into the published book: refresh, publish, find the new model.

The whole project is copied to a temporary folder; a METR release with one more model is served
on 127.0.0.1; after `refresh` and a publish, the model's display name is in the site's pages
(in a chart's data or in the prose), and the changelog appendix lists the refresh.
"""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest
import yaml
from bookengine.build import build
from bookengine.localserver import serving
from inference_debate import upstream
from inference_debate.refresh import refresh

from tests.conftest import REPO, copy_book

UPSTREAM = REPO.parent / "shared" / "upstream"
METR_11 = "metr/benchmark_results_1_1.yaml"
NEW_ID = "zeta_reasoner_9"
NEW_NAME = "Zeta Reasoner 9"
DATE = "2026-12-01"


def newer_release(tmp_path: Path) -> Path:
    """The upstream releases with one more model, on the frontier, in METR's release 1.1."""
    folder = tmp_path / "upstream"
    shutil.copytree(UPSTREAM, folder, copy_function=shutil.copyfile)
    for path in [folder, *folder.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    doc = yaml.safe_load((folder / METR_11).read_text("utf-8"))
    newest = max(doc["results"].values(), key=lambda r: str(r["release_date"]))
    model = yaml.safe_load(yaml.safe_dump(newest))
    model["release_date"] = "2026-06-01"
    for level in ("p50_horizon_length", "p80_horizon_length"):
        for part in ("estimate", "ci_low", "ci_high"):
            model["metrics"][level][part] = float(newest["metrics"][level][part]) * 2
    model["metrics"]["is_sota"] = True
    doc["results"][NEW_ID] = model
    (folder / METR_11).write_text(yaml.safe_dump(doc), encoding="utf-8")
    return folder


@pytest.mark.slow
def test_a_new_model_in_a_release_appears_in_the_published_book(tmp_path, monkeypatch):
    if not UPSTREAM.is_dir():
        pytest.skip("no ../shared/upstream")
    book = copy_book(REPO, tmp_path / "book")
    # A maintainer names a new METR model key before refreshing (see the README).
    monkeypatch.setitem(upstream.METR_DISPLAY_NAMES, NEW_ID, (NEW_NAME, "Zeta Labs"))
    with serving(newer_release(tmp_path)) as base:
        report = refresh(book, DATE, release_base=base, log=lambda line: None)
    monkeypatch.delenv("QUARTO_PROJECT_DIR", raising=False)
    files = {row["file"] for row in report.changelog}
    assert files == {"data/metr_horizons.csv", "data/models.csv"}

    build(book, log=lambda line: None)
    site = (book / "site").resolve()
    pages = {p.relative_to(site).as_posix(): p.read_text("utf-8") for p in site.rglob("*.html")}
    showing = sorted(name for name, text in pages.items() if NEW_NAME in text)
    assert showing, "the new model's name is on no page"
    changelog = next(text for name, text in pages.items() if name.endswith("changelog.html"))
    assert DATE in changelog and NEW_ID in changelog
