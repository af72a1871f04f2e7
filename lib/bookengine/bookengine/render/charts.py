"""The book's charts at publish: each page's drawings and live views started while kernels run,
the Vega bundle made once per installation, and, once pages are converted, each figure's
drawings (page and phone, themed) and compiled views collected; a chart that does not compile
stops the build, named by page and cell."""

from __future__ import annotations

import contextlib
from pathlib import Path

from bookengine.core.report import BuildError
from bookengine.render import vegastore
from bookengine.render.chart_render import StaticRenderer
from bookengine.render.chart_sizes import phone_spec
from bookengine.render.chart_theme import dark_map, page_drawing
from bookengine.render.chart_views import live_specs, page_view
from bookengine.render.convert import ConvertedPage
from bookengine.render.figures import Figure, FigureError, chart_spec, make_figure
from bookengine.run.execresult import ExecResult


def start_renders(renderer: StaticRenderer, result: ExecResult, fallback: Path) -> None:
    """Start the static drawings of a page's charts (and the Vega bundle, if missing)."""
    for outputs in result.outputs.values():
        spec = chart_spec(outputs)
        if spec is not None:
            renderer.submit(spec)
            vega_bundle(renderer, fallback)
            with contextlib.suppress(FigureError):  # reported when the page is converted
                for live in live_specs(make_figure("", "", "", {}, spec)).values():
                    renderer.submit_vega(live)


def drawings(renderer: StaticRenderer, figures: list[Figure]
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


def live_views(renderer: StaticRenderer, pages: list[ConvertedPage]) -> None:
    """Compile every live view of every figure to Vega (cached, in workers) and give each
    figure its views; a chart that does not compile stops the build, named by page and cell."""
    wanted = [(page, fig, live_specs(fig)) for page in pages for fig in page.figures]
    for _, _, specs in wanted:
        for spec in specs.values():
            renderer.submit_vega(spec)
    problems = []
    for page, fig, specs in wanted:
        datasets = fig.spec.get("datasets") or {}
        try:
            fig.views = {key: page_view(renderer.vega(spec), datasets)
                         for key, spec in specs.items()}
        except FigureError as exc:
            problems.append(f"{page.rel}: the chart of cell `{fig.label}`: {exc}")
    if problems:
        raise BuildError(problems)


def vega_bundle(renderer: StaticRenderer, fallback: Path, wait: bool = False) -> Path:
    """The kept Vega bundle (see `bookengine.render.vegastore`): made once per pinned Vega,
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
