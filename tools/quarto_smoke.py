"""Build Quarto's own HTML smoke-test documents with this engine and count what builds.

Usage: python tools/quarto_smoke.py QUARTO_CLI_DIR [DIR ...]

Each `.qmd` under `tests/docs/smoke-all/<DIR>` (default: the cross-reference, shortcode,
Jupyter, table, embed and similar folders) that targets HTML, uses no other engine and is not
inside a project of its own becomes the one chapter of a throwaway book, built by
`python -m bookengine publish`. Prints one line per document and a summary.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

DIRS = ["crossrefs", "shortcodes", "jupyter", "table", "embed", "conditional-content", "video",
        "citations", "markdown", "inline-execution", "listings"]


def candidates(base: Path, dirs: list[str]) -> list[Path]:
    """Smoke documents an HTML, Python-only engine should handle."""
    found = []
    for d in dirs:
        for f in sorted((base / d).rglob("*.qmd")):
            if any(p.startswith("_") for p in f.relative_to(base).parts):
                continue
            text = f.read_text(errors="replace")
            m = re.match(r"---\n(.*?)\n---", text, re.S)
            try:
                front = (yaml.safe_load(m.group(1)) if m else {}) or {}
            except yaml.YAMLError:
                continue
            fmt = front.get("format", "html") if isinstance(front, dict) else "html"
            names = [fmt] if isinstance(fmt, str) else [str(n) for n in fmt]
            if not any(n.split("+")[0] == "html" for n in names):
                continue
            if re.search(r"^```\{(r|julia|ojs)[ ,}]|engine: knitr", text, re.M):
                continue
            if any((p / "_quarto.yml").exists() for p in f.parents if base in p.parents):
                continue
            found.append(f)
    return found


def build_one(doc: Path) -> tuple[str, str]:
    """Build one document as a book; (status, last line of the error)."""
    work = Path(tempfile.mkdtemp(prefix="quarto-smoke-"))
    book = work / "book"
    shutil.copytree(doc.parent, book, ignore=shutil.ignore_patterns("*_files", "*.html"))
    chapters = [doc.name] if doc.name == "index.qmd" else ["index.md", doc.name]
    if doc.name != "index.qmd":
        (book / "index.md").write_text("# Home\n")
    (book / "_quarto.yml").write_text(
        "project:\n  type: book\nbook:\n  title: Smoke\n  chapters:\n"
        + "".join(f"    - {c}\n" for c in chapters) + "book-engine:\n  library: []\n  lock: null\n")
    try:
        proc = subprocess.run([sys.executable, "-m", "bookengine", "publish", str(book)],
                              capture_output=True, text=True, timeout=180)
        status = "ok" if proc.returncode == 0 else "fail"
        lines = proc.stderr.strip().splitlines()
        detail = lines[-1] if lines and status != "ok" else ""
    except subprocess.TimeoutExpired:
        status, detail = "timeout", ""
    shutil.rmtree(work, ignore_errors=True)
    return status, detail


def main() -> None:
    base = Path(sys.argv[1]) / "tests" / "docs" / "smoke-all"
    docs = candidates(base, sys.argv[2:] or DIRS)
    counts: Counter[str] = Counter()
    for doc in docs:
        status, detail = build_one(doc)
        counts[status] += 1
        print(f"{status:7} {doc.relative_to(base)} {detail}", flush=True)
    print(f"{counts['ok']}/{len(docs)} built; {dict(counts)}")


if __name__ == "__main__":
    main()
