"""The engine reads the book's paths from its config: output folder, changelog, data folder."""

from __future__ import annotations

from pathlib import Path

from bookengine.build import build
from bookengine.preview.server import PreviewServer
from bookengine.preview.state import snapshot
from bookengine.source.config_load import load_config
from bookengine.versions.bookversion import BookVersion


def _configure(book: Path) -> None:
    config = book / "_quarto.yml"
    text = config.read_text().replace("output-dir: site", "output-dir: public")
    text = text.replace("  data: data", "  data: data\n  changelog: records/changes.csv")
    config.write_text(text)
    (book / "records").mkdir()
    (book / "records" / "changes.csv").write_text(
        "date,file,note\n2026-03-01,data/growth.csv,first\n2026-04-02,data/prices.csv,second\n")


def test_changelog_and_output_folder_come_from_the_config(minibook: Path) -> None:
    _configure(minibook)
    build(minibook, log=lambda line: None)
    assert (minibook / "public" / "index.html").is_file() and not (minibook / "site").exists()
    page = (minibook / "public" / "index.html").read_text()
    assert "This version: 2026-04-02" in page  # the newest changelog date, later than book.date
    config = load_config(minibook)
    version = BookVersion.of(config)
    date, digest = version.dated, version.data_hash
    assert date == "2026-04-02" and len(digest) == 8
    (minibook / "data" / "prices.csv").write_text("year,usd\n2024,1\n")
    assert BookVersion.of(load_config(minibook)).data_hash != digest


def test_preview_watches_sources_not_its_own_output_folder(minibook: Path) -> None:
    _configure(minibook)
    server = PreviewServer(minibook, port=0, log=lambda line: None)
    server.start(initial_build=True)
    try:
        assert server.output == minibook / "public"
        watched = snapshot(minibook, server.output_dir)
        assert watched and not any(rel.startswith("public") for rel in watched)
        assert "chapters/alpha.qmd" in watched
    finally:
        server.stop()
