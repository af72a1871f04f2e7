"""The words of Quarto's cross-references: what a caption calls each kind ("Figure 2.1:") and
what a reference calls it ("Figure 2.1", "Chapter 3"), from the page's language and the
project's `crossref:` options.

Numbering is in `bookengine.render.numbering`; finding the labels and writing the references is done
on the parsed page by `quarto_xref.lua`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LANGUAGE_DIR = Path(__file__).parents[1] / "vendor" / "quarto-language"

FLOATS = ("fig", "tbl", "lst")
THEOREMS = ("thm", "lem", "cor", "prp", "cnj", "def", "exm", "exr", "sol", "rem", "alg")
CALLOUTS = {"nte": "note", "tip": "tip", "wrn": "warning", "imp": "important", "cau": "caution"}
KINDS = (*FLOATS, "eq", "sec", *THEOREMS, *CALLOUTS)
TITLES = {"fig": "Figure", "tbl": "Table", "lst": "Listing", "eq": "Equation", "sec": "Section",
          "thm": "Theorem", "lem": "Lemma", "cor": "Corollary", "prp": "Proposition",
          "cnj": "Conjecture", "def": "Definition", "exm": "Example", "exr": "Exercise",
          "sol": "Solution", "rem": "Remark", "alg": "Algorithm", "nte": "Note", "tip": "Tip",
          "wrn": "Warning", "imp": "Important", "cau": "Caution", "ch": "Chapter",
          "apx": "Appendix"}
_LANGUAGE_KEYS = {
    **{k: f"crossref-{k}-title" for k in (*FLOATS, *THEOREMS)},
    "eq": "crossref-eq-prefix", "sec": "crossref-sec-prefix", "ch": "crossref-ch-prefix",
    "apx": "crossref-apx-prefix",
    **{k: f"callout-{v}-title" for k, v in CALLOUTS.items()},
}


def _language_words(language: dict[str, str] | None) -> dict[str, str]:
    out = dict(TITLES)
    for kind, key in _LANGUAGE_KEYS.items():
        if language and isinstance(language.get(key), str):
            out[kind] = language[key]
    return out


def titles(options: dict[str, Any], language: dict[str, str] | None = None) -> dict[str, str]:
    """Each kind's caption word, with `crossref:` `fig-title`, `cnj-title`, … applied."""
    out = _language_words(language)
    for kind in KINDS:
        if isinstance(options.get(f"{kind}-title"), str):
            out[kind] = options[f"{kind}-title"]
    return out


def prefixes(options: dict[str, Any], language: dict[str, str] | None = None) -> dict[str, str]:
    """Each kind's reference word, with `crossref:` `fig-prefix`, … applied (a kind's
    `-title` option changes its captions, not its references, as in Quarto)."""
    out = _language_words(language)
    for kind in CALLOUTS:  # `crossref-tip-prefix`: what a reference to a callout calls it
        key = f"crossref-{kind}-prefix"
        if language and isinstance(language.get(key), str):
            out[kind] = language[key]
    for kind in (*KINDS, "ch", "apx"):
        if isinstance(options.get(f"{kind}-prefix"), str):
            out[kind] = options[f"{kind}-prefix"]
    return out


@lru_cache(maxsize=16)
def _language_file(name: str) -> dict[str, str]:
    path = LANGUAGE_DIR / name
    if not path.is_file():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k): str(v) for k, v in raw.items()}


def project_language(root: Path, value: Any) -> dict[str, str]:
    """A project's own words: its `_language.yml`, if it has one, then `language:` (a mapping,
    or the path of a YAML file holding one)."""
    out: dict[str, str] = {}
    for item in (root / "_language.yml", value):
        if isinstance(item, str | Path):
            try:
                item = yaml.safe_load((root / item).read_text(encoding="utf-8"))
            except (OSError, yaml.YAMLError):
                continue
        if isinstance(item, dict):
            out.update({str(k): str(v) for k, v in item.items()
                        if isinstance(v, str | int | float)})
    return out


def language(lang: str | None, overrides: Any = None) -> dict[str, str]:
    """Quarto's words for `lang` (`de`, `pt-BR`: the region's file, else the language's), over
    English, with the project's `language:` mapping applied last."""
    words = dict(_language_file("_language.yml"))
    if lang:
        tag = str(lang)
        found = _language_file(f"_language-{tag}.yml") or _language_file(
            f"_language-{tag.split('-')[0]}.yml")
        words.update(found)
    if isinstance(overrides, dict):
        words.update({str(k): str(v) for k, v in overrides.items() if isinstance(v, str)})
    return words


def page_words(words: dict[str, str]) -> dict[str, str]:
    """The words the page filters write: callout titles, proof titles, appendix headings."""
    out = {kind: words.get(f"callout-{kind}-title", kind.title())
           for kind in CALLOUTS.values()}
    out.update(proof=words.get("environment-proof-title", "Proof"),
               solution=words.get("environment-solution-title", "Solution"),
               remark=words.get("environment-remark-title", "Remark"),
               footnotes=words.get("section-title-footnotes", "Footnotes"),
               references=words.get("section-title-references", "References"))
    return out
