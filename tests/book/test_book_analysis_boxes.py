"""The book's own arithmetic in prose stands in a "This book's reading" box or in Methods.

An inline value (`` `{python} expr` ``) uses the book's own analysis if its expression calls or
reads a function the library marks with `inference_debate.analysis.book_analysis`, directly or
through a name that a setup cell computed from one. Every such value in the introduction, the
chapters and the appendices other than Methods must sit inside a callout titled "This book's
reading".
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterator

from inference_debate.analysis import attribute_is_book_analysis, is_book_analysis

from tests.conftest import REPO

os.environ.setdefault("QUARTO_PROJECT_DIR", str(REPO))

CELL = re.compile(r"^```\{python\}\n(.*?)^```", re.S | re.M)
INLINE = re.compile(r"`\{python\} ([^`]+)`")
FENCE = re.compile(r"^(:{3,})\s*(.*)$")
BOX_TITLE = "This book's reading"
#: Pages whose every number may be the book's arithmetic.
EXEMPT = {"appendices/methods.qmd"}


def prose_lines(text: str) -> Iterator[tuple[int, str, bool]]:
    """(line number, line, inside a "This book's reading" box) for every line outside code."""
    in_code = False
    stack: list[bool] = []  # one entry per open fenced div: is it a reading box?
    for number, line in enumerate(text.split("\n"), 1):
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue
        fence = FENCE.match(line)
        if fence:
            if fence.group(2).strip():
                stack.append(f'title="{BOX_TITLE}"' in fence.group(2))
            elif stack:
                stack.pop()
            continue
        yield number, line, any(stack)


def _chain(node: ast.AST) -> bool:
    """Whether a node is a bare name or a chain of attributes on one (safe to evaluate)."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def _evaluate(node: ast.expr, namespace: dict) -> object:
    return eval(compile(ast.Expression(node), "<inline>", "eval"), namespace)  # noqa: S307


def analysis_uses(node: ast.AST, tainted: set[str], namespace: dict) -> list[str]:
    """The names and attributes in `node` that are, or were computed by, the book's analysis."""
    found = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            if sub.id in tainted or is_book_analysis(namespace.get(sub.id)):
                found.append(sub.id)
        elif isinstance(sub, ast.Attribute) and _chain(sub.value):
            try:
                owner = _evaluate(sub.value, namespace)
            except Exception:  # noqa: BLE001 - a name the cells never bound
                continue
            if attribute_is_book_analysis(owner, sub.attr):
                found.append(ast.unparse(sub))
    return found


def _stored(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)
            and isinstance(n.ctx, ast.Store)}


def tainted_names(cells: list[str], namespace: dict) -> set[str]:
    """Names the setup cells bind from the book's analysis, followed through the cells."""
    tainted: set[str] = set()
    for body in cells:
        for stmt in ast.parse(body).body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                if analysis_uses(stmt, tainted, namespace):
                    tainted.add(stmt.name)
            elif not isinstance(stmt, ast.Import | ast.ImportFrom) and analysis_uses(
                    stmt, tainted, namespace):
                tainted |= _stored(stmt)
    return tainted


def unboxed_analysis(page: str, text: str) -> list[str]:
    """Every inline value of a page that uses the book's analysis outside a reading box."""
    cells = [body for body in CELL.findall(text) if "#| label: fig-" not in body]
    namespace: dict = {}
    for body in cells:
        exec(compile(body, page, "exec"), namespace)  # noqa: S102
    tainted = tainted_names(cells, namespace)
    problems = []
    for number, line, boxed in prose_lines(text):
        for expr in INLINE.findall(line):
            uses = analysis_uses(ast.parse(expr, mode="eval"), tainted, namespace)
            if uses and not boxed:
                problems.append(f"{page}:{number}: `{{python}} {expr}` uses the book's own "
                                f"analysis ({', '.join(dict.fromkeys(uses))}) outside a "
                                f"\u201c{BOX_TITLE}\u201d box")
    return problems


def pages() -> list[str]:
    found = [REPO / "index.qmd", *sorted(REPO.glob("chapters/*.qmd")),
             *sorted(REPO.glob("appendices/*.qmd"))]
    return [p.relative_to(REPO).as_posix() for p in found]


def test_no_page_shows_the_books_analysis_outside_a_reading_box() -> None:
    problems = []
    for page in pages():
        if page not in EXEMPT:
            problems += unboxed_analysis(page, (REPO / page).read_text(encoding="utf-8"))
    assert problems == []


def test_the_scan_sees_the_books_analysis_in_the_chapters() -> None:
    """The chapters do show the book's arithmetic, inside their boxes: the scan is not blind."""
    boxed = 0
    for page in ("chapters/ord.qmd", "chapters/epoch.qmd", "chapters/synthesis.qmd"):
        text = (REPO / page).read_text(encoding="utf-8")
        unboxed = text.replace(f'::: {{.callout-note title="{BOX_TITLE}"}}',
                               '::: {.callout-note title="Unmarked"}')
        boxed += len(unboxed_analysis(page, unboxed))
    assert boxed >= 15


def test_a_value_outside_a_box_is_found_directly_or_through_a_name() -> None:
    text = "\n".join([
        "```{python}",
        "from inference_debate import fmt",
        "from inference_debate.models import epoch, ord as model",
        "fm = epoch.frontiermath_example()",
        "years = model.years_to_absorb(100, 5)",
        "label = fmt.number(years)",
        "",
        "def say(k):",
        "    return fmt.number(model.horizon_multiplier(2, k))",
        "plain = 3",
        "```",
        "",
        "Direct `{python} fmt.number(model.years_to_absorb(100, 10))` and through names",
        "`{python} label` and `{python} say(5)`; a property `{python} fm.yearly_rate`;",
        "stated figures `{python} fm.earlier.output_tokens` and `{python} plain` are fine.",
        "",
        "::: {.callout-note title=\"This book's reading\"}",
        "Boxed: `{python} label` and `{python} fm.yearly_rate`.",
        ":::",
        "",
        "::: {.callout-note title=\"Another box\"}",
        "Not a reading box: `{python} years`.",
        ":::",
    ])
    problems = unboxed_analysis("planted.qmd", text)
    assert [p.split(":")[1] for p in problems] == ["13", "14", "14", "14", "22"]
    assert problems[0] == ("planted.qmd:13: `{python} fmt.number(model.years_to_absorb(100, "
                           "10))` uses the book's own analysis (model.years_to_absorb) outside "
                           "a \u201cThis book's reading\u201d box")
    assert "(fm.yearly_rate)" in problems[3]
    assert "(years)" in problems[4]


def test_a_reading_box_removed_from_a_chapter_is_caught() -> None:
    """Planted fault: the Epoch chapter's box on the FrontierMath yearly rate taken away."""
    page = "chapters/epoch.qmd"
    text = (REPO / page).read_text(encoding="utf-8")
    start = text.index("Epoch gives the fall over eight months, not a yearly rate.")
    box = text.rindex(f'::: {{.callout-note title="{BOX_TITLE}"}}\n', 0, start)
    end = text.index("\n:::\n", start)
    planted = text[:box] + text[box:end].split("\n", 1)[1] + text[end + len("\n:::"):]
    problems = unboxed_analysis(page, planted)
    assert len(problems) == 1
    assert "fmt.times(fm.yearly_rate)" in problems[0] and "(fm.yearly_rate)" in problems[0]
