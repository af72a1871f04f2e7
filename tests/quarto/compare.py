"""Comparing two renders page by page, by what a reader sees; each difference is either listed
in `deviations.yml` (with its reason) or reported."""

from __future__ import annotations

import difflib
import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tests.quarto.reader import KINDS, Item, read_page

DEVIATIONS = Path(__file__).with_name("deviations.yml")


@dataclass(frozen=True)
class Difference:
    """One item that differs: what Quarto shows and what the engine shows (None: nothing)."""

    page: str
    kind: str
    quarto: str | None
    engine: str | None

    def __str__(self) -> str:
        return (f"{self.page}: {self.kind}: quarto {self.quarto!r}\n"
                f"{' ' * (len(self.page) + len(self.kind) + 4)}engine {self.engine!r}")


@dataclass(frozen=True)
class Deviation:
    """A difference kept on purpose: which items it covers and why."""

    id: str
    why: str
    kind: str | None = None
    quarto: str | None = None
    engine: str | None = None
    projects: tuple[str, ...] = ("*",)
    pages: tuple[str, ...] = ("*",)

    def covers(self, project: str, diff: Difference) -> bool:
        if self.kind is None or self.kind != diff.kind:
            return False
        if not any(fnmatch.fnmatch(project, p) for p in self.projects):
            return False
        if not any(fnmatch.fnmatch(diff.page, p) for p in self.pages):
            return False
        return _side(self.quarto, diff.quarto) and _side(self.engine, diff.engine)


def _side(pattern: str | None, value: str | None) -> bool:
    if pattern is None:
        return True
    if pattern == "<none>":
        return value is None
    return value is not None and re.fullmatch(pattern, value, re.S) is not None


def load_deviations(path: Path = DEVIATIONS) -> list[Deviation]:
    """Every recorded deviation; each must say why."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    out = []
    for entry in raw:
        if not entry.get("why"):
            raise ValueError(f"{path}: deviation {entry.get('id')!r} gives no reason")
        out.append(Deviation(
            id=entry["id"], why=entry["why"], kind=entry.get("kind"),
            quarto=entry.get("quarto"), engine=entry.get("engine"),
            projects=tuple(entry.get("projects") or ["*"]),
            pages=tuple(entry.get("pages") or ["*"])))
    return out


@dataclass
class Comparison:
    """The result of comparing one project: items compared, differences covered by a deviation
    (by id), and differences not covered."""

    project: str
    compared: int = 0
    pages: int = 0
    covered: dict[str, list[Difference]] = field(default_factory=dict)
    uncovered: list[Difference] = field(default_factory=list)
    by_kind: dict[str, int] = field(default_factory=dict)
    """Items compared, per kind."""

    @property
    def deviations(self) -> int:
        return sum(len(v) for v in self.covered.values())


def pages_of(site: Path) -> list[str]:
    """The HTML pages of a rendered site, relative to it (Quarto's and the engine's helpers left
    out)."""
    skip = ("site_libs/", "assets/", "figures/", "v/", "search", "404.html", "versions.html")
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if not p.relative_to(site).as_posix().startswith(skip)
                  and "_files/" not in p.relative_to(site).as_posix())


def compare_sites(project: str, quarto_site: Path, engine_site: Path,
                  deviations: list[Deviation]) -> Comparison:
    """Compare every page either renderer wrote."""
    result = Comparison(project)
    q_pages, e_pages = set(pages_of(quarto_site)), set(pages_of(engine_site))
    for page in sorted(q_pages | e_pages):
        q_items = read_page(quarto_site / page, quarto_site) if page in q_pages else None
        e_items = read_page(engine_site / page, engine_site) if page in e_pages else None
        result.pages += 1
        if q_items is None or e_items is None:
            diff = Difference(page, "page", "present" if q_items is not None else None,
                              "present" if e_items is not None else None)
            _file(result, project, diff, deviations)
            continue
        for kind, diff, n in compare_items(page, q_items, e_items):
            result.compared += n
            result.by_kind[kind] = result.by_kind.get(kind, 0) + n
            if diff is not None:
                _file(result, project, diff, deviations)
    return result


def _file(result: Comparison, project: str, diff: Difference,
          deviations: list[Deviation]) -> None:
    dev = next((d for d in deviations if d.covers(project, diff)), None)
    if dev is None:
        result.uncovered.append(diff)
    else:
        result.covered.setdefault(dev.id, []).append(diff)


def compare_items(page: str, quarto: list[Item], engine: list[Item]):
    """Yield (kind, difference or None, items compared) for each kind, aligned in document
    order."""
    for kind in KINDS:
        q = [i.value for i in quarto if i.kind == kind]
        e = [i.value for i in engine if i.kind == kind]
        matcher = difflib.SequenceMatcher(a=q, b=e, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                yield kind, None, i2 - i1
                continue
            qs, es = q[i1:i2], e[j1:j2]
            for k in range(max(len(qs), len(es))):
                yield kind, Difference(page, kind, qs[k] if k < len(qs) else None,
                                       es[k] if k < len(es) else None), 1
