"""The claims table: eight claims of the debate against the four authors, as Markdown.

Each cell says whether the author asserts, disputes, qualifies or is silent on the claim, and
links to the chapter section that shows it. Chapters are sibling pages, so a link is
`<chapter>.html#<section id>`.
"""

from __future__ import annotations

import pandas as pd

from inference_debate import data
from inference_debate.data.catalogue import escape_cell
from inference_debate.data.schemas import AUTHORS, STANCES

__all__ = ["AUTHORS", "STANCES", "check_claims", "load_claims"]


def load_claims() -> pd.DataFrame:
    """`data/claims.csv`, checked: one row per claim and author, anchors in that chapter."""
    claims = data.load_table("claims")
    check_claims(claims)
    return claims


def check_claims(claims: pd.DataFrame) -> None:
    """Raise ValueError listing every row that breaks the table's rules."""
    problems = []
    for line, row in zip(range(2, len(claims) + 2), claims.itertuples(index=False), strict=True):
        if row.author not in AUTHORS:
            problems.append(f"line {line}: author {row.author!r} is not one of {list(AUTHORS)}")
            continue
        if row.stance not in STANCES:
            problems.append(f"line {line}: stance {row.stance!r} is not one of {list(STANCES)}")
        if row.anchor != f"sec-{row.author}" and not row.anchor.startswith(f"sec-{row.author}-"):
            problems.append(f"line {line}: anchor {row.anchor!r} is not in the {row.author} "
                            "chapter")
    for claim_id, group in claims.groupby("claim_id", sort=False):
        authors = sorted(group["author"])
        if authors != sorted(AUTHORS):
            problems.append(f"claim {claim_id!r}: needs one row per author, has {authors}")
        if group["claim"].nunique() != 1:
            problems.append(f"claim {claim_id!r}: its text differs between rows")
    if problems:
        raise ValueError("data/claims.csv:\n" + "\n".join(problems))


def anchor_link(anchor: str) -> str:
    """The relative address of a section: `sec-ord-log-x` -> `ord.html#sec-ord-log-x`."""
    parts = anchor.split("-")
    if len(parts) < 2 or parts[0] != "sec":
        raise ValueError(f"not a section id: {anchor!r}")
    return f"{parts[1]}.html#{anchor}"


def claims_markdown(claims: pd.DataFrame | None = None) -> str:
    """The claims as a Markdown table, one row per claim, one linked cell per author."""
    if claims is None:
        claims = load_claims()
    else:
        check_claims(claims)
    header = "| Claim | " + " | ".join(AUTHORS.values()) + " |"
    rule = "|:--|" + ":-:|" * len(AUTHORS)
    lines = [header, rule]
    for _, group in claims.groupby("claim_id", sort=False):
        by_author = group.set_index("author")
        cells = [
            f"[{escape_cell(by_author.at[a, 'stance'])}]({anchor_link(by_author.at[a, 'anchor'])})"
            for a in AUTHORS
        ]
        lines.append(f"| {escape_cell(group['claim'].iloc[0])} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def stance_counts(claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """How many claims each author asserts, disputes, qualifies or is silent on."""
    if claims is None:
        claims = load_claims()
    counts = pd.crosstab(claims["author"], claims["stance"])
    return counts.reindex(index=list(AUTHORS), columns=list(STANCES), fill_value=0)
