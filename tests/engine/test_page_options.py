"""One merge of a page's options, as Quarto's `mergeConfigs` merges them: the project's
top-level options and `format: html:`, the page's folders' `_metadata.yml`, its front matter
and its own `format: html:`."""

from __future__ import annotations

from pathlib import Path

from bookengine.run.execresult import figure_defaults
from bookengine.source.config_load import load_config
from bookengine.source.pageoptions import directory_metadata, merge_configs, page_options


def test_merge_configs_joins_lists_and_merges_mappings() -> None:
    merged = merge_configs({"categories": ["a", "b"], "format": {"html": {"toc": True}},
                            "title": "x"},
                           {"categories": "b", "format": {"html": {"code-fold": True}},
                            "title": "y"},
                           {"categories": ["c"]})
    assert merged == {"categories": ["a", "b", "c"],
                      "format": {"html": {"toc": True, "code-fold": True}}, "title": "y"}


def test_layers_in_quartos_order(tmp_path: Path) -> None:
    (tmp_path / "_quarto.yml").write_text(
        "project:\n  type: website\nfig-width: 4\ntoc: true\nformat:\n  html:\n"
        "    fig-height: 3\n    toc-location: left\n", encoding="utf-8")
    (tmp_path / "_metadata.yml").write_text("fig-dpi: 150\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "_metadata.yml").write_text("fig-dpi: 200\nfig-width: 5\n",
                                                    encoding="utf-8")
    (tmp_path / "sub" / "page.qmd").write_text("x\n", encoding="utf-8")
    folders, read = directory_metadata(tmp_path, "sub/page.qmd")
    assert folders == {"fig-dpi": 200, "fig-width": 5}  # the nearest folder wins
    assert [p.relative_to(tmp_path.resolve()).as_posix() for p in read] == [
        "_metadata.yml", "sub/_metadata.yml"]
    config = load_config(tmp_path)
    front = merge_configs(folders, {"format": {"html": {"fig-height": 6}}})
    options = page_options(config, front)
    assert options["toc"] is True and options["toc-location"] == "left"
    figure = figure_defaults(options)
    assert (figure["WIDTH"], figure["HEIGHT"], figure["DPI"]) == (5.0, 6.0, 200.0)
    # With nothing set, Quarto's HTML defaults.
    assert figure_defaults({}) == {"WIDTH": 7.0, "HEIGHT": 5.0, "DPI": 96.0, "FORMAT": "retina"}
