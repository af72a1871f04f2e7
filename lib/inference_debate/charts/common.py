"""What every chart builder shares: the theme and the provenance stamped into `usermeta`.

A chart leaves the library as an Altair chart whose `usermeta` says where its numbers come from
(source ids with a one-line label, and a short hash of every table plotted) and which axes a reader
may switch between log and linear. The book engine reads nothing else about the debate.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

import altair as alt
import pandas as pd

from inference_debate import data
from inference_debate.analysis import check_kind, qualified_name, recording

ChartT = TypeVar("ChartT", bound=alt.TopLevelMixin)

#: One colour per author, used wherever a chart sets the four positions side by side.
AUTHOR_COLOURS: dict[str, str] = {
    "ord": "#1f77b4",
    "greenblatt": "#d62728",
    "kokotajlo": "#2ca02c",
    "epoch": "#9467bd",
}

#: A categorical palette that stays legible on light and dark backgrounds.
PALETTE: list[str] = [
    "#1f77b4", "#d95f02", "#2ca02c", "#9467bd", "#e7298a", "#8c564b", "#17becf", "#7f7f7f",
]

FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'

THEME: dict = {
    "font": FONT,
    "background": "#ffffff",
    "view": {"stroke": None},
    # A log axis drops labels that would come closer than 6 px ("100" and "1,000" never touch).
    "axis": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": "normal",
             "gridColor": "#e5e5e5", "domainColor": "#888888", "tickColor": "#888888",
             "labelSeparation": 6},
    # Legends sit below the plot, one entry a line, so that on a phone the plot keeps the width.
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": "normal",
               "labelLimit": 0, "orient": "bottom", "direction": "vertical",
               # several legends stack under one another rather than side by side
               "layout": {"expr": "{bottom: {direction: 'vertical', anchor: 'start'}}"}},
    "range": {"category": PALETTE},
    "line": {"strokeWidth": 2},
    # Points opaque (Vega-Lite draws them at 0.7), so that each stands out on either background.
    "point": {"size": 60, "filled": True, "opacity": 1},
}


#: The kinds of figure, and how the caption and the source line name each. `data`: rows as
#: their publisher released them; `reconstruction`: figures an author states (or reads off a
#: chart), redrawn and nothing more; `book-analysis`: anything that combines, extends or assumes
#: beyond what an author stated; `illustration`: shapes drawn with parameters nobody measured.
FIGURE_KINDS: dict[str, str] = {
    "data": "Data",
    "reconstruction": "Reconstruction of stated figures",
    "book-analysis": "This book's analysis",
    "illustration": "Illustration with chosen parameters",
}

BuilderT = TypeVar("BuilderT", bound=Callable[..., alt.TopLevelMixin])


#: Viridis from dark purple to green (its yellow end is too pale on white), sampled at nine
#: points; :func:`sequential_colours` interpolates between them.
_VIRIDIS = ["#440154", "#482576", "#414487", "#35608d", "#2a788e", "#21918c", "#22a884",
            "#44bf70", "#7ad151"]


def sequential_colours(n: int) -> list[str]:
    """`n` colours of an ordered series (years), dark to light, as literal colours: the page's
    dark theme lightens each literal colour that would be faint on its background."""
    if n <= 0:
        return []
    if n == 1:
        return [_VIRIDIS[0]]
    out = []
    for i in range(n):
        pos = i * (len(_VIRIDIS) - 1) / (n - 1)
        lo = min(int(pos), len(_VIRIDIS) - 2)
        t = pos - lo
        a, b = (tuple(int(c[k:k + 2], 16) for k in (1, 3, 5)) for c in _VIRIDIS[lo:lo + 2])
        out.append("#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b,
                                                                                  strict=True)))
    return out


def figure_builder(func: BuilderT) -> BuilderT:
    """Mark a chart builder: its chart's kind must admit every book-analysis function it calls.

    A builder whose chart says `data` or `reconstruction` but which called a function marked
    :func:`inference_debate.analysis.book_analysis` raises ValueError naming those functions.
    """

    @functools.wraps(func)
    def build(*args, **kwargs):
        with recording() as calls:
            chart = func(*args, **kwargs)
        check_kind(qualified_name(func), chart.usermeta["provenance"]["kind"], calls)
        return chart

    build.__figure_builder__ = True  # type: ignore[attr-defined]
    return build  # type: ignore[return-value]


def kind_label(kind: str) -> str:
    """The words that open a figure's caption and source line: `"reconstruction"` -> ...."""
    if kind not in FIGURE_KINDS:
        raise ValueError(f"figure kind {kind!r} is not one of {sorted(FIGURE_KINDS)}")
    return FIGURE_KINDS[kind]


def stated_rows(*figure_ids: str) -> pd.DataFrame:
    """The rows of `stated_figures` a chart plots, by figure id (each must exist)."""
    table = data.load_table("stated_figures")
    missing = sorted(set(figure_ids) - set(table["figure_id"]))
    if missing:
        raise KeyError(f"no rows {missing} in data/stated_figures.csv")
    return table[table["figure_id"].isin(figure_ids)]


def assumption_rows(*names: str) -> pd.DataFrame:
    """The rows of `assumptions` a chart uses, by name."""
    table = data.load_table("assumptions")
    return table[table["name"].isin(names)]


#: Longest line of an axis title, in characters: a title longer than this is wrapped into lines,
#: so that it stays whole on a phone's narrow plot (about 35 characters fit at 375 px).
TITLE_LINE = 30


def wrap_title(title: str | list[str], width: int = TITLE_LINE) -> str | list[str]:
    """Break a long axis title into lines of at most `width` characters, at spaces."""
    if not isinstance(title, str) or len(title) <= width:
        return title
    lines: list[str] = []
    for word in title.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _fields(node: object) -> dict | None:
    """The settable fields of a chart object or of a plain dict in one; None for anything else."""
    if isinstance(node, alt.SchemaBase):
        return node._kwds
    return node if isinstance(node, dict) else None


def _wrap_axis_titles(node: object) -> None:
    """Wrap long x and y titles in place, through layers, concatenations and facets."""
    fields = _fields(node)
    if fields is None:
        if isinstance(node, list | tuple):
            for item in node:
                _wrap_axis_titles(item)
        return
    encoding = _fields(fields.get("encoding"))
    for channel in ("x", "y") if encoding else ():
        enc = _fields(encoding.get(channel))
        if enc is not None and isinstance(enc.get("title"), str):
            enc["title"] = wrap_title(enc["title"])
    for value in fields.values():
        if value is not alt.Undefined and not isinstance(value, pd.DataFrame):
            _wrap_axis_titles(value)


def provenance(
    kind: str, tables: Iterable[str] = (), rows: Mapping[str, pd.DataFrame] | None = None,
    sources: Iterable[str] = (),
) -> dict:
    """Describe where a chart's numbers come from.

    Parameters
    ----------
    kind : "data" (measurements as published), "reconstruction" (figures an author states, or
        reads off a chart, redrawn), "book-analysis" (the book's own combination, extension or
        assumption) or "illustration" (shapes drawn with chosen parameters).
    tables : names of the `data/` tables the chart reads; their hashes make its data version.
    rows : per table, the rows the chart actually plots; their `source_id`s are its sources.
    sources : further source ids: the text a reconstruction or an illustration follows.
    """
    label = kind_label(kind)
    table_names = sorted(set(tables) | set(rows or {}))
    source_ids: list[str] = []
    for frame in (rows or {}).values():
        for sid in frame["source_id"].astype(str):
            if sid not in source_ids:
                source_ids.append(sid)
    for sid in sources:
        if sid not in source_ids:
            source_ids.append(sid)
    known = data.load_sources()
    for sid in source_ids:
        if sid not in known:
            raise KeyError(f"unknown source id {sid!r}: add it to data/sources.yml")
    return {
        "kind": kind,
        "kind_label": label,
        "sources": [{"id": sid, "text": data.source_text(sid), "date": str(known[sid].date)}
                    for sid in source_ids],
        "tables": {name: data.table_hash(name) for name in table_names},
        "illustration": kind == "illustration",
    }


def finish(
    chart: ChartT,
    *,
    kind: str,
    tables: Iterable[str] = (),
    rows: Mapping[str, pd.DataFrame] | None = None,
    sources: Iterable[str] = (),
    switch: Sequence[str] = (),
    width: int | str = "container",
    height: int = 320,
) -> ChartT:
    """Apply the theme and stamp provenance and switchable axes into `usermeta`.

    Parameters
    ----------
    chart : the chart as the builder made it.
    kind, tables, rows, sources : see :func:`provenance`.
    switch : channels ("x", "y") whose log scale a reader may switch to linear.
    width, height : the chart's size; "container" fills the page column.
    """
    for channel in switch:
        if channel not in ("x", "y"):
            raise ValueError(f"switch takes 'x' or 'y', not {channel!r}")
    meta = {"provenance": provenance(kind, tables, rows, sources),
            "switch_scales": list(switch)}
    finished = chart.properties(width=width, height=height, usermeta=meta).configure(**THEME)
    # On the chart objects, not a dict read back with `from_dict`: that re-validates every
    # part against the schema (half a second a chart); the display validates the whole once.
    _wrap_axis_titles(finished)
    return finished
