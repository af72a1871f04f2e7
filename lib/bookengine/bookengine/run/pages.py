"""Running the book's pages: stored results reused where nothing they depend on changed (or frozen
ones), the rest executed in parallel kernels (forked from the fork server when it pays), each
result stored with the inputs it read, and each page reported as cached or executed."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed

from bookengine.core.report import BuildError, BuildReport, PageReport
from bookengine.run import forkserver, freeze
from bookengine.run.cache import Cache, Decision, Fingerprint, Inputs
from bookengine.run.execresult import CellFailure, ExecResult, execution_key
from bookengine.run.execute import execute
from bookengine.source.config import BookConfig
from bookengine.source.document import Document


def execute_pages(config: BookConfig, docs: list[Document], report: BuildReport, jobs: int,
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
