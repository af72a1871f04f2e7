"""Guarded statements: sentences of the book whose truth depends on the data, with their checks.

Some things the book says in words, not numbers: that every price trend falls faster than some
rate, that a fit lies inside a published range, which model is the cheapest. New data can make
such a sentence false while every number around it still updates. Each one is registered here,
once, with the chapter that says it, the sentence as it reads, a check on the current data and a
way to make the data falsify it (which the tests use). The chapter calls `require(id)` in a cell
just before the sentence; when the check fails the cell fails, and the build stops naming the
chapter, the line, the sentence and the values that broke it, leaving the published site as it
was. The Methods appendix lists every guard (`guards_markdown`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inference_debate.data.catalogue import code_span, escape_cell


@dataclass(frozen=True)
class Verdict:
    """Whether a guarded sentence holds, and the values it was judged on."""

    holds: bool
    values: dict[str, Any]


@dataclass(frozen=True)
class Guard:
    """One guarded sentence: where it is, what it says, how it is checked and falsified."""

    id: str
    chapter: str
    sentence: str
    check: Callable[[], Verdict]
    falsify: Callable[[Path], None]
    """Edits the tables in a data folder so that the sentence becomes false (for tests)."""

    @property
    def rule(self) -> str:
        """What the check tests, in words (the check's docstring)."""
        return " ".join((self.check.__doc__ or "").split())


GUARDS: dict[str, Guard] = {}


class GuardError(AssertionError):
    """A guarded sentence no longer holds for the current data."""


def guard(id: str, chapter: str, sentence: str,
          falsify: Callable[[Path], None]) -> Callable[[Callable[[], Verdict]],
                                                       Callable[[], Verdict]]:
    """Register the decorated check as the guard of `sentence` in `chapter`."""

    def register(check: Callable[[], Verdict]) -> Callable[[], Verdict]:
        if id in GUARDS:
            raise ValueError(f"guard {id!r} is registered twice")
        GUARDS[id] = Guard(id, chapter, sentence, check, falsify)
        return check

    return register


def require(id: str) -> Verdict:
    """Check a guarded sentence; raise GuardError naming it and its values when it fails."""
    _load()
    item = GUARDS[id]
    verdict = item.check()
    if not verdict.holds:
        values = ", ".join(f"{k} = {v}" for k, v in verdict.values.items())
        raise GuardError(
            f"{item.chapter}: the data no longer supports the sentence “{item.sentence}” "
            f"(guard {id}: {item.rule}; found {values}). Rewrite the sentence to say what the "
            "data now shows, and its check in inference_debate.guards.")
    return verdict


def all_guards() -> dict[str, Guard]:
    """Every registered guard, by id."""
    _load()
    return dict(GUARDS)


def guards_markdown() -> str:
    """The Methods appendix's table of guarded sentences and their checks."""
    lines = ["| Chapter | Sentence | Check |", "|:--|:--|:--|"]
    for item in all_guards().values():
        lines.append(f"| {code_span(item.chapter)} | {escape_cell(item.sentence)} | "
                     f"{escape_cell(item.rule)} |")
    return "\n".join(lines) + "\n"


def _load() -> None:
    from inference_debate.guards import statements  # noqa: F401 - registers the guards
