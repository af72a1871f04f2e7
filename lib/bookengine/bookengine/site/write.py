"""Writing a build's files: every page laid out with its figures' SVG and CSV, citation files and
resources, the assets and the 404 page. A page whose output key (everything its files are made
from) is the one the live build recorded is copied from the live build, never linked, instead of
being laid out again."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from bookengine.core import manifest
from bookengine.render import listing, vegastore
from bookengine.site import citation, notfound, sitestamp
from bookengine.versions import history, records
from bookengine.versions.bookversion import BookVersion
from bookengine.run.cache import ENGINE_DIR, file_hash
from bookengine.render.chart_render import StaticRenderer
from bookengine.render.charts import drawings, live_views, vega_bundle
from bookengine.source.config import BookConfig
from bookengine.render.convert import ConvertedPage, line_of
from bookengine.source.document import SourceError
from bookengine.site.layout import (
    Layout,
    figure_files,
    html_include_files,
    insert_figures,
    uses_mermaid,
)
from bookengine.core.report import BuildError
from bookengine.render.resources import page_resources
from bookengine.site.sitekey import ENGINE_SUFFIXES
from bookengine.core.state import BookState
from bookengine.core.vendor import vendored

ASSETS = Path(__file__).parents[1] / "assets"

PAGE_GZIP_LIMIT = 300_000
"""The most a page may weigh, gzipped, with its inline charts (the shared assets aside)."""

def write_json(path: Path, value: object) -> None:
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(value, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def write_site(config: BookConfig, pages: list[ConvertedPage], out: Path,
                renderer: StaticRenderer, version: BookVersion,
                warn: Callable[[str], None] = lambda message: None,
                note: Callable[[str], None] = lambda message: None) -> dict[str, str]:
    """Lay out every page and write pages, figures and assets; return each page's output key.

    A page whose output key (everything its HTML and figure files are made from) is the one the
    live build recorded is not laid out again: its files are copied from the live build's (never
    linked: no file of a build is shared with another).
    """
    for page in pages:  # known only once every page has run: the version and its record
        page.body = records.fill_token(history.fill_placeholder(page.body, config), version.id)
    listing.fill(config, pages, warn, note)  # listing pages list the others as built
    layout = Layout(config, pages)
    (out / "assets").mkdir(parents=True)
    for asset in sorted(ASSETS.iterdir()):
        shutil.copyfile(asset, out / "assets" / asset.name)
    for css in layout.styles:  # `format: html: css:`
        source = config.root / css
        if source.is_file():
            (out / css).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, out / css)
    figures = [fig for page in pages for fig in page.figures]
    if figures:
        vega_bundle(renderer, BookState(config.root).assets, wait=True)
        bundle = vegastore.store_for(BookState(config.root).assets).ensure(renderer.notes)
        shutil.copyfile(bundle, out / "assets" / "vega.js")  # the build's own copy
    if any(uses_mermaid(p.body) for p in pages):
        shutil.copyfile(vendored("mermaid.min.js"), out / "assets" / "mermaid.js")
    rendered, downloads = drawings(renderer, figures)
    live_views(renderer, pages)
    keys = _output_keys(config, pages, rendered, version,
                        layout.header_html)
    live, live_keys = _live_output_keys(config)
    if live is not None and manifest.verify(live):
        live = None  # a damaged live build lends nothing to the next
    for page in pages:
        if live is not None and live_keys.get(page.href) == keys[page.href] and \
                _reuse_page(live, out, page, config):
            continue
        try:
            write_page(out, page, layout, rendered, config, version,
                        warn, downloads)
        except SourceError as exc:
            raise BuildError([str(exc)]) from exc
        except Exception as exc:  # noqa: BLE001 - named with its page
            raise BuildError([f"{page.rel}: writing the page failed: "
                              f"{type(exc).__name__}: {exc}"]) from exc
    notfound.write_page(config, layout, out, version.date)
    return keys


def _output_keys(config: BookConfig, pages: list[ConvertedPage], rendered: dict[str, str],
                 version: BookVersion, header_html: str = "") -> dict[str, str]:
    """Per page, one hash over all its written files depend on: the page itself (body, headings,
    front matter, figures with their specs and drawings), the book's navigation, the citation
    dates, the config files, the bibliography, the project's stylesheets and header, and the
    engine's code and templates."""
    common = hashlib.sha256()
    nav = [(p.href, p.number, p.title, p.nav_title, p.appendix) for p in pages]
    common.update(json.dumps([nav, version.date, version.changes, version.id],
                             sort_keys=True).encode())
    common.update(header_html.encode())
    for name in html_include_files(config):
        path = config.root / name
        common.update(path.read_bytes() if path.is_file() else b"-")
    root = config.root
    for rec in sitestamp.config_entries(root):
        common.update(f"{rec['path']}:{rec['sha256']}".encode())
    for extra in config.bibliography:
        path = root / extra
        common.update(file_hash(path).encode() if path.is_file() else b"-")
    for path in sitestamp.tree_files(ENGINE_DIR, ENGINE_SUFFIXES):
        common.update(f"{path.relative_to(ENGINE_DIR)}:{file_hash(path)}".encode())
    base = common.hexdigest()
    keys = {}
    for page in pages:
        digest = hashlib.sha256(base.encode())
        fields = {k: v for k, v in vars(page).items() if k != "figures"}
        digest.update(json.dumps(fields, sort_keys=True, default=str).encode())
        for fig in page.figures:
            digest.update(json.dumps(vars(fig), sort_keys=True, default=str).encode())
            digest.update(rendered[fig.label].encode())
        keys[page.href] = digest.hexdigest()
    return keys


def _live_output_keys(config: BookConfig) -> tuple[Path | None, dict[str, str]]:
    """The live build and the output keys it recorded (none if it recorded none)."""
    try:
        stored = json.loads(BookState(config.root).output_keys.read_text(encoding="utf-8"))
        live = config.output_path.resolve()
    except (OSError, ValueError):
        return None, {}
    if not config.output_path.is_symlink() or live.name != stored.get("build"):
        return None, {}
    return live, dict(stored.get("keys") or {})


def _reuse_page(live: Path, out: Path, page: ConvertedPage, config: BookConfig) -> bool:
    """Copy a page's HTML, figure files, output images, linked resources and citation files
    from the live build (verified just before); False if one is missing."""
    files = [page.href] + [f for fig in page.figures for f in
                           (figure_files(fig)["svg"], figure_files(fig)["csv"])]
    files += [*page.files, *page_resources(page.body, page.rel, config.root)]
    files += citation.citation_paths(config, page)
    files = [f for f in dict.fromkeys(files) if not (out / f).exists()]
    if not all((live / f).is_file() for f in files):
        return False
    for f in files:
        (out / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(live / f, out / f)
    return True


def write_page(out: Path, page: ConvertedPage, layout: Layout, rendered: dict[str, str],
                config: BookConfig, version: BookVersion,
                warn: Callable[[str], None] = lambda message: None,
                downloads: dict[str, str] | None = None) -> None:
    """Write one page with its figures' SVG and CSV files."""
    for fig in page.figures:
        files = figure_files(fig)
        target = out / files["svg"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text((downloads or rendered)[fig.label], encoding="utf-8")
        (out / files["csv"]).write_text(fig.csv_text(), encoding="utf-8")
    for site_path, data in page.files.items():  # images from cell outputs
        (out / site_path).parent.mkdir(parents=True, exist_ok=True)
        (out / site_path).write_bytes(data)
    for rel in page_resources(page.body, page.rel, config.root):  # images, videos it links
        if not (out / rel).exists():
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(config.root / rel, out / rel)
    extra = citation.page_extras(config, page, version)
    for site_path, text in extra["citation_files"].items():
        (out / site_path).parent.mkdir(parents=True, exist_ok=True)
        (out / site_path).write_text(text, encoding="utf-8")
    body = insert_figures(page.body, page, rendered, extra)
    html = layout.render(page, body, extra)
    heavy = _check_weight(config, page, html)
    if heavy:
        warn(heavy)  # Quarto publishes any size; a `strict` book stops
    dest = out / page.href
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(html, encoding="utf-8")


def _check_weight(config: BookConfig, page: ConvertedPage, html: str) -> str | None:
    """`file:line: …` for a page heavier than PAGE_GZIP_LIMIT gzipped, naming its heaviest
    figure; None for a page within it."""
    weight = len(gzip.compress(html.encode("utf-8"), 6))
    if weight <= PAGE_GZIP_LIMIT:
        return None
    line, heaviest = 1, ""
    if page.figures:
        fig = max(page.figures, key=lambda f: len(json.dumps(f.spec)))
        line = line_of(config.root / page.rel, "label: " + fig.label)
        heaviest = (f"; its heaviest figure, {fig.label}, carries "
                    f"{len(json.dumps(fig.spec)) // 1000} KB of chart data")
    return (f"{page.rel}:{line}: the page weighs {weight // 1000} KB gzipped, over the limit of "
            f"{PAGE_GZIP_LIMIT // 1000} KB{heaviest}; plot fewer rows or split the page")
