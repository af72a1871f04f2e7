"""Command line: `python -m bookengine publish|preview|pdf|deploy [BOOK_DIR]`."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Run one engine command; exit status 0 on success, 1 on a failed build."""
    parser = argparse.ArgumentParser(prog="bookengine", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("publish", "execute what changed and publish the site"),
                            ("preview", "serve the site on 127.0.0.1 and rebuild on change"),
                            ("pdf", "print the whole book to one PDF"),
                            ("deploy", "push the published site to a git branch")):
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument("book", nargs="?", default=".", help="the book directory")
        if name == "publish":
            cmd.add_argument("--jobs", type=int, default=None, help="kernels run at once")
        if name == "preview":
            cmd.add_argument("--port", type=int, default=4242)
        if name == "pdf":
            cmd.add_argument("--output", default=None, help="the PDF to write")
        if name == "deploy":
            cmd.add_argument("--remote", default=None)
            cmd.add_argument("--branch", default="gh-pages")
            cmd.add_argument("--timeout", type=float, default=None,
                             help="seconds the whole deploy may take (default 300)")
    args = parser.parse_args(argv)
    book = Path(args.book)
    if args.command == "publish":
        from bookengine.site import sitestamp

        stamp = sitestamp.read(book)
        if _nothing_changed(book, stamp):
            return 0
        _start_fork_server(book, sitestamp.recorded_preload(stamp))
        from bookengine.build import build
        from bookengine.core.report import BuildError
        from bookengine.run.forkserver import stop_early

        try:
            report = build(book, jobs=args.jobs)
        except BuildError as exc:
            print("Build failed.", _live_site(book), file=sys.stderr)
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            return 1
        finally:
            stop_early()
        print(report.summary().splitlines()[-1])
        print(_where(book))
        return 0
    if args.command == "preview":
        from bookengine.preview.server import serve

        return serve(book, port=args.port)
    if args.command == "pdf":
        from bookengine.pdf import make_pdf

        return make_pdf(book, args.output)
    from bookengine.deploy import deploy

    return deploy(book, remote=args.remote, branch=args.branch, timeout=args.timeout)


def _where(book: Path, output_dir: str | None = None) -> str:
    """Where the published site is and how to look at it."""
    if output_dir is None:
        from bookengine.source.config import ConfigError
        from bookengine.source.config_load import load_config

        try:
            output_dir = load_config(book).output_dir
        except ConfigError:
            output_dir = "site"
    site = (book / output_dir).as_posix().removeprefix("./")
    return (f"The site is in {site}/; `make preview` serves it at http://127.0.0.1:4242/ and "
            "rebuilds it on each save.")


def _live_site(book: Path) -> str:
    from bookengine.site.publish import live_site_report
    from bookengine.source.config import ConfigError
    from bookengine.source.config_load import load_config

    try:
        config = load_config(book)
    except ConfigError:
        return "The published site is unchanged."  # no build was attempted
    return live_site_report(config.root, config.output_dir)


def _start_fork_server(book: Path, preload: list[str] | None) -> None:
    """Something changed, so kernels will most likely run: start their fork server now, to
    import ipykernel and the book's preload modules while this process imports the engine. The
    preload list is the last build's (if the config changed it since, the build starts another
    server), or the config's when no build recorded one."""
    from bookengine.run import forkserver

    if preload is None:
        from bookengine.source.config import ConfigError
        from bookengine.source.config_load import load_config

        try:
            preload = list(load_config(book).preload)
        except ConfigError:
            return  # the build reports it
    forkserver.start_early(preload)


def exit_now(status: int) -> None:
    """End the engine's helper processes and this process, without the interpreter's teardown
    of every module the build imported (0.1–0.2 s of every publish). Only the helpers of modules
    this run imported are looked for: a no-op publish imports nothing more to end nothing."""
    pandocserver = sys.modules.get("bookengine.render.pandocserver")
    if pandocserver is not None:
        pandocserver.close_all()
    charts = sys.modules.get("bookengine.render.chart_render")
    if charts is not None:
        charts.shutdown_workers()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _nothing_changed(book: Path, stamp: dict | None) -> bool:
    """The no-op publish: when nothing the live site was made from has changed since the last
    publish's stamp, say so and stop before the build's heavy imports (see
    `bookengine.site.sitestamp`)."""
    from bookengine.site import sitestamp

    started = time.perf_counter()
    pages = sitestamp.current_pages(book, stamp)
    if pages is None:
        return False
    for rel in pages:
        print(f"  {'cached':8} {rel}")
    print(f"{len(pages)} pages: 0 executed, {len(pages)} cached; nothing changed, the published "
          f"site is current and verified ({time.perf_counter() - started:.2f} s)")
    print(_where(book, (stamp or {}).get("site")))
    return True


if __name__ == "__main__":
    exit_now(main())
