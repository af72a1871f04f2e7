"""The claims table: eight claims of the debate against the four authors, as Markdown.

Each cell says whether the author asserts, disputes, qualifies or is silent on the claim, and
links to the chapter section that shows it. Chapters are sibling pages, so a link is
`<chapter>.html#<section id>`. Every stance but "silent" rests on a passage of the author's
text, quoted verbatim with where it is (`quote`, `location`); the link's title shows it on
hover, and a list under the table (`evidence_markdown`) shows every passage on expanding it.
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
        if row.stance != "silent":
            for column in ("quote", "location"):
                if not _text(getattr(row, column, None)):
                    problems.append(f"line {line}: a {row.author} stance of {row.stance!r} "
                                    f"needs the passage it rests on ({column} is empty)")
    for claim_id, group in claims.groupby("claim_id", sort=False):
        authors = sorted(group["author"])
        if authors != sorted(AUTHORS):
            problems.append(f"claim {claim_id!r}: needs one row per author, has {authors}")
        if group["claim"].nunique() != 1:
            problems.append(f"claim {claim_id!r}: its text differs between rows")
    if problems:
        raise ValueError("data/claims.csv:\n" + "\n".join(problems))


def _text(value: object) -> str:
    """A cell as text: empty for a missing value."""
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def evidence(row: pd.Series) -> str:
    """What a cell rests on, as one line: “passage” (where), then the note if any."""
    quote, location, note = (_text(row.get(c)) for c in ("quote", "location", "note"))
    parts = []
    if quote:
        parts.append(f"\u201c{quote}\u201d ({location})")
    elif row["stance"] == "silent":
        parts.append("The texts collected here do not address this claim.")
    if note:
        parts.append(note)
    return " ".join(parts)


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
            f"[{escape_cell(by_author.at[a, 'stance'])}]({anchor_link(by_author.at[a, 'anchor'])}"
            f' "{escape_cell(evidence(by_author.loc[a]))}")'
            for a in AUTHORS
        ]
        lines.append(f"| {escape_cell(group['claim'].iloc[0])} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def evidence_markdown(claims: pd.DataFrame | None = None) -> str:
    """Every cell's passage, claim by claim, in a list a reader expands under the table."""
    if claims is None:
        claims = load_claims()
    else:
        check_claims(claims)
    lines = ['<details class="claims-evidence">',
             "<summary>The passage behind each cell</summary>", ""]
    for _, group in claims.groupby("claim_id", sort=False):
        lines.append(f"**{escape_cell(group['claim'].iloc[0])}**")
        lines.append("")
        by_author = group.set_index("author")
        for a, name in AUTHORS.items():
            row = by_author.loc[a]
            link = anchor_link(row["anchor"])
            lines.append(f"- {name}, [{escape_cell(row['stance'])}]({link}): "
                         f"{escape_cell(evidence(row))}")
        lines.append("")
    lines.append("</details>")
    return "\n".join(lines) + "\n"


def stance_counts(claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """How many claims each author asserts, disputes, qualifies or is silent on."""
    if claims is None:
        claims = load_claims()
    counts = pd.crosstab(claims["author"], claims["stance"])
    return counts.reindex(index=list(AUTHORS), columns=list(STANCES), fill_value=0)
