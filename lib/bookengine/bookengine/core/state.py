"""The engine's state folder, `.book/` beside `_quarto.yml`, and what it holds: the one module
that names these paths. Everything in it can be deleted (`make clean`); the next publish then
executes every page again.

    .book/
      cache/             execution results, one JSON file a page (`bookengine.run.cache`), each
                         recording the hash of its own content
      convert/           pandoc's HTML, by Markdown hash
      render/            static SVGs and compiled views of charts, by spec hash
                         (`render.chart_render.StaticRenderer`)
      mermaid/           static SVGs of Mermaid diagrams, by source hash (`render.mermaid`)
                         (each entry of these three records its content's hash: `cacheentry`)
      assets/            the Vega bundle and its hash, when the Python environment is not
                         writable (`bookengine.render.vegastore`)
      builds/<build>/    every complete build; the output folder is a link to the live one
      builds/<build>.manifest.json   path, size and sha256 of each file of that build
      lock               held by the build running now (its process id inside)
      site-key           the live build's input key and name (`sitekey.site_is_current`)
      output-keys.json   each live page's output key (unchanged pages are copied from it)
      site-stamp.json    the files the live site was made from (the fast no-op check)
      check-index.json   each page's links and ids, by content hash, with a hash of its own
                         records (`bookengine.site.sitecheck`)

Imports only the standard library: the no-op check reads it before anything heavy loads.
"""

from __future__ import annotations

from pathlib import Path

STATE_DIR = ".book"
IGNORED_DIRS = {".git", ".venv", STATE_DIR, "__pycache__", ".pytest_cache", ".ruff_cache",
                "node_modules"}
"""Folders that are never a book's inputs: what no-op checks, cache keys and the preview's
watcher skip."""


class BookState:
    """The paths inside one book's state folder."""

    def __init__(self, root: Path | str):
        self.dir = Path(root) / STATE_DIR

    @property
    def cache(self) -> Path:
        return self.dir / "cache"

    @property
    def convert(self) -> Path:
        return self.dir / "convert"

    @property
    def render(self) -> Path:
        return self.dir / "render"

    @property
    def mermaid(self) -> Path:
        return self.dir / "mermaid"

    @property
    def assets(self) -> Path:
        return self.dir / "assets"

    @property
    def builds(self) -> Path:
        return self.dir / "builds"

    @property
    def lock(self) -> Path:
        return self.dir / "lock"

    @property
    def site_key(self) -> Path:
        return self.dir / "site-key"

    @property
    def output_keys(self) -> Path:
        return self.dir / "output-keys.json"

    @property
    def stamp(self) -> Path:
        return self.dir / "site-stamp.json"

    @property
    def check_index(self) -> Path:
        return self.dir / "check-index.json"
