"""The build: read config → parse → plan → execute → convert → lay out → publish.

Each stage is one function with a one-line docstring; `build()` runs them in order and either
switches the published site to a complete, checked build or raises `BuildError` listing every
problem found, leaving the published site as it was.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bookengine import citation, forkserver, history, lifeline, manifest, notfound, search, versions
from bookengine.cache import STATE_DIR, Cache, Decision, Fingerprint, file_hash, tree_hash
from bookengine.config import BookConfig, ConfigError, load_config
from bookengine.convert import (
    ConvertedPage,
    add_heading_anchors,
    line_of,
    page_markdown,
    run_pandoc,
)
from bookengine.execute import ExecResult, execute
from bookengine.figures import StaticRenderer
from bookengine.layout import Layout, figure_files, insert_figures
from bookengine.numbering import PageNumbers, Target, number_book
from bookengine.publish import (
    PublishError,
    build_lock,
    check_site,
    clean_old_builds,
    new_build_dir,
    switch_site,
)
from bookengine.qmd import Document, SourceError, parse

ASSETS = Path(__file__).parent / "assets"
PAGE_GZIP_LIMIT = 300_000
"""The most a page may weigh, gzipped, with its inline charts (the shared assets aside)."""


class BuildError(Exception):
    """The build stopped; `problems` has every reason, each naming file and line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class PageReport:
    rel: str
    status: str  # "cached" or "executed"
    reason: str
    seconds: float = 0.0


@dataclass
class BuildReport:
    """What a build did, page by page."""

    pages: list[PageReport] = field(default_factory=list)
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    """Seconds spent in each stage (execute, convert, write, check)."""
    site: Path | None = None

    @property
    def executed(self) -> list[str]:
        return [p.rel for p in self.pages if p.status == "executed"]

    def summary(self) -> str:
        lines = []
        for p in self.pages:
            extra = f" ({p.reason}, {p.seconds:.1f} s)" if p.status == "executed" else ""
            lines.append(f"  {p.status:8} {p.rel}{extra}")
        n_exec = len(self.executed)
        stages = ", ".join(f"{k} {v:.1f} s" for k, v in self.stages.items())
        lines.append(f"{len(self.pages)} pages: {n_exec} executed, {len(self.pages) - n_exec} "
                     f"cached; published in {self.seconds:.1f} s ({stages})")
        return "\n".join(lines)


def build(root: Path | str, jobs: int | None = None,
          log: Callable[[str], None] = print) -> BuildReport:
    """Build the book at `root` and publish it to its output directory.

    Every failure, expected or not, is raised as `BuildError`; the published site is unchanged.
    """
    try:
        return _build(root, jobs, log)
    except (BuildError, ConfigError, KeyboardInterrupt):
        raise
    except Exception as exc:  # noqa: BLE001 - reported, never a bare traceback
        raise BuildError([f"the build stopped unexpectedly: {type(exc).__name__}: {exc}"]) from exc


def _build(root: Path | str, jobs: int | None, log: Callable[[str], None]) -> BuildReport:
    """Run the stages in order."""
    started = time.perf_counter()
    try:
        config = load_config(root)
    except ConfigError as exc:
        raise BuildError([str(exc)]) from exc
    with build_lock(config.root, log):
        lifeline.remove_orphaned_temp_dirs()
        docs = _parse_pages(config)
        try:
            numbers, targets = number_book(docs, len(config.chapters))
        except SourceError as exc:
            raise BuildError([str(exc)]) from exc
        report = BuildReport()
        mark = time.perf_counter()
        results = _execute_pages(config, docs, report, jobs or os.cpu_count() or 1, log)
        report.stages["execute"] = time.perf_counter() - mark
        current = _record_history(config, docs, results, numbers, log)
        key = _site_key(config, docs)
        version = versions.version_id(config, key)
        record = versions.record(config, version, current, {n.rel: n.href for n in numbers},
                                 {d.rel: file_hash(d.path) for d in docs})
        if _site_is_current(config, key):
            damage = manifest.verify(config.output_path.resolve())
            if not damage:
                if versions.read_record(config.output_path.resolve()) is None:
                    versions.write_record(config.output_path.resolve(), record)
                report.seconds = time.perf_counter() - started
                report.site = config.output_path
                return report
            log(f"the live site differs from its build ({manifest.summary(damage)}); "
                "rebuilding it")
        mark = time.perf_counter()
        pages = _convert_pages(config, docs, results, numbers, targets, log, version)
        report.stages["convert"] = time.perf_counter() - mark
        build_dir = new_build_dir(config.root)
        try:
            mark = time.perf_counter()
            _write_site(config, pages, build_dir, version)
            report.stages["write"] = time.perf_counter() - mark
            mark = time.perf_counter()
            problems = check_site(build_dir, notfound.site_path(config))
            report.stages["check"] = time.perf_counter() - mark
            if problems:
                raise PublishError("the new build failed its checks:\n" + "\n".join(problems))
            manifest.write_manifest(build_dir)
            versions.write_record(build_dir, record)
        except Exception as exc:
            shutil.rmtree(build_dir, ignore_errors=True)
            if isinstance(exc, PublishError | SourceError):
                raise BuildError([str(exc)]) from exc
            raise
        switch_site(config.root, config.output_dir, build_dir)
        (config.root / STATE_DIR / "site-key").write_text(f"{key} {build_dir.name}\n")
        clean_old_builds(config.root, config.output_dir)
    report.seconds = time.perf_counter() - started
    report.site = config.output_path
    return report


def _site_key(config: BookConfig, docs: list[Document]) -> str:
    """One hash over everything a published site is made from."""
    digest = hashlib.sha256()
    cache = Cache(config)
    for doc in docs:
        digest.update(doc.rel.encode())
        digest.update(file_hash(doc.path).encode())
        digest.update(json.dumps(cache.stored_inputs(doc.rel), sort_keys=True).encode())
        entry = cache.entry_path(doc.rel)
        digest.update(file_hash(entry).encode() if entry.is_file() else b"-")
    for extra in ["_quarto.yml", *config.bibliography, *filter(None, [config.changelog])]:
        path = config.root / extra
        digest.update(file_hash(path).encode() if path.is_file() else b"-")
    if config.history:
        digest.update(tree_hash([config.root / config.history], (".json",)).encode())
    digest.update(tree_hash([Path(__file__).resolve().parent],
                            (".py", ".html", ".css", ".js")).encode())
    return digest.hexdigest()


def _record_history(config: BookConfig, docs: list[Document], results: dict[str, ExecResult],
                    numbers: list[PageNumbers], log: Callable[[str], None]) -> dict:
    """Keep this data version's values and print what changed in the argument since the last;
    return the snapshot (kept with the build's version record in any case)."""
    current = history.snapshot(docs, results, numbers)
    if config.history and config.data_dir:
        history.History(config).record(current, history.data_hash(config),
                                       citation.version_date(config), log)
    return current


def _site_is_current(config: BookConfig, key: str) -> bool:
    """True when the live site was built from exactly these inputs."""
    try:
        stored_key, build_name = (config.root / STATE_DIR / "site-key").read_text().split()
    except (OSError, ValueError):
        return False
    site = config.output_path
    return (stored_key == key and site.is_symlink() and site.resolve().name == build_name
            and (site / "index.html").is_file())


def _parse_pages(config: BookConfig) -> list[Document]:
    """Parse every listed page; report every page that does not parse."""
    docs, problems = [], []
    for rel in config.pages:
        try:
            docs.append(parse(config.root / rel, rel))
        except SourceError as exc:
            problems.append(str(exc))
    if problems:
        raise BuildError(problems)
    return docs


def _execute_pages(config: BookConfig, docs: list[Document], report: BuildReport, jobs: int,
                   log: Callable[[str], None]) -> dict[str, ExecResult]:
    """Reuse stored results where nothing changed; execute the rest in parallel kernels."""
    cache = Cache(config)
    fingerprint = Fingerprint.of(config)
    decisions: dict[str, Decision] = {d.rel: cache.decide(d.rel, fingerprint) for d in docs}
    results: dict[str, ExecResult] = {}
    stale = [d for d in docs if not decisions[d.rel].fresh]
    for doc in docs:
        decision = decisions[doc.rel]
        if decision.fresh and decision.result is not None:
            results[doc.rel] = decision.result

    def run(doc: Document) -> tuple[Document, str, ExecResult]:
        source_hash = file_hash(doc.path)
        if not doc.cells and not doc.inlines:
            return doc, source_hash, ExecResult()
        cwd = config.root if config.execute_dir == "project" else doc.path.parent
        return doc, source_hash, execute(doc, config.root, cwd, fork_socket=fork_socket,
                                         timeout=config.timeout,
                                         large_charts=config.large_charts)

    failures: list[str] = []
    needs_kernel = [d for d in stale if d.cells or d.inlines]
    # The fork server costs one import of the preload modules up front: worth it only when
    # each worker would otherwise start several kernels of its own.
    preload = list(config.preload) if len(needs_kernel) > 2 * jobs else []
    with forkserver.running(preload) if preload else contextlib.nullcontext() as fork_socket, \
            ThreadPoolExecutor(max_workers=max(1, min(jobs, len(stale) or 1))) as pool:
        for doc, source_hash, result in pool.map(run, stale):
            if result.failure:
                failures.append(result.failure.describe(doc.rel))
                continue
            cache.store(doc.rel, fingerprint, source_hash, result)
            results[doc.rel] = result
    for doc in docs:
        decision = decisions[doc.rel]
        if decision.fresh:
            report.pages.append(PageReport(doc.rel, "cached", decision.reason))
        elif doc.rel in results:
            report.pages.append(PageReport(doc.rel, "executed", decision.reason,
                                           results[doc.rel].seconds))
    for line in report.summary().splitlines()[:-1]:
        log(line)
    if failures:
        raise BuildError(failures)
    return results


def _convert_pages(config: BookConfig, docs: list[Document], results: dict[str, ExecResult],
                   numbers: list[PageNumbers], targets: dict[str, Target],
                   log: Callable[[str], None] = print,
                   version: str | None = None) -> list[ConvertedPage]:
    """Substitute outputs into each page's Markdown and convert it with pandoc."""
    notes: dict[str, list[str]] = {doc.rel: [] for doc in docs}

    def convert(pair: tuple[Document, PageNumbers]) -> ConvertedPage | str:
        doc, num = pair
        try:
            markdown, figures = page_markdown(doc, results[doc.rel], num, targets, config,
                                              notes[doc.rel])
            html_text = run_pandoc(markdown, config, doc.rel, config.root / STATE_DIR / "convert")
            html_text = versions.fill_token(history.fill_placeholder(html_text, config), version)
            body, toc = add_heading_anchors(html_text)
        except SourceError as exc:
            return str(exc)
        except Exception as exc:  # noqa: BLE001 - any failure is reported with its page
            return f"{doc.rel}: converting the page failed: {type(exc).__name__}: {exc}"
        return ConvertedPage(doc.rel, num.href, num.title, num.number, num.appendix, doc.front,
                             body, figures, toc)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        converted = list(pool.map(convert, zip(docs, numbers, strict=True)))
    for doc in docs:
        for note in notes[doc.rel]:
            log(f"note: {note}")
    problems = [c for c in converted if isinstance(c, str)]
    if problems:
        raise BuildError(problems)
    return [c for c in converted if isinstance(c, ConvertedPage)]


def _write_site(config: BookConfig, pages: list[ConvertedPage], out: Path,
                version: str | None = None) -> None:
    """Lay out every page and write pages, figures, assets and the search index."""
    state = config.root / STATE_DIR
    renderer = StaticRenderer(state / "render")
    layout = Layout(config, pages)
    (out / "assets").mkdir(parents=True)
    for asset in sorted(ASSETS.iterdir()):
        shutil.copyfile(asset, out / "assets" / asset.name)
    if any(p.figures for p in pages):
        shutil.copyfile(vega_bundle(state), out / "assets" / "vega.js")
    changes = citation.changelog_dates(config)
    version_date = citation.version_date(config, changes)
    figures = [fig for page in pages for fig in page.figures]
    rendered = dict(zip([f.label for f in figures],
                        renderer.render_all([f.spec for f in figures], os.cpu_count() or 1),
                        strict=True))
    for page in pages:
        try:
            _write_page(out, page, layout, rendered, config, version_date, changes, version)
        except SourceError as exc:
            raise BuildError([str(exc)]) from exc
        except Exception as exc:  # noqa: BLE001 - named with its page
            raise BuildError([f"{page.rel}: writing the page failed: "
                              f"{type(exc).__name__}: {exc}"]) from exc
    search.write_index(pages, out / "search-index.json")
    notfound.write_page(config, layout, out, version_date)


def _write_page(out: Path, page: ConvertedPage, layout: Layout, rendered: dict,
                config: BookConfig, version_date: str | None, changes: dict[str, str],
                version: str | None = None) -> None:
    """Write one page with its figures' SVG, PNG and CSV files."""
    svgs: dict[str, str] = {}
    for fig in page.figures:
        svg, png = rendered[fig.label]
        svgs[fig.label] = svg
        files = figure_files(fig)
        target = out / files["svg"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(svg, encoding="utf-8")
        (out / files["png"]).write_bytes(png)
        (out / files["csv"]).write_text(fig.csv_text(), encoding="utf-8")
    extra = citation.page_extras(config, page, version_date, changes, version)
    body = insert_figures(page.body, page, svgs, extra)
    html = layout.render(page, body, extra)
    _check_weight(config, page, html)
    dest = out / page.href
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(html, encoding="utf-8")


def _check_weight(config: BookConfig, page: ConvertedPage, html: str) -> None:
    """Refuse a page heavier than PAGE_GZIP_LIMIT gzipped, naming its heaviest figure."""
    weight = len(gzip.compress(html.encode("utf-8"), 6))
    if weight <= PAGE_GZIP_LIMIT:
        return
    line, heaviest = 1, ""
    if page.figures:
        fig = max(page.figures, key=lambda f: len(json.dumps(f.spec)))
        line = line_of(config.root / page.rel, "label: " + fig.label)
        heaviest = (f"; its heaviest figure, {fig.label}, carries "
                    f"{len(json.dumps(fig.spec)) // 1000} KB of chart data")
    raise SourceError(page.rel, line,
                      f"the page weighs {weight // 1000} KB gzipped, over the limit of "
                      f"{PAGE_GZIP_LIMIT // 1000} KB{heaviest}; plot fewer rows or split the page")


def vega_bundle(state: Path) -> Path:
    """The self-hosted Vega, Vega-Lite and vega-embed bundle, generated once and reused."""
    import vl_convert as vlc

    version = f"{vlc.get_vega_version()}-{vlc.get_vegalite_versions()[-1]}"
    path = state / "assets" / f"vega-{version}.js"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(vlc.javascript_bundle(), encoding="utf-8")
        tmp.replace(path)
    return path
