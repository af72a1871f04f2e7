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
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from bookengine import (
    citation,
    forkserver,
    freeze,
    generations,
    history,
    lifeline,
    listing,
    manifest,
    mermaid,
    notfound,
    search,
    sitecheck,
    sitestamp,
    vegastore,
    versions,
)
from bookengine.cache import ENGINE_DIR, Cache, Decision, Fingerprint, Inputs, file_hash
from bookengine.config import BookConfig, ConfigError, load_config
from bookengine.conversions import ConversionError, Conversions
from bookengine.convert import ConvertedPage, line_of
from bookengine.execute import CellFailure, ExecResult, execute, execution_key
from bookengine.figures import (
    Figure,
    StaticRenderer,
    chart_spec,
    dark_map,
    page_drawing,
    phone_spec,
)
from bookengine.layout import (
    Layout,
    figure_files,
    html_include_files,
    insert_figures,
    uses_mermaid,
)
from bookengine.numbering import PageNumbers
from bookengine.pageoptions import page_options
from bookengine.publish import (
    PublishError,
    build_lock,
    clean_old_builds,
    new_build_dir,
    switch_site,
)
from bookengine.qmd import Document, SourceError, heading_as_title, parse
from bookengine.resources import page_resources
from bookengine.state import BookState
from bookengine.vendor import vendored

ASSETS = Path(__file__).parent / "assets"
ENGINE_SUFFIXES = (".py", ".html", ".css", ".js")
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
        lifeline.remove_orphaned_semaphores()
        for note in config.notes:
            log(f"note: {note}")
        docs = _parse_pages(config)
        report = BuildReport()
        renderer = StaticRenderer(BookState(config.root).render,
                                  workers=max(1, (os.cpu_count() or 1) // 2))
        try:
            if _publish(config, docs, report, renderer, jobs, log):
                renderer.prune()
        finally:
            renderer.close()
    report.seconds = time.perf_counter() - started
    report.site = config.output_path
    return report


def _publish(config: BookConfig, docs: list[Document], report: BuildReport,
             renderer: StaticRenderer, jobs: int | None, log: Callable[[str], None]) -> bool:
    """Execute, number, convert, write and check; switch the site. False when the site was
    current."""
    state = BookState(config.root)
    conversions = Conversions(config, docs)
    warnings = Warnings(config, log)
    try:
        def ready(doc: Document, result: ExecResult) -> None:
            """A page's result is in: start its drawings and its conversion."""
            _start_renders(renderer, result, state.assets)
            conversions.start(doc, result)

        mark = time.perf_counter()
        def stale() -> None:
            """Some page will execute: start a render worker and, once per installation, the
            Vega bundle, while the kernels run."""
            renderer.warm()
            _vega_bundle(renderer, state.assets)

        results = _execute_pages(config, docs, report, jobs or os.cpu_count() or 1, log, ready,
                                 on_stale=stale)
        report.stages["execute"] = time.perf_counter() - mark
        try:
            by_rel, targets = conversions.number(results, warnings.warn)
        except ConversionError as exc:
            raise BuildError(exc.problems) from exc
        numbers = [by_rel[d.rel] for d in docs]
        current = _record_history(config, docs, results, numbers, log)
        key, records = _site_key(config, docs)
        version = versions.version_id(config, key)
        record = versions.record(config, version, current, {n.rel: n.href for n in numbers},
                                 {d.rel: file_hash(d.path) for d in docs})
        if _site_is_current(config, key):
            damage = manifest.verify(config.output_path.resolve())
            if not damage:
                if versions.read_record(config.output_path.resolve()) is None:
                    versions.write_record(config.output_path.resolve(), record)
                _write_stamp(config, docs, records, config.output_path.resolve().name)
                return False
            log(f"the live site differs from its build ({manifest.summary(damage)}); "
                "rebuilding it")
        mark = time.perf_counter()
        try:
            pages = conversions.finish(results, by_rel, targets, log, warnings.warn)
        except ConversionError as exc:
            raise BuildError(exc.problems) from exc
        warnings.check()
        _draw_mermaid(config, pages, log)
        report.stages["convert"] = time.perf_counter() - mark
    finally:
        conversions.close()
    build_dir = new_build_dir(config.root)
    try:
        mark = time.perf_counter()
        output_keys = _write_site(config, pages, build_dir, renderer, version, warnings.warn,
                                  lambda message: log(f"note: {message}"))
        for note in renderer.notes:  # damaged drawings, drawn again
            log(f"note: {note}")
        report.stages["write"] = time.perf_counter() - mark
        mark = time.perf_counter()
        _index_search(config, build_dir)
        report.stages["search"] = time.perf_counter() - mark
        mark = time.perf_counter()
        problems = sitecheck.check_build(build_dir, state.check_index,
                                         notfound.site_path(config), volatile=version)
        report.stages["check"] = time.perf_counter() - mark
        remote = [p for p in problems if "from another host" in p]
        if config.offline and remote:
            raise PublishError("the new build loads from another host, which this book refuses "
                               "(`book-engine: offline: true`):\n" + "\n".join(remote))
        for problem in problems:  # Quarto publishes broken links and remote resources
            warnings.warn(problem)
        warnings.check()
        manifest.write_manifest(build_dir)
        versions.write_record(build_dir, record)
    except Exception as exc:
        shutil.rmtree(build_dir, ignore_errors=True)
        if isinstance(exc, PublishError | SourceError):
            raise BuildError([str(exc)]) from exc
        raise
    switch_site(config.root, config.output_dir, build_dir)
    state.site_key.write_text(f"{key} {build_dir.name}\n")
    _write_stamp(config, docs, records, build_dir.name)
    _write_json(state.output_keys,
                {"build": build_dir.name, "keys": output_keys})
    clean_old_builds(config.root, config.output_dir)
    return True


def _write_json(path: Path, value: object) -> None:
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(value, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def _site_key(config: BookConfig, docs: list[Document]) -> tuple[str, list[dict]]:
    """One hash over everything a published site is made from, and the record of each of those
    files (see `sitestamp`)."""
    digest = hashlib.sha256()
    cache = Cache(config)
    root = config.root
    records: list[dict] = []

    def record(path: Path) -> str:
        rec = sitestamp.entry(root, path)
        records.append(rec)
        return rec["sha256"]

    for doc in docs:
        digest.update(doc.rel.encode())
        digest.update(record(doc.path).encode())
        inputs = cache.stored_inputs(doc.rel)
        digest.update(json.dumps(inputs, sort_keys=True).encode())
        records.extend(sitestamp.entry(root, root / name) if (root / name).is_file()
                       else sitestamp.absent(name) for name in inputs)
        entry = cache.entry_path(doc.rel)
        digest.update(record(entry).encode() if entry.is_file() else b"-")
    for extra in [*config.bibliography, *filter(None, [config.changelog]),
                  *html_include_files(config)]:
        path = root / extra
        digest.update(record(path).encode() if path.is_file() else b"-")
    if config.history and (root / config.history).is_dir():
        for path in sorted((root / config.history).glob("*.json")):
            digest.update(f"{path.name}:{record(path)}".encode())
    digest.update(freeze.folder_key(root).encode() if config.freeze else b"-")
    for rec in sitestamp.config_entries(root):
        records.append(rec)
        digest.update(f"{rec['path']}:{rec['sha256']}".encode())
    for path in sitestamp.tree_files(ENGINE_DIR, ENGINE_SUFFIXES):
        digest.update(f"{path.relative_to(ENGINE_DIR)}:{record(path)}".encode())
    return digest.hexdigest(), records


def _write_stamp(config: BookConfig, docs: list[Document], records: list[dict],
                 build_name: str) -> None:
    """Record the live build for the no-op check, if every file still holds what the build used
    (a file edited during the build leaves no stamp, so the next publish looks properly)."""
    root = config.root
    state = BookState(root)
    state.stamp.unlink(missing_ok=True)
    cache = Cache(config)
    fingerprint = Fingerprint.of(config)
    by_path = {r["path"]: r for r in records}
    for doc in docs:
        try:
            stored = json.loads(cache.entry_path(doc.rel).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        # The page as published is the source as parsed, its outputs the stored ones.
        if doc.source_hash != by_path[doc.rel]["sha256"] or \
                stored.get("code") != execution_key(doc) or any(
                stored.get(part) != getattr(fingerprint, part)
                for part in ("library", "lock", "engine", "options")):
            return
        for name, used in stored.get("inputs", {}).items():
            if name not in by_path or by_path[name].get("sha256") != used:
                return
    code = [root / p for p in config.library]
    lock = root / config.lock if config.lock else None
    files = list(records)
    for path in sorted({f for base in code for f in sitestamp.tree_files(base, (".py",))}):
        files.append(sitestamp.entry(root, path))
    if lock and lock.is_file():
        files.append(sitestamp.entry(root, lock))
    trees = [sitestamp.tree_record(root, base, (".py",)) for base in code]
    trees.append(sitestamp.tree_record(root, ENGINE_DIR, ENGINE_SUFFIXES))
    sitestamp.write(state.stamp, root, site=config.output_dir, build=build_name,
                    pages=[d.rel for d in docs], files=files, trees=trees,
                    preload=list(config.preload))


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
        stored_key, build_name = BookState(config.root).site_key.read_text().split()
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
            digest = file_hash(config.root / rel)
            doc = parse(config.root / rel, rel, config.root, execute=config.execute)
            doc.options = page_options(config, doc.front)
            doc.source_hash = digest
            if not config.is_book:
                heading_as_title(doc)
            docs.append(doc)
        except SourceError as exc:
            problems.append(str(exc))
    if problems:
        raise BuildError(problems)
    return docs


def _execute_pages(config: BookConfig, docs: list[Document], report: BuildReport, jobs: int,
                   log: Callable[[str], None],
                   ready: Callable[[Document, ExecResult], None] | None = None,
                   on_stale: Callable[[], None] | None = None) -> dict[str, ExecResult]:
    """Reuse stored results where nothing changed; execute the rest in parallel kernels.

    `ready` is called with each page's result as soon as it is in (for the stored ones, only
    when some page is stale: otherwise the site may well be current); `on_stale` once, before
    the kernels start, when some page is stale.
    """
    cache = Cache(config)
    fingerprint = Fingerprint.of(config)
    codes = {d.rel: execution_key(d) for d in docs}  # prose edits keep their stored outputs
    decisions: dict[str, Decision] = {d.rel: cache.decide(d.rel, fingerprint, codes[d.rel])
                                      for d in docs}
    for doc in docs if config.freeze else ():
        frozen = freeze.load(config.root, doc.rel)
        if frozen is not None:
            decisions[doc.rel] = Decision(doc.rel, True, "frozen", frozen)
        elif freeze.written_by_quarto(config.root, doc.rel):
            log(f"note: {doc.rel}: its _freeze/ entry was written by Quarto, which this engine "
                "does not read; the page executes and the entry is left as it is")
    results: dict[str, ExecResult] = {}
    stale = [d for d in docs if not decisions[d.rel].fresh]
    if stale and on_stale is not None:
        on_stale()
    for doc in docs:
        decision = decisions[doc.rel]
        if decision.fresh and decision.result is not None:
            results[doc.rel] = decision.result
            if stale and ready is not None:
                ready(doc, decision.result)

    unhashed = tuple(str((config.root / p).resolve()) for p in
                     (*config.library, config.output_dir))

    def run_once(doc: Document) -> tuple[ExecResult, Inputs]:
        if not any(c.executes for c in doc.cells) and not doc.inlines:
            result = ExecResult()
        else:
            cwd = config.root if config.execute_dir == "project" else doc.path.parent
            result = execute(doc, config.root, cwd, fork_socket=fork_socket,
                             timeout=config.timeout, large_charts=config.large_charts,
                             memory=config.memory, unhashed=unhashed)
        result.opened += [str(p) for p in doc.included]  # included files are inputs too
        return result, (cache.inputs_of(doc.rel, result) if result.ok else Inputs())

    def run(doc: Document) -> tuple[Document, str, ExecResult, Inputs]:
        """Execute a page; once more if a file it read changed while it ran (its outputs
        would show data no longer there), and fail if one changes again."""
        code = codes[doc.rel]
        result, inputs = run_once(doc)
        if inputs.changed:
            log(f"  {doc.rel}: {', '.join(inputs.changed)} changed while the page ran; "
                "running it again")
            result, inputs = run_once(doc)
            if inputs.changed:
                result.failure = CellFailure(1, "reading its inputs", (
                    f"{', '.join(inputs.changed)} changed while the page ran, twice: its "
                    "outputs would show data that is no longer there (publish again once the "
                    "file has settled; a page that rewrites a file it reads never settles)"))
        return doc, code, result, inputs

    failures: dict[str, str] = {}
    needs_kernel = [d for d in stale if d.cells or d.inlines]
    # The fork server costs one import of the preload modules up front: worth it when the
    # command line started it early (it imported while the engine did), or when each worker
    # would otherwise start several kernels of its own.
    forked = bool(needs_kernel) and (forkserver.started_early() or (
        bool(config.preload) and len(needs_kernel) > 2 * jobs))
    if not forked:
        forkserver.stop_early()  # started for a build that, after all, runs no kernel
    server = forkserver.running(list(config.preload)) if forked else contextlib.nullcontext()
    with server as fork_socket, \
            ThreadPoolExecutor(max_workers=max(1, min(jobs, len(stale) or 1))) as pool:
        for future in as_completed([pool.submit(run, doc) for doc in stale]):
            doc, code, result, inputs = future.result()
            if result.failure:
                failures[doc.rel] = result.failure.describe(doc.rel)
                continue
            cache.store(doc.rel, fingerprint, code, result, inputs.states)
            if config.freeze:
                freeze.store(config.root, doc.rel, result)
            results[doc.rel] = result
            if ready is not None:
                ready(doc, result)
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
        raise BuildError([failures[d.rel] for d in docs if d.rel in failures])
    return results


def _start_renders(renderer: StaticRenderer, result: ExecResult, fallback: Path) -> None:
    """Start the static drawings of a page's charts (and the Vega bundle, if missing)."""
    for outputs in result.outputs.values():
        spec = chart_spec(outputs)
        if spec is not None:
            renderer.submit(spec)
            _vega_bundle(renderer, fallback)


class Warnings:
    """Quarto's warnings: printed as `warning: file:line: message`, and the build goes on;
    with `book-engine: strict: true` each is an error, and the build stops once all are in."""

    def __init__(self, config: BookConfig, log: Callable[[str], None]):
        self.strict = config.strict
        self.log = log
        self.errors: list[str] = []

    def warn(self, message: str) -> None:
        if self.strict:
            self.errors.append(f"{message} (an error: this book sets `book-engine: strict: "
                               "true`)")
        else:
            self.log(f"warning: {message}")

    def check(self) -> None:
        """Stop the build if a strict book had any warning."""
        if self.errors:
            raise BuildError(self.errors)


def _draw_mermaid(config: BookConfig, pages: list[ConvertedPage],
                  log: Callable[[str], None]) -> None:
    """Put a static drawing of each Mermaid diagram into its page (see `bookengine.mermaid`)."""
    wanted = [source for page in pages for source in mermaid.sources(page.body)]
    drawer = mermaid.MermaidDrawer(BookState(config.root).mermaid)
    if wanted:
        notes: list[str] = []
        drawn = drawer.draw(wanted, notes)
        for note in notes:
            log(f"note: {note}")
        for page in pages:
            page.body = mermaid.with_drawings(page.body, drawn)
    generations.prune(drawer.dir, drawer.used, "*.svg")


def _write_site(config: BookConfig, pages: list[ConvertedPage], out: Path,
                renderer: StaticRenderer, version: str | None = None,
                warn: Callable[[str], None] = lambda message: None,
                note: Callable[[str], None] = lambda message: None) -> dict[str, str]:
    """Lay out every page and write pages, figures and assets; return each page's output key.

    A page whose output key (everything its HTML and figure files are made from) is the one the
    live build recorded is not laid out again: its files are copied from the live build's (never
    linked: no file of a build is shared with another).
    """
    for page in pages:  # known only once every page has run: the version and its record
        page.body = versions.fill_token(history.fill_placeholder(page.body, config), version)
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
        _vega_bundle(renderer, BookState(config.root).assets, wait=True)
        bundle = vegastore.store_for(BookState(config.root).assets).ensure(renderer.notes)
        shutil.copyfile(bundle, out / "assets" / "vega.js")  # the build's own copy
    if any(uses_mermaid(p.body) for p in pages):
        shutil.copyfile(vendored("mermaid.min.js"), out / "assets" / "mermaid.js")
    changes = citation.changelog_dates(config)
    version_date = citation.version_date(config, changes)
    rendered, downloads = _drawings(renderer, figures)
    keys = _output_keys(config, pages, rendered, version_date, changes, version,
                        layout.header_html)
    live, live_keys = _live_output_keys(config)
    if live is not None and manifest.verify(live):
        live = None  # a damaged live build lends nothing to the next
    for page in pages:
        if live is not None and live_keys.get(page.href) == keys[page.href] and \
                _reuse_page(live, out, page, config):
            continue
        try:
            _write_page(out, page, layout, rendered, config, version_date, changes, version,
                        warn, downloads)
        except SourceError as exc:
            raise BuildError([str(exc)]) from exc
        except Exception as exc:  # noqa: BLE001 - named with its page
            raise BuildError([f"{page.rel}: writing the page failed: "
                              f"{type(exc).__name__}: {exc}"]) from exc
    notfound.write_page(config, layout, out, version_date)
    return keys


def _index_search(config: BookConfig, build_dir: Path) -> None:
    """Index the finished pages with Pagefind, in the new build (before it is checked and
    switched to)."""
    try:
        search.build_index(config, build_dir)
    except Exception as exc:  # noqa: BLE001 - the build stops, the live site stays
        raise BuildError([f"indexing the site for search (Pagefind) failed: "
                          f"{type(exc).__name__}: {exc}"]) from exc


def _drawings(renderer: StaticRenderer, figures: list[Figure]
              ) -> tuple[dict[str, str], dict[str, str]]:
    """Per figure, what its page inlines (the desktop and the phone drawing, themed) and its SVG
    download (the desktop drawing as vl-convert made it)."""
    specs = [f.spec for f in figures]
    drawn = renderer.render_all(specs + [phone_spec(s) for s in specs])
    desktop, phone = drawn[: len(specs)], drawn[len(specs):]
    rendered, downloads = {}, {}
    for fig, wide, narrow in zip(figures, desktop, phone, strict=True):
        rendered[fig.label] = page_drawing(wide, narrow, dark_map(fig.spec, wide, narrow))
        downloads[fig.label] = wide
    return rendered, downloads


def _output_keys(config: BookConfig, pages: list[ConvertedPage], rendered: dict[str, str],
                 version_date: str | None, changes: dict[str, str],
                 version: str | None = None, header_html: str = "") -> dict[str, str]:
    """Per page, one hash over all its written files depend on: the page itself (body, headings,
    front matter, figures with their specs and drawings), the book's navigation, the citation
    dates, the config files, the bibliography, the project's stylesheets and header, and the
    engine's code and templates."""
    common = hashlib.sha256()
    nav = [(p.href, p.number, p.title, p.nav_title, p.appendix) for p in pages]
    common.update(json.dumps([nav, version_date, changes, version], sort_keys=True).encode())
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


def _write_page(out: Path, page: ConvertedPage, layout: Layout, rendered: dict[str, str],
                config: BookConfig, version_date: str | None, changes: dict[str, str],
                version: str | None = None,
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
    extra = citation.page_extras(config, page, version_date, changes, version)
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


def _vega_bundle(renderer: StaticRenderer, fallback: Path, wait: bool = False) -> Path:
    """The kept Vega bundle (see `bookengine.vegastore`): made once per installed vl-convert,
    in a render worker while kernels run; with `wait`, once it is made."""
    store = vegastore.store_for(fallback)
    path = store.path()
    if store.present():
        return path
    job = renderer.once(vegastore.write_bundle, path)
    if wait:
        with contextlib.suppress(Exception):  # `ensure` makes it again, and names any error
            job.result()
    return path


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
