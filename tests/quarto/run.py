"""`python -m tests.quarto.run [PROJECT…]`: render each project (a folder, or a name from
`tests.quarto.suite`; all of the suite by default) with real Quarto and the engine, and print
every difference a reader would see that `deviations.yml` does not cover. `--readme` rewrites
the README's compatibility table from the results (the whole suite only)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tests.quarto import oracle, suite
from tests.quarto.compare import Comparison, compare_sites, load_deviations


def compare(name: str, path: Path) -> Comparison:
    """Render `path` with both and compare what a reader sees."""
    q = oracle.quarto_render(path)
    with tempfile.TemporaryDirectory(prefix="engine-render-") as tmp:
        e = oracle.engine_render(path, Path(tmp) / path.name)
        return compare_sites(name, q.site, e.site, load_deviations())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("projects", nargs="*")
    parser.add_argument("--all", action="store_true", help="also count covered differences")
    parser.add_argument("--readme", action="store_true", help="rewrite the README's table")
    args = parser.parse_args(argv)
    by_name = {p.name: p for p in suite.PROJECTS}
    chosen = ([by_name[a] if a in by_name else suite.Project(Path(a).resolve().name,
                                                             Path(a).resolve())
               for a in args.projects] or list(suite.PROJECTS))
    results = []
    for project in chosen:
        result = compare(project.name, project.path)
        results.append(result)
        print(f"{project.name}: {result.pages} pages, {result.compared} items compared, "
              f"{result.deviations} covered by deviations, {len(result.uncovered)} uncovered")
        for diff in result.uncovered:
            print("  " + str(diff).replace("\n", "\n  "))
        if args.all:
            for dev, diffs in result.covered.items():
                print(f"  [{dev}] {len(diffs)}")
    if args.readme:
        if args.projects:
            parser.error("--readme needs the whole suite")
        suite.write_readme(results)
        print("README.md compatibility table written")
    return 1 if any(r.uncovered for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
