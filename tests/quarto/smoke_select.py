"""How the smoke corpus in `tests/quarto/smoke/` was chosen from quarto-cli's own
`tests/docs/smoke-all` (v1.10.18, MIT): `python -m tests.quarto.smoke_select SMOKE_ALL`.

A document is taken when it stands alone (no `_quarto.yml` above it), renders to HTML, runs no
R, Julia or Observable cells, imports nothing outside this project's lock, is not about another
format (Typst, reveal.js, dashboards, brands, Confluence), and real Quarto renders it here on
its own. Every third such document is kept, with the sibling files it names (bibliographies,
filters, data). What was left out and why is written to the corpus's README.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from tests.quarto import oracle

CORPUS = Path(__file__).with_name("smoke")
ALLOWED_IMPORTS = {"sys", "os", "math", "json", "re", "random", "datetime", "time", "IPython",
                   "pandas", "numpy", "altair", "collections", "itertools", "textwrap",
                   "warnings", "pathlib", "yaml"}
OTHER_AREAS = ("brand", "typst", "dashboard", "revealjs", "confluence", "pdf-standard")


def candidates(root: Path) -> tuple[list[Path], collections.Counter]:
    """Documents that meet the rule above (before Quarto is asked), and counts of why others
    were left out."""
    projects = {Path(d) for d, _, files in os.walk(root)
                if "_quarto.yml" in files or "_quarto.yaml" in files}
    why: collections.Counter = collections.Counter()
    found = []
    for path in sorted(root.rglob("*.qmd")):
        rel = path.relative_to(root)
        if any(parent in projects for parent in path.parents):
            why["inside a project"] += 1
            continue
        if any(area in rel.parts for area in OTHER_AREAS):
            why["about another format"] += 1
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        m = re.match(r"^---\n(.*?)\n---", text, re.S)
        try:
            front = (yaml.safe_load(m.group(1)) if m else {}) or {}
        except yaml.YAMLError:
            why["front matter not YAML"] += 1
            continue
        front = front if isinstance(front, dict) else {}
        fmt = front.get("format")
        formats = ([fmt] if isinstance(fmt, str) else list(fmt) if isinstance(fmt, dict)
                   else ["html"] if fmt is None else [])
        if not any(str(f).startswith("html") for f in formats):
            why["not HTML"] += 1
            continue
        if re.search(r"^```+\s*\{(r|R|julia|ojs)\b", text, re.M) or \
                front.get("engine") in ("knitr", "julia") or "knitr" in front or \
                re.search(r"`\{r\}", text):
            why["R, Julia or Observable cells"] += 1
            continue
        imports = set(re.findall(r"^\s*(?:import|from)\s+(\w+)", text, re.M)) \
            if "{python}" in text else set()
        if imports - ALLOWED_IMPORTS:
            why["imports outside the lock"] += 1
            continue
        found.append(path)
    return found, why


def siblings(path: Path) -> list[Path]:
    """Files beside a document that it names (bibliographies, filters, images, data)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    return [p for p in sorted(path.parent.iterdir())
            if p.is_file() and p != path and p.suffix != ".qmd" and p.name in text]


def quarto_builds(path: Path) -> bool:
    """Real Quarto renders the document on its own, here."""
    with tempfile.TemporaryDirectory(prefix="smoke-") as tmp:
        work = Path(tmp)
        for f in [path, *siblings(path)]:
            shutil.copy(f, work / f.name)
        env = {**os.environ, "QUARTO_TOOLS_PREFIX": str(oracle.tools_prefix()),
               "QUARTO_PYTHON": sys.executable}
        try:
            proc = subprocess.run([str(oracle.QUARTO), "render", path.name, "--to", "html"],
                                  cwd=work, env=env, capture_output=True, timeout=300)
        except subprocess.TimeoutExpired:
            return False
        return proc.returncode == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("smoke_all", type=Path)
    parser.add_argument("--every", type=int, default=3)
    args = parser.parse_args(argv)
    oracle.ensure_tools()
    found, why = candidates(args.smoke_all)
    sample = found[:: args.every]
    kept, failed = [], []
    for path in sample:
        (kept if quarto_builds(path) else failed).append(path)
        print(f"{'ok  ' if kept and kept[-1] == path else 'fail'} "
              f"{path.relative_to(args.smoke_all)}", flush=True)
    shutil.rmtree(CORPUS / "docs", ignore_errors=True)
    for path in kept:
        rel = path.relative_to(args.smoke_all)
        dest = CORPUS / "docs" / rel.parent
        dest.mkdir(parents=True, exist_ok=True)
        for f in [path, *siblings(path)]:
            shutil.copy(f, dest / f.name)
    lines = [f"- {n} {reason}" for reason, n in why.most_common()]
    (CORPUS / "SELECTION.md").write_text(
        f"{len(found)} documents of smoke-all met the rule; one in {args.every} was tried "
        f"({len(sample)}); real Quarto rendered {len(kept)} of them here, which are kept.\n\n"
        "Left out before trying:\n\n" + "\n".join(lines) + "\n\nQuarto did not render:\n\n"
        + "\n".join(f"- {p.relative_to(args.smoke_all)}" for p in failed) + "\n",
        encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
