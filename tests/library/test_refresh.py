"""`make refresh` against the real upstream releases served from a local HTTP server.

Each test copies the project's data into a temporary book and the upstream releases into a
temporary folder served on 127.0.0.1; a newer release is made by editing that copy. A failed
refresh must name the source and address and leave `data/` byte for byte as it was.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from bookengine.localserver import QuietHandler, serving
from inference_debate import data
from inference_debate.refresh import CHANGELOG_COLUMNS, RefreshError, main, refresh

REPO = Path(__file__).resolve().parents[2]
UPSTREAM = REPO.parent / "shared" / "upstream"
METR_11 = "metr/benchmark_results_1_1.yaml"
DATE = "2026-12-01"

pytestmark = pytest.mark.skipif(not UPSTREAM.is_dir(), reason="no ../shared/upstream")


class _Handler(QuietHandler):
    cut_in_transit: set[str] = set()

    def do_GET(self) -> None:  # noqa: N802
        if self.path.lstrip("/") in self.cut_in_transit:
            body = Path(self.translate_path(self.path)).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
            return
        super().do_GET()


@pytest.fixture
def releases(tmp_path: Path) -> Path:
    """A writable copy of the upstream releases."""
    folder = tmp_path / "upstream"
    shutil.copytree(UPSTREAM, folder, copy_function=shutil.copyfile)
    for path in [folder, *folder.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    return folder


@pytest.fixture
def cut() -> set[str]:
    """Paths the server announces in full but sends only half of."""
    return set()


@pytest.fixture
def server(releases: Path, cut: set[str]) -> Iterator[str]:
    """The copied releases served on an ephemeral port of 127.0.0.1; yields the base address."""
    handler = type("Handler", (_Handler,), {"cut_in_transit": cut})
    with serving(releases, handler) as base:
        yield base


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary copy of the book's data, sources and configuration."""
    book = tmp_path / "book"
    book.mkdir()
    shutil.copy(REPO / "_quarto.yml", book)
    shutil.copy(REPO / "references.bib", book)
    shutil.copytree(REPO / "data", book / "data")
    monkeypatch.setenv("QUARTO_PROJECT_DIR", str(book))
    return book


def data_hash(project: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted((project / "data").rglob("*")):
        digest.update(path.relative_to(project).as_posix().encode())
        digest.update(path.read_bytes() if path.is_file() else b"/")
    return digest.hexdigest()


def changelog_rows(project: Path) -> list[dict[str, str]]:
    with open(project / "data" / "changelog.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def quiet(line: str) -> None:
    pass


def test_refresh_from_the_real_releases_keeps_every_table_valid(project, server):
    before = data_hash(project)
    report = refresh(project, DATE, release_base=server, log=quiet)
    assert set(report.releases) == {sid for sid, s in data.load_sources().items()
                                    if s.release_urls}
    for name in data.TABLES:
        if data.table_path(name).is_file():
            assert len(data.load_table(name)) > 0
    # data/ was curated from these very releases, so nothing changes and nothing is logged.
    assert report.changelog == []
    assert data_hash(project) == before
    assert report.releases["metr-th-1-1"].version == "1.1"
    assert report.releases["metr-th-1-0"].version == "1.0"


def _newer_metr(releases: Path) -> dict:
    """Release 1.1 with a model added, one revised, one withdrawn and a new field."""
    path = releases / METR_11
    doc = yaml.safe_load(path.read_text("utf-8"))
    results = doc["results"]
    added = dict(results["o3_inspect"], release_date="2025-11-19")
    added["metrics"] = yaml.safe_load(yaml.safe_dump(results["o3_inspect"]["metrics"]))
    added["metrics"]["p50_horizon_length"] = {"estimate": 173.25, "ci_low": 90.5,
                                              "ci_high": 340.0}
    added["metrics"]["new_metric"] = {"estimate": 1.0}
    results["gpt_5_1_codex_max"] = added
    results["o3_inspect"]["metrics"]["p50_horizon_length"]["estimate"] = 95.5
    del results["gpt2"]
    path.write_text(yaml.safe_dump(doc, sort_keys=True), encoding="utf-8")
    return doc


def test_a_newer_release_adds_changes_and_removes_rows_and_logs_them(project, server, releases):
    old_log = (project / "data" / "changelog.csv").read_bytes()
    doc = _newer_metr(releases)
    lines: list[str] = []
    report = refresh(project, DATE, release_base=server, log=lines.append)

    horizons = data.load_table("metr_horizons").set_index("model_id")
    assert len(horizons) == len(doc["results"])
    assert horizons.loc["gpt_5_1_codex_max", "p50_horizon_minutes"] == 173.25
    assert horizons.loc["o3_inspect", "p50_horizon_minutes"] == 95.5
    assert "gpt2" not in horizons.index
    assert any("new_metric" in line and line.startswith("note:") for line in lines)

    new = (project / "data" / "changelog.csv").read_bytes()
    assert new.startswith(old_log), "the changelog is appended to, never rewritten"
    rows = changelog_rows(project)[len(changelog_rows_of(old_log)):]
    assert rows == report.changelog
    # Only metr_horizons changed: the added model's display name was already in models.csv
    # (it is in release 1.0), and gpt2 stays there through release 1.0's costs.
    assert [(r["file"], r["source_id"], r["release"], r["date"]) for r in rows] == [
        ("data/metr_horizons.csv", "metr-th-1-1", "1.1", DATE)]
    assert (rows[0]["rows_added"], rows[0]["rows_removed"], rows[0]["rows_changed"]) == \
        ("1", "1", "1")
    assert "gpt_5_1_codex_max" in rows[0]["note"]
    assert data.load_table("changelog")["date"].max().strftime("%Y-%m-%d") == DATE

    # The same release again changes nothing and logs nothing.
    again = data_hash(project)
    assert refresh(project, DATE, release_base=server, log=quiet).changelog == []
    assert data_hash(project) == again


def changelog_rows_of(raw: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(raw.decode("utf-8").splitlines()))


def test_a_release_that_states_its_date_dates_its_changelog_row(project, server, releases):
    doc = _newer_metr(releases)
    doc["date"] = "2026-12-15"
    (releases / METR_11).write_text(yaml.safe_dump(doc), encoding="utf-8")
    report = refresh(project, DATE, release_base=server, log=quiet)
    assert [r["date"] for r in report.changelog] == ["2026-12-15"]
    assert list(report.changelog[0]) == list(CHANGELOG_COLUMNS)


def _remove_release_date(releases: Path) -> None:
    path = releases / METR_11
    doc = yaml.safe_load(path.read_text("utf-8"))
    del doc["results"]["o3_inspect"]["release_date"]
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")


def _remove_epoch_column(releases: Path) -> None:
    path = releases / "epoch/lowest_price_models_results.csv"
    rows = list(csv.reader(path.read_text("utf-8").splitlines()))
    column = rows[0].index("price_reduction_factor_per_year")
    path.write_text("\n".join(",".join(f'"{c}"' for i, c in enumerate(row) if i != column)
                              for row in rows) + "\n", encoding="utf-8")


def _truncate(relative: str):
    def cut(releases: Path) -> None:
        path = releases / relative
        body = path.read_bytes()
        path.write_bytes(body[: len(body) // 2])
    return cut


def _score_above_one(releases: Path) -> None:
    path = releases / "arcprize/evaluations.json"
    path.write_text(path.read_text("utf-8").replace('"score": 0.98', '"score": 9.8', 1),
                    encoding="utf-8")


BREAKS = {
    "404": (lambda r: (r / "arcprize/models.json").unlink(),
            "arcprize-leaderboard", "arcprize/models.json", "HTTP error 404"),
    "truncated yaml": (_truncate(METR_11), "metr-th-1-1", METR_11, ""),
    "truncated json": (_truncate("arcprize/evaluations.json"), "arcprize-leaderboard",
                       "arcprize/evaluations.json", "malformed or truncated"),
    "truncated csv": (_truncate("epoch/lowest_price_models_data.csv"), "epoch-price-trends",
                      "lowest_price_models_data.csv", "truncated or malformed"),
    "required field removed": (_remove_release_date, "metr-th-1-1", METR_11,
                               "'release_date' is missing"),
    "required column removed": (_remove_epoch_column, "epoch-price-trends",
                                "lowest_price_models_results.csv",
                                "'price_reduction_factor_per_year'"),
    "value out of range": (_score_above_one, "arcprize-leaderboard", "evaluations.json",
                           "column score_fraction: value \"9.8\""),
}


@pytest.mark.parametrize("case", sorted(BREAKS))
def test_a_bad_release_stops_the_refresh_and_leaves_data_unchanged(case, project, server,
                                                                    releases):
    breaks, source_id, file, expected = BREAKS[case]
    breaks(releases)
    before = data_hash(project)
    with pytest.raises(RefreshError) as err:
        refresh(project, DATE, release_base=server, log=quiet)
    message = str(err.value)
    assert f"source {source_id}" in message
    assert f"{server}/" in message and file in message
    assert expected in message
    if case.startswith("truncated"):
        assert "truncated" in message
    assert data_hash(project) == before


def test_a_download_cut_short_in_transit_is_refused(project, server, cut):
    cut.add("epoch/lowest_price_models_data.csv")
    before = data_hash(project)
    with pytest.raises(RefreshError, match=r"source epoch-price-trends .*truncated"):
        refresh(project, DATE, release_base=server, log=quiet)
    assert data_hash(project) == before


def test_connection_refused_stops_with_the_address_and_a_failing_exit_status(project, capsys):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    before = data_hash(project)
    status = main(["--project", str(project), "--date", DATE, "--timeout", "5",
                   "--release-base", f"http://127.0.0.1:{port}"])
    assert status != 0
    err = capsys.readouterr().err
    assert f"http://127.0.0.1:{port}/" in err and "could not connect" in err
    assert "source metr-th-1-1" in err and "data/ is unchanged" in err
    assert data_hash(project) == before


def test_one_source_can_be_pointed_elsewhere(project, server, releases, tmp_path):
    mirror = releases / "mirror"
    mirror.mkdir()
    shutil.copy(releases / METR_11, mirror / "benchmark_results_1_1.yaml")
    (releases / METR_11).unlink()
    status = main(["--project", str(project), "--date", DATE, "--release-base", server,
                   "--base-url-override", f"metr-th-1-1={server}/mirror/"])
    assert status == 0
    with pytest.raises(RefreshError, match="HTTP error 404"):
        refresh(project, DATE, release_base=server, log=quiet)
