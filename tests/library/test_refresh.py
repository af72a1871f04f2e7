"""`make refresh` against the real upstream releases served from a local HTTP server.

Each test copies the project's data into a temporary book and the upstream releases into a
temporary folder served on 127.0.0.1; a newer release is made by editing that copy. A failed
refresh must name the source and address and leave `data/` byte for byte as it was.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from bookengine.core.localserver import QuietHandler, serving
from inference_debate import data
from inference_debate.data.catalogue import code_span, escape_cell
from inference_debate.refresh import CHANGELOG_COLUMNS, RefreshError, main, refresh

from tests.library import newer_releases as newer
from tests.library.newer_releases import METR_11, REPO, UPSTREAM

DATE = "2026-12-10"  # after the newest row of data/changelog.csv: a refresh dates the data

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
    return newer.copy_upstream(tmp_path / "upstream")


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


# --- Newer releases of every source: new entries never stop a refresh -----------------------

def _models(project: Path) -> dict[str, dict[str, str]]:
    with open(project / "data" / "models.csv", encoding="utf-8", newline="") as fh:
        return {row["model_id"]: row for row in csv.DictReader(fh)}


def test_the_new_entry_keys_are_unknown_to_the_library_and_the_data():
    texts = [p.read_text("utf-8") for folder in (REPO / "lib", REPO / "data")
             for p in folder.rglob("*") if p.is_file() and p.suffix in (".py", ".csv", ".yml")]
    assert len(newer.new_keys()) >= 15
    for key in newer.new_keys():
        assert not any(key in text for text in texts), key


def test_newer_releases_of_every_source_refresh_and_name_their_new_entries(project, releases,
                                                                          server):
    newer.newer_metr(releases)
    newer.newer_arc(releases)
    newer.newer_epoch(releases)
    before = _models(project)
    lines: list[str] = []
    report = refresh(project, DATE, release_base=server, log=lines.append)
    notes = [line for line in lines if line.startswith("note: ")]
    after = _models(project)

    # Curated names are kept exactly; the other rows say where their names came from.
    for model_id, row in before.items():
        if row["name_origin"] == "curated":
            assert after[model_id] == row
    derived = {**newer.METR_NEW, **newer.ARC_DERIVED}
    for model_id, (name, developer) in derived.items():
        row = after[model_id]
        assert (row["display_name"], row["developer"], row["name_origin"]) == \
            (name, developer, "derived")
        assert any(model_id in note and repr(name) in note and "curate" in note
                   for note in notes), model_id
    for model_id, listed in newer.METR_LISTED.items():
        assert (after[model_id]["display_name"], after[model_id]["name_origin"],
                after[model_id]["source_id"]) == (listed, "release", "metr-release-dates")
        assert not any(model_id in note and "derived" in note for note in notes)
    for model_id, display in newer.ARC_NEW.items():
        if display is not None:
            assert (after[model_id]["display_name"], after[model_id]["developer"],
                    after[model_id]["name_origin"]) == (display, "Nimbus Foundry", "release")
    assert sum("derived" in note for note in notes) == len(derived)

    # New fields are noted, dropped ones the book does not use are not missed.
    assert any("'metrics.is_sota_p50'" in note for note in notes)
    assert any("'tokensPerTask'" in note for note in notes)
    assert any("'method'" in note for note in notes)

    horizons = data.load_table("metr_horizons").set_index("model_id")
    assert set(newer.METR_NEW) | set(newer.METR_LISTED) <= set(horizons.index)
    assert horizons.loc["o3_inspect", "p50_horizon_minutes"] == 95.5
    assert horizons.loc["gpt_7_3", "p80_horizon_minutes"] != horizons.loc[
        "gpt_7_3", "p80_horizon_minutes"]  # absent from the release: stored empty (NaN)
    arc = data.load_table("arc_agi").set_index(["dataset", "model_id"])
    assert arc.loc[("ARC-AGI-1", "o3-2025-04-16-high"), "score_fraction"] == 0.6321
    assert arc.loc[("ARC-AGI-2", "obsidian_loom_7"), "display_name"] == "Obsidian Loom 7"
    trends = data.load_table("epoch_price_trends")
    assert set(newer.EPOCH_THRESHOLDS) <= set(trends["threshold"])
    assert trends["sample_size"].isna().all()
    assert trends.iloc[0]["yearly_reduction_factor"] == 12.5
    prices = data.load_table("epoch_cheapest_prices")
    assert set(newer.EPOCH_MODELS) <= set(prices["model"])

    files = {row["file"] for row in report.changelog}
    assert {"data/metr_horizons.csv", "data/models.csv", "data/arc_agi.csv",
            "data/epoch_price_trends.csv", "data/epoch_cheapest_prices.csv"} <= files

    # The Data and sources appendix lists the names awaiting curation.
    awaiting = data.names_awaiting_curation()
    assert sorted(awaiting["model_id"]) == sorted(derived)
    text = data.names_awaiting_curation_markdown()
    for model_id, (name, _) in derived.items():
        assert code_span(model_id) in text and escape_cell(name) in text  # shown as typed


def test_a_curated_name_always_wins(project, releases, server):
    newer.newer_metr(releases)
    models = project / "data" / "models.csv"
    text = models.read_text("utf-8")
    text += "gpt_7_3,GPT-7.3 (Preview),OpenAI,curated,metr-th-1-1\n"
    text = text.replace("o1-mini-2024-09-12,o1-mini,OpenAI,release,",
                        "o1-mini-2024-09-12,o1-mini (2024),OpenAI,curated,")
    models.write_text(text, encoding="utf-8")
    lines: list[str] = []
    refresh(project, DATE, release_base=server, log=lines.append)
    after = _models(project)
    assert after["gpt_7_3"]["display_name"] == "GPT-7.3 (Preview)"
    assert after["o1-mini-2024-09-12"]["display_name"] == "o1-mini (2024)"
    assert not any("'gpt_7_3'" in line and "derived" in line for line in lines)
    assert any("'gemini_5_2_pro'" in line and "derived" in line for line in lines)


def test_a_metr_release_1_2_under_a_new_file_name_is_found_and_cited(project, releases,
                                                                      server):
    newer.newer_metr(releases, "1.2", "metr/benchmark_results_1_2.yaml")
    lines: list[str] = []
    report = refresh(project, DATE, release_base=server, log=lines.append)
    assert report.new_sources == ["metr-th-1-2"]
    assert report.releases["metr-th-1-2"].version == "1.2"
    assert "metr-th-1-1" not in report.releases
    entry = yaml.safe_load((project / "data" / "sources.yml").read_text("utf-8"))["metr-th-1-2"]
    assert entry["title"] == "Time Horizon 1.2" and entry["release_kind"] == "metr-horizons"
    assert entry["release_url"] == "https://metr.org/assets/benchmark_results_1_2.yaml"
    assert entry["author"] == "METR" and str(entry["date"]) == DATE
    horizons = data.load_table("metr_horizons")
    assert set(horizons["release"]) == {"1.2"} and set(horizons["source_id"]) == {"metr-th-1-2"}
    assert set(data.load_table("metr_doubling_times")["release"]) == {"1.2"}
    logged = {(r["file"], r["source_id"], r["release"]) for r in report.changelog}
    assert ("data/metr_horizons.csv", "metr-th-1-2", "1.2") in logged
    assert data.source_text("metr-th-1-2") == f"METR ({DATE[:4]}), Time Horizon 1.2"

    # The next refresh starts from 1.2 and, finding nothing newer, changes nothing.
    again = data_hash(project)
    lines.clear()
    assert refresh(project, DATE, release_base=server, log=lines.append).changelog == []
    assert data_hash(project) == again
    assert any("benchmark_results_1_2.yaml" in line for line in lines)


def _drop_metr_field(releases: Path) -> str:
    doc = newer.newer_metr(releases)
    del doc["results"]["gemini_5_2_pro"]["metrics"]["p50_horizon_length"]["ci_low"]
    (releases / METR_11).write_text(yaml.safe_dump(doc), encoding="utf-8")
    return "model 'gemini_5_2_pro'"


def _drop_arc_field(releases: Path) -> str:
    evaluations, _ = newer.newer_arc(releases)
    for record in evaluations:
        if record["modelId"] == "marrowind-v2-max":
            del record["costPerTask"]
    (releases / "arcprize/evaluations.json").write_text(json.dumps(evaluations), "utf-8")
    return "result for 'marrowind-v2-max'"


def _drop_epoch_field(releases: Path) -> str:
    newer.newer_epoch(releases)
    path = releases / "epoch/lowest_price_models_data.csv"
    rows = list(csv.reader(path.read_text("utf-8").splitlines()))
    at = rows[0].index("USD per 1M Tokens")
    line = next(n for n, row in enumerate(rows, start=1) if "Pennant Nano" in row)
    rows[line - 1][at] = ""
    path.write_text("\n".join(",".join(f'"{c}"' for c in row) for row in rows) + "\n", "utf-8")
    return f"lowest_price_models_data.csv line {line}"


@pytest.mark.parametrize(("breaks", "source_id", "field"), [
    (_drop_metr_field, "metr-th-1-1", "'metrics.p50_horizon_length.ci_low'"),
    (_drop_arc_field, "arcprize-leaderboard", "'costPerTask'"),
    (_drop_epoch_field, "epoch-price-trends", "'USD per 1M Tokens'"),
], ids=["metr", "arcprize", "epoch"])
def test_a_missing_required_field_names_source_entry_and_field(breaks, source_id, field,
                                                              project, releases, server):
    entry = breaks(releases)
    before = data_hash(project)
    with pytest.raises(RefreshError) as err:
        refresh(project, DATE, release_base=server, log=quiet)
    message = str(err.value)
    assert f"source {source_id}" in message and field in message
    assert "missing" in message or "is empty" in message
    assert entry in message
    assert data_hash(project) == before


# --- Limits: the whole download within --timeout, 50 MB per file ----------------------------

@pytest.fixture
def awkward_server() -> Iterator[tuple[str, dict]]:
    """A server on 127.0.0.1 that answers every request in the way `behaviour['mode']` says."""
    behaviour: dict = {"mode": "dribble", "requests": 0}
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    stop = threading.Event()

    def answer(conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            conn.recv(65536)
            behaviour["requests"] += 1
            try:
                if behaviour["mode"] == "dribble":
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
                    for _ in range(1000):
                        if stop.is_set():
                            return
                        conn.sendall(b"x")
                        time.sleep(0.5)
                elif behaviour["mode"] == "huge":
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 60000000\r\n\r\n" +
                                 b"y" * 1000)
                    time.sleep(1)
                elif behaviour["mode"] == "unannounced":
                    conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
                    for _ in range(40):
                        conn.sendall(b"z" * 10_000)
            except OSError:
                return

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", behaviour
    finally:
        stop.set()
        thread.join(5)
        sock.close()


def test_timeout_covers_the_whole_download_of_a_server_that_dribbles(project, awkward_server,
                                                                     capsys):
    base, _ = awkward_server
    before = data_hash(project)
    started = time.monotonic()
    status = main(["--project", str(project), "--date", DATE, "--timeout", "2",
                   "--release-base", base])
    elapsed = time.monotonic() - started
    assert status == 1
    err = capsys.readouterr().err
    assert "did not complete within 2 s" in err and "source metr-th-1-1" in err
    assert f"{base}/metr/benchmark_results_1_1.yaml" in err
    # Before, each 1-byte read reset the clock: 1,000 bytes at one every 0.5 s took 500 s.
    assert elapsed < 4
    assert data_hash(project) == before


def test_a_release_file_announced_larger_than_50_mb_is_refused_at_once(project, awkward_server):
    base, behaviour = awkward_server
    behaviour["mode"] = "huge"
    before = data_hash(project)
    started = time.monotonic()
    with pytest.raises(RefreshError, match=r"source metr-th-1-1 .*60\.0 MB, more than the limit "
                                           r"of 50\.0 MB per release file"):
        refresh(project, DATE, release_base=base, log=quiet)
    assert time.monotonic() - started < 2
    assert data_hash(project) == before


def test_a_release_file_growing_past_the_limit_is_refused(project, awkward_server):
    base, behaviour = awkward_server
    behaviour["mode"] = "unannounced"
    before = data_hash(project)
    with pytest.raises(RefreshError, match=r"source metr-th-1-1 .*more than the limit of "
                                           r"0\.1 MB per release file"):
        refresh(project, DATE, release_base=base, log=quiet, max_bytes=100_000)
    assert data_hash(project) == before


def test_the_newest_release_is_read_from_the_table_after_a_1_2_refresh(project, releases,
                                                                       server):
    assert data.latest_release("metr_horizons") == "1.1"
    newer.newer_metr(releases, "1.2", "metr/benchmark_results_1_2.yaml")
    refresh(project, DATE, release_base=server, log=quiet)
    assert data.latest_release("metr_horizons") == "1.2"
    assert data.latest_release("metr_doubling_times") == "1.2"


def test_a_newer_release_is_looked_for_beside_an_overridden_file(project, releases, server):
    mirror = releases / "mirror"
    mirror.mkdir()
    shutil.copy(releases / METR_11, mirror / "benchmark_results_1_1.yaml")
    newer.newer_metr(releases, "1.2", "mirror/benchmark_results_1_2.yaml")
    report = refresh(project, DATE, release_base=server, log=quiet,
                     overrides={"metr-th-1-1": f"{server}/mirror/benchmark_results_1_1.yaml"})
    assert report.releases["metr-th-1-2"].urls == [f"{server}/mirror/benchmark_results_1_2.yaml"]
