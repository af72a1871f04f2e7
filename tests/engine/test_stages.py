"""The engine's stages, held to their order: no import cycle, and no module that imports a later
stage (`source` nothing of `run`, `render`, `versions`, `site` or the commands, and so on).

Every import counts, at the top of a module or inside a function. The check reads the package's
own source, so it also holds a copy with a planted back-import to show that it fails.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import bookengine

PACKAGE = Path(bookengine.__file__).resolve().parent
STAGES = ("core", "source", "run", "render", "versions", "site")
"""In order; the package's top-level modules (the build and the commands) come after them all."""
MAX_LINES = 400


def modules(package: Path) -> dict[str, Path]:
    """Every module of the package by dotted name below `bookengine`."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).with_suffix("")
        parts = [p for p in rel.parts if p != "__init__"]
        out[".".join(parts)] = path
    return out


def imports(path: Path, known: set[str]) -> list[tuple[int, str]]:
    """The engine modules a module imports, with the line of each import."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and node.module.split(".")[0] == "bookengine":
            base = node.module.removeprefix("bookengine").lstrip(".")
            for alias in node.names:
                sub = f"{base}.{alias.name}".lstrip(".")
                names.append(sub if sub in known else base)
        elif isinstance(node, ast.Import):
            names = [a.name.removeprefix("bookengine.") for a in node.names
                     if a.name.startswith("bookengine.")]
        found += [(node.lineno, n) for n in names if n in known or n == ""]
    return found


def stage_of(name: str) -> int:
    """A module's place in the order: its stage's index, or after every stage."""
    head = name.split(".")[0]
    return STAGES.index(head) if head in STAGES and "." in name else len(STAGES)


def graph(package: Path) -> dict[str, list[tuple[int, str]]]:
    """Each module's imports of other engine modules (a package's `__init__` is left out as a
    target when a module of it is named)."""
    mods = modules(package)
    known = set(mods)
    return {name: [(line, t) for line, t in imports(path, known) if t and t != name]
            for name, path in mods.items()}


def order_problems(package: Path) -> list[str]:
    """Each import that runs against the stage order, as `module:line imports target`."""
    problems = []
    for name, targets in graph(package).items():
        for line, target in targets:
            if stage_of(target) > stage_of(name):
                problems.append(f"{name}:{line} imports {target}, a later stage")
    return problems


def cycles(package: Path) -> list[list[str]]:
    """The import cycles among the package's modules (Tarjan's strongly connected components)."""
    edges = {n: sorted({t for _, t in ts}) for n, ts in graph(package).items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges.get(node, []):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_a_later_stage() -> None:
    assert order_problems(PACKAGE) == []


def test_no_import_cycle() -> None:
    assert cycles(PACKAGE) == []


def test_every_stage_is_a_package_and_the_rest_are_the_build_and_its_commands() -> None:
    assert all((PACKAGE / s / "__init__.py").is_file() for s in STAGES)
    top = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__"))
    packages = sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py"))
    assert top == ["build", "cli", "deploy", "pdf"]
    assert packages == sorted([*STAGES, "bench", "preview"])


def test_no_module_is_over_400_lines_and_build_is_a_table_of_contents() -> None:
    sizes = {n: len(p.read_text(encoding="utf-8").splitlines())
             for n, p in modules(PACKAGE).items()}
    assert {n: s for n, s in sizes.items() if s > MAX_LINES} == {}
    assert sizes["build"] < 200


def test_a_planted_back_import_and_a_planted_cycle_are_found(tmp_path: Path) -> None:
    copy = tmp_path / "bookengine"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "vendor"))
    assert order_problems(copy) == [] and cycles(copy) == []
    config = copy / "source" / "config.py"
    text = config.read_text(encoding="utf-8")
    config.write_text(text + "\n\ndef _late():\n    from bookengine.site.layout import Layout\n"
                      "    return Layout\n", encoding="utf-8")
    problems = order_problems(copy)
    assert len(problems) == 1 and problems[0].startswith("source.config:") and \
        problems[0].endswith("imports site.layout, a later stage")
    assert any("source.config" in c and "site.layout" in c for c in cycles(copy))
    config.write_text(text, encoding="utf-8")
    document = copy / "source" / "document.py"
    document.write_text(document.read_text(encoding="utf-8")
                        + "\nfrom bookengine.source import qmd  # noqa\n", encoding="utf-8")
    assert order_problems(copy) == []  # same stage: allowed by the order, but a cycle
    assert any({"source.document", "source.qmd"} <= set(c) for c in cycles(copy))
