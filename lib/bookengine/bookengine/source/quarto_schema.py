"""The names Quarto's config schema accepts (from `quarto_schema.yml`), and did-you-mean hints."""

from __future__ import annotations

import difflib
from functools import cache
from pathlib import Path
from typing import Any

import yaml

SCHEMA_FILE = Path(__file__).with_name("quarto_schema.yml")


@cache
def schema() -> dict[str, Any]:
    """The generated schema data: cell options, document options, closed objects, formats."""
    return yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))


def cell_options() -> frozenset[str]:
    """Every cell option Quarto's schema defines (`#| key: value`)."""
    return frozenset(schema()["cell_options"])


def closed_keys(section: str) -> frozenset[str]:
    """The keys of an object Quarto's schema closes: `project`, `book` or `website`."""
    return frozenset(schema()["closed"][section])


def document_options() -> frozenset[str]:
    """Options allowed at the top of `_quarto.yml`, in front matter and under `format: html:`."""
    return frozenset(schema()["document_options"]) | frozenset(schema()["cell_options"])


def formats() -> frozenset[str]:
    """Output format names Quarto knows."""
    return frozenset(schema()["formats"])


def hint(word: str, choices: frozenset[str] | set[str]) -> str:
    """` (did you mean `x`?)` for the closest known name, or an empty string."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""
