"""What a build reports: the error that stops it (`BuildError`, every problem at once), what it did
page by page (`BuildReport`), and Quarto's warnings, which a `strict` book makes errors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


class BuildError(Exception):
    """The build stopped; `problems` has every reason, each naming file and line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class PageReport:
    """One page's line of the report: `cached` or `executed`, why, and how long it ran."""

    rel: str
    status: str  # "cached" or "executed"
    reason: str
    seconds: float = 0.0


@dataclass
class BuildReport:
    """What a build did, page by page."""

    pages: list[PageReport] = field(default_factory=list)
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    """Seconds spent in each stage (execute, convert, write, check)."""
    site: Path | None = None

    @property
    def executed(self) -> list[str]:
        return [p.rel for p in self.pages if p.status == "executed"]

    def summary(self) -> str:
        lines = []
        for p in self.pages:
            extra = f" ({p.reason}, {p.seconds:.1f} s)" if p.status == "executed" else ""
            lines.append(f"  {p.status:8} {p.rel}{extra}")
        n_exec = len(self.executed)
        stages = ", ".join(f"{k} {v:.1f} s" for k, v in self.stages.items())
        lines.append(f"{len(self.pages)} pages: {n_exec} executed, {len(self.pages) - n_exec} "
                     f"cached; published in {self.seconds:.1f} s ({stages})")
        return "\n".join(lines)


class Warnings:
    """Quarto's warnings: printed as `warning: file:line: message`, and the build goes on;
    with `book-engine: strict: true` each is an error, and the build stops once all are in."""

    def __init__(self, strict: bool, log: Callable[[str], None]):
        self.strict = strict
        self.log = log
        self.errors: list[str] = []

    def warn(self, message: str) -> None:
        if self.strict:
            self.errors.append(f"{message} (an error: this book sets `book-engine: strict: "
                               "true`)")
        else:
            self.log(f"warning: {message}")

    def check(self) -> None:
        """Stop the build if a strict book had any warning."""
        if self.errors:
            raise BuildError(self.errors)
