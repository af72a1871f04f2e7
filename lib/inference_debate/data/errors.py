"""The one exception a bad data file raises, and the problems it lists."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

_MAX_VALUE_CHARS = 60


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one cell (or row, or file) of a data file.

    `line` counts lines of the file from 1 (a CSV's header is line 1); `column` names the column
    (or the field of a sources.yml entry); `value` is what was found, `expected` what should be.
    """

    file: str
    line: int
    column: str
    value: str
    expected: str

    def __str__(self) -> str:
        return (
            f"{self.file}, line {self.line}, column {self.column}: "
            f"value {show_value(self.value)} \u2014 expected {self.expected}"
        )


def show_value(value: object) -> str:
    """A found value as a message prints it: quoted, shortened, control characters visible."""
    if value is None:
        return "(missing)"
    text = str(value)
    if text.startswith("(") and text.endswith(")"):
        return text  # a description such as "(missing)" or "(empty file)", not a cell value
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 1] + "\u2026"
    return '"' + text.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'


class DataError(ValueError):
    """A data file that does not meet its schema; the message lists every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = sorted(set(problems))
        if not self.problems:
            raise ValueError("a DataError needs at least one problem")
        files = sorted({p.file for p in self.problems})
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in {', '.join(files)}:"
        super().__init__("\n".join([head, *(str(p) for p in self.problems)]))
