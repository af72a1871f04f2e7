"""The book's data: curated tables in `data/`, their schemas, and the sources they cite.

`load_table(name)` reads and checks `data/<name>.csv`; `load_sources()` reads
`data/sources.yml`; `stated()` and `assumption()` fetch single figures; `table_hash()` gives
the short hash that names a table's version on every chart; `names_awaiting_curation()` lists
the model names a refresh derived from their ids; `latest_release()` the newest release a table
holds.
"""

from inference_debate.data.catalogue import catalogue_markdown
from inference_debate.data.curation import names_awaiting_curation, names_awaiting_curation_markdown
from inference_debate.data.errors import DataError, Problem
from inference_debate.data.paths import data_dir, project_root, sources_path, table_path
from inference_debate.data.schemas import TABLES, TableSpec
from inference_debate.data.sources import Source, load_sources, source_text
from inference_debate.data.tables import (
    assumption,
    check_table,
    latest_release,
    load_table,
    stated,
    table_hash,
    table_names,
    table_spec,
)

__all__ = [
    "TABLES",
    "DataError",
    "Problem",
    "Source",
    "TableSpec",
    "assumption",
    "catalogue_markdown",
    "check_table",
    "data_dir",
    "latest_release",
    "load_sources",
    "load_table",
    "names_awaiting_curation",
    "names_awaiting_curation_markdown",
    "project_root",
    "source_text",
    "sources_path",
    "stated",
    "table_hash",
    "table_names",
    "table_path",
    "table_spec",
]
