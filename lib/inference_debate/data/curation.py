"""Model names awaiting curation: the rows of `data/models.csv` whose names were derived.

A refresh names a model the book has not seen from its key when the release gives no name of
its own (see `inference_debate.upstream.names`); such a row says `name_origin: derived` until a
maintainer checks it and sets `curated`. The Data and sources appendix lists them.
"""

from __future__ import annotations

import pandas as pd

from inference_debate.data.catalogue import code_span, escape_cell
from inference_debate.data.tables import load_table


def names_awaiting_curation() -> pd.DataFrame:
    """The rows of `data/models.csv` whose display names were derived from their ids."""
    models = load_table("models")
    return models[models["name_origin"] == "derived"].reset_index(drop=True)


def names_awaiting_curation_markdown() -> str:
    """A Markdown table of the derived names (id, name, developer, source), or a sentence."""
    rows = names_awaiting_curation()
    if rows.empty:
        return "No model name awaits curation: every name is curated or the release's own."
    lines = ["| Model id | Derived name | Developer | Source |", "|---|---|---|---|"]
    for row in rows.itertuples(index=False):
        lines.append(f"| {code_span(row.model_id)} | {escape_cell(row.display_name)} | "
                     f"{escape_cell(row.developer)} | {code_span(row.source_id)} |")
    return "\n".join(lines)
