"""The build, as a table of contents: read the config (`config_load`) → parse every page
(`qmd.parse_pages`) → run what changed (`run_pages`; drawings and conversions start as each
page's result comes in: `charts`, `conversions`) → number and convert the book → its version
(`bookversion`, `history`) → write a new build folder (`sitewrite`) and check it (`sitecheck`)
→ switch the site to it (`publish`) and record it for the next no-op check (`sitekey`).

`build()` either switches the published site to a complete, checked build or raises
`BuildError` listing every problem found, leaving the published site as it was.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from bookengine.core import lifeline, manifest
from bookengine.core.report import BuildError, BuildReport, Warnings
from bookengine.core.state import BookState
from bookengine.render import mermaid
from bookengine.render.chart_render import StaticRenderer
from bookengine.render.charts import start_renders, vega_bundle
from bookengine.render.conversions import ConversionError, Conversions
from bookengine.run.cache import file_hash
from bookengine.run.execresult import ExecResult
from bookengine.run.pages import execute_pages
from bookengine.site import notfound, search, sitecheck
from bookengine.site.publish import (
    PublishError,
    build_lock,
    clean_old_builds,
    new_build_dir,
    switch_site,
)
from bookengine.site.sitekey import site_is_current, site_key, write_stamp
from bookengine.site.write import write_json, write_site
from bookengine.source.config import BookConfig, ConfigError
from bookengine.source.config_load import load_config
from bookengine.source.document import Document, SourceError
from bookengine.source.qmd import parse_pages
from bookengine.versions import history, records
from bookengine.versions.bookversion import BookVersion


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
        docs = parse_pages(config)
        report = BuildReport()
        renderer = StaticRenderer(BookState(config.root).render,
                                  workers=os.cpu_count() or 1)
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
    warnings = Warnings(config.strict, log)
    try:
        def ready(doc: Document, result: ExecResult) -> None:
            """A page's result is in: start its drawings and its conversion."""
            start_renders(renderer, result, state.assets)
            conversions.start(doc, result)

        mark = time.perf_counter()
        def stale() -> None:
            """Some page will execute: start a render worker and, once per installation, the
            Vega bundle, while the kernels run."""
            renderer.warm()
            vega_bundle(renderer, state.assets)

        results = execute_pages(config, docs, report, jobs or os.cpu_count() or 1, log, ready,
                                 on_stale=stale)
        report.stages["execute"] = time.perf_counter() - mark
        try:
            by_rel, targets = conversions.number(results, warnings.warn)
        except ConversionError as exc:
            raise BuildError(exc.problems) from exc
        numbers = [by_rel[d.rel] for d in docs]
        version = BookVersion.of(config)
        current = history.keep_snapshot(config, version, docs, results, numbers, log)
        key, inputs = site_key(config, docs)  # the history just kept is one of its inputs
        version = version.keyed(key)
        record = version.record(config, current, {n.rel: n.href for n in numbers},
                                {d.rel: file_hash(d.path) for d in docs})
        if site_is_current(config, key):
            damage = manifest.verify(config.output_path.resolve())
            if not damage:
                if records.read_record(config.output_path.resolve()) is None:
                    records.write_record(config.output_path.resolve(), record)
                write_stamp(config, docs, inputs, config.output_path.resolve().name)
                return False
            log(f"the live site differs from its build ({manifest.summary(damage)}); "
                "rebuilding it")
        mark = time.perf_counter()
        try:
            pages = conversions.finish(results, by_rel, targets, log, warnings.warn)
        except ConversionError as exc:
            raise BuildError(exc.problems) from exc
        warnings.check()
        mermaid.draw_pages(config, pages, log)
        report.stages["convert"] = time.perf_counter() - mark
    finally:
        conversions.close()
    build_dir = new_build_dir(config.root)
    try:
        mark = time.perf_counter()
        output_keys = write_site(config, pages, build_dir, renderer, version, warnings.warn,
                                  lambda message: log(f"note: {message}"))
        for note in renderer.notes:  # damaged drawings, drawn again
            log(f"note: {note}")
        report.stages["write"] = time.perf_counter() - mark
        mark = time.perf_counter()
        search.index_site(config, build_dir)
        report.stages["search"] = time.perf_counter() - mark
        mark = time.perf_counter()
        problems = sitecheck.check_build(build_dir, state.check_index,
                                         notfound.site_path(config), volatile=version.id)
        report.stages["check"] = time.perf_counter() - mark
        remote = [p for p in problems if "from another host" in p]
        if config.offline and remote:
            raise PublishError("the new build loads from another host, which this book refuses "
                               "(`book-engine: offline: true`):\n" + "\n".join(remote))
        for problem in problems:  # Quarto publishes broken links and remote resources
            warnings.warn(problem)
        warnings.check()
        manifest.write_manifest(build_dir)
        records.write_record(build_dir, record)
    except Exception as exc:
        shutil.rmtree(build_dir, ignore_errors=True)
        if isinstance(exc, PublishError | SourceError):
            raise BuildError([str(exc)]) from exc
        raise
    switch_site(config.root, config.output_dir, build_dir)
    state.site_key.write_text(f"{key} {build_dir.name}\n")
    write_stamp(config, docs, inputs, build_dir.name)
    write_json(state.output_keys,
                {"build": build_dir.name, "keys": output_keys})
    clean_old_builds(config.root, config.output_dir)
    return True
