"""Display names for model ids: curated, taken from a release's own naming, or derived.

Every model id in the book's tables needs a display name and a developer in `data/models.csv`,
whose `name_origin` column says where the name came from:

- `curated`: written or checked by a maintainer; a refresh never changes such a row.
- `release`: the release's own name for the entry (ARC Prize's `displayName`), or a name METR's
  `release_dates.yaml` lists that matches the key by the rule of :func:`same_name`.
- `derived`: read from the key by :func:`derive_name` (`gpt_5_2` -> "GPT-5.2"), the developer
  from :data:`DEVELOPER_PREFIXES`; such names await curation and each refresh notes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import pandas as pd

from inference_debate.upstream.kinds import Named

#: Key suffixes that name how a model was run, not which model it is.
DROPPED_SUFFIXES = ("inspect", "elicited", "together", "openrouter", "bedrock")

#: Words written in a fixed way; other words are capitalised, numbers joined with dots.
WORDS: dict[str, str] = {
    "gpt": "GPT", "claude": "Claude", "gemini": "Gemini", "gemma": "Gemma", "grok": "Grok",
    "deepseek": "DeepSeek", "qwen": "Qwen", "kimi": "Kimi", "llama": "Llama", "glm": "GLM",
    "oss": "oss", "ai": "AI", "xai": "xAI",
}

#: Words joined to the version that follows with a hyphen ("GPT-5.2"), as their makers write them.
HYPHENATED = {"GPT", "GLM"}

#: Developer by the start of a model id (lower case), first match wins; none matches: "Unknown".
DEVELOPER_PREFIXES: tuple[tuple[str, str], ...] = (
    (r"claude|anthropic", "Anthropic"),
    (r"gpt|o\d|davinci|chatgpt|codex|openai", "OpenAI"),
    (r"gemini|gemma|google", "Google"),
    (r"grok|xai", "xAI"),
    (r"deepseek", "DeepSeek"),
    (r"qwen", "Alibaba"),
    (r"kimi|moonshot", "Moonshot AI"),
    (r"llama|meta", "Meta"),
    (r"mistral|magistral|ministral", "Mistral"),
    (r"glm", "Z.ai"),
    (r"minimax", "Minimax"),
)
UNKNOWN_DEVELOPER = "Unknown"

_DATE_STAMP = re.compile(r"[-_](?:\d{8}|\d{4}[-_]\d{2}[-_]\d{2})(?=[-_]|$)")


def derive_name(model_id: str) -> str:
    """A readable name from a model key.

    Date stamps and run suffixes (`_inspect`) are dropped, runs of numbers joined with dots, known
    words written their makers' way: `gpt_5_2` -> "GPT-5.2", `claude_opus_4_6_inspect` ->
    "Claude Opus 4.6", `gemini_3_1_pro` -> "Gemini 3.1 Pro", `o3_mini` -> "o3 Mini".
    """
    key = _DATE_STAMP.sub("", model_id.strip())
    tokens: list[str] = []
    for token in (t for t in re.split(r"[-_\s]+", key) if t):
        glued = re.fullmatch(r"([a-z]+)(\d+)", token.lower())
        if glued and glued.group(1) in WORDS:
            tokens += [glued.group(1), glued.group(2)]
        else:
            tokens.append(token)
    while len(tokens) > 1 and tokens[-1].lower() in DROPPED_SUFFIXES:
        tokens.pop()
    words: list[str] = []
    for token in tokens:
        if (re.fullmatch(r"\d{1,2}", token) and words
                and re.fullmatch(r"\d+(\.\d+)*", words[-1])):
            words[-1] += "." + token
            continue
        lowered = token.lower()
        if lowered in WORDS:
            words.append(WORDS[lowered])
        elif re.fullmatch(r"o\d+", lowered) or token.isdigit():
            words.append(lowered)
        elif re.fullmatch(r"\d+[a-z]", lowered):
            words.append(token.upper())
        else:
            words.append(token[:1].upper() + token[1:])
    out = ""
    for word in words:
        if not out:
            out = word
        elif out.rsplit(" ", 1)[-1] in HYPHENATED and re.match(r"\d", word):
            out += "-" + word
        else:
            out += " " + word
    return out or model_id


def developer_of(model_id: str) -> str:
    """The developer a model id's prefix names (see :data:`DEVELOPER_PREFIXES`), or "Unknown"."""
    lowered = model_id.strip().lower()
    for pattern, developer in DEVELOPER_PREFIXES:
        if re.match(pattern, lowered):
            return developer
    return UNKNOWN_DEVELOPER


def normalise(name: str) -> str:
    """A name compared ignoring case, spaces and punctuation: "GPT-5.1 Codex" -> "gpt51codex"."""
    return re.sub(r"[\W_]+", "", name.casefold())


def same_name(derived: str, listed: str) -> bool:
    """The matching rule for a release's list of names: equal after :func:`normalise`."""
    return normalise(derived) == normalise(listed)


def models_table(named: Sequence[Named], listed: Iterable[tuple[str, str]],
                 previous: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[str]]:
    """`data/models.csv` for the model ids the releases bring, with a note per derived name.

    `listed` gives (name, source id) pairs from a release's list of names (METR's release
    dates); `previous` is the current `models.csv`, whose curated rows are kept as they are, used
    or not. Each other id gets, in order: the name its release gives; a listed name that
    :func:`same_name` matches to the derived name; else the derived name.
    """
    rows: dict[str, dict[str, str]] = {}
    if previous is not None and "name_origin" in previous:
        for row in previous.to_dict("records"):
            if row["name_origin"] == "curated":
                rows[str(row["model_id"])] = {k: str(row[k]) for k in
                                              ("model_id", "display_name", "developer",
                                               "name_origin", "source_id")}
    by_normal: dict[str, tuple[str, str]] = {}
    for name, source_id in listed:
        by_normal.setdefault(normalise(name), (name, source_id))
    notes: list[str] = []
    for entry in named:
        if entry.model_id in rows:
            continue
        developer = entry.developer or developer_of(entry.model_id)
        if entry.display_name:
            name, origin, source_id = entry.display_name, "release", entry.source_id
        else:
            derived = derive_name(entry.model_id)
            match = by_normal.get(normalise(derived))
            if match:
                (name, source_id), origin = match, "release"
            else:
                name, origin, source_id = derived, "derived", entry.source_id
                notes.append(f"{entry.where or entry.source_id}: model {entry.model_id!r} "
                             f"has no curated or released name; derived {name!r} (developer "
                             f"{developer}); curate it in data/models.csv")
        rows[entry.model_id] = {"model_id": entry.model_id, "display_name": name,
                                "developer": developer, "name_origin": origin,
                                "source_id": source_id}
    ordered = sorted(rows.values(), key=lambda r: (r["name_origin"] != "curated", r["model_id"]))
    columns = ["model_id", "display_name", "developer", "name_origin", "source_id"]
    return pd.DataFrame(ordered, columns=columns), notes


def awaiting_curation(models: pd.DataFrame) -> pd.DataFrame:
    """The rows of a models table whose names were derived from their keys."""
    return models[models["name_origin"] == "derived"]

