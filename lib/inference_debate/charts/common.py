"""What every chart builder shares: the theme and the provenance stamped into `usermeta`.

A chart leaves the library as an Altair chart whose `usermeta` says where its numbers come from
(source ids with a one-line label, and a short hash of every table plotted) and which axes a reader
may switch between log and linear. The book engine reads nothing else about the debate.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

import altair as alt

from inference_debate import data

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
    "axis": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": "normal",
             "gridColor": "#e5e5e5", "domainColor": "#888888", "tickColor": "#888888"},
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": "normal",
               "labelLimit": 0},
    "range": {"category": PALETTE},
    "line": {"strokeWidth": 2},
    "point": {"size": 60, "filled": True},
}


def provenance(
    tables: Iterable[str] = (), sources: Iterable[str] = (), illustration: bool = False,
    cite_tables: Iterable[str] | None = None,
) -> dict:
    """Describe where a chart's numbers come from.

    Parameters
    ----------
    tables : names of the `data/` tables plotted; their hashes make the chart's data version.
    sources : further source ids (for model parameters taken from a text).
    illustration : True when the chart shows made-up parameters rather than measurements.
    cite_tables : the tables whose rows' `source_id`s are cited; all of `tables` by default
        (leave out a lookup table, such as display names, whose other rows the chart never uses).
    """
    table_names = sorted(set(tables))
    cited = table_names if cite_tables is None else sorted(set(cite_tables))
    source_ids: list[str] = []
    for name in cited:
        for sid in data.load_table(name)["source_id"].astype(str):
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
        "sources": [{"id": sid, "text": data.source_text(sid)} for sid in source_ids],
        "tables": {name: data.table_hash(name) for name in table_names},
        "illustration": illustration,
    }


def finish(
    chart: ChartT,
    *,
    tables: Iterable[str] = (),
    sources: Iterable[str] = (),
    switch: Sequence[str] = (),
    illustration: bool = False,
    cite_tables: Iterable[str] | None = None,
    width: int | str = "container",
    height: int = 320,
) -> ChartT:
    """Apply the theme and stamp provenance and switchable axes into `usermeta`.

    Parameters
    ----------
    chart : the chart as the builder made it.
    tables, sources, illustration, cite_tables : see :func:`provenance`.
    switch : channels ("x", "y") whose log scale a reader may switch to linear.
    width, height : the chart's size; "container" fills the page column.
    """
    for channel in switch:
        if channel not in ("x", "y"):
            raise ValueError(f"switch takes 'x' or 'y', not {channel!r}")
    meta = {"provenance": provenance(tables, sources, illustration, cite_tables),
            "switch_scales": list(switch)}
    return chart.properties(width=width, height=height, usermeta=meta).configure(**THEME)
