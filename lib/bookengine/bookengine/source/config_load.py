"""Reading `_quarto.yml` into a `BookConfig`: every problem found at once, each naming its key and
line, with did-you-mean hints from Quarto's schema; what Quarto accepts but this engine does
not act on is a note."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bookengine.core import memorylimit
from bookengine.source import quarto_schema
from bookengine.source.config import (
    CONFIG_FILE,
    CONFIG_FILES,
    DEFAULT_OUTPUT,
    HOME_PAGES,
    IGNORED_DIRS,
    PAGE_SUFFIXES,
    PROJECT_TYPES,
    BookConfig,
    ConfigError,
    iso_date,
    read_authors,
)

_ENGINE_KEYS = {"library", "lock", "preload", "require-alt", "timeout", "memory", "large-charts",
                "changelog", "data", "history", "strict", "offline"}

_CLOSED = ("project", "book", "website")

_ACTED_ON = {
    "project": {"type", "output-dir", "execute-dir", "title"},
    "book": {"title", "subtitle", "author", "date", "site-url", "chapters", "appendices",
             "description", "repo-url", "license", "search", "sidebar", "page-navigation",
             "open-graph", "twitter-card"},
}

_NOT_HTML = "this engine makes HTML; `make pdf` prints the book"

def load_config(root: Path | str) -> BookConfig:
    """Read and check `<root>/_quarto.yml`; raise ConfigError listing every problem."""
    root = Path(root).resolve()
    path = next((root / n for n in CONFIG_FILES if (root / n).is_file()), root / CONFIG_FILE)
    if not root.is_dir():
        raise ConfigError(path, [f"{root} is not a folder"])
    if not path.is_file():
        # A folder of documents without a project file: Quarto renders each one.
        text, raw, lines = "", {"project": {"type": "default"}}, {}
    else:
        try:
            text = path.read_text(encoding="utf-8")
            raw = yaml.safe_load(text) or {}
            lines = _key_lines(yaml.compose(text)) if text.strip() else {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ConfigError(path, [f"not valid YAML: {exc}"]) from exc
    if not isinstance(raw, dict):
        raise ConfigError(path, ["the file must hold a mapping (project:, book:, …)"])
    config_file = path.name

    problems: list[str] = []
    notes: list[str] = []

    def at(key: str) -> str:
        return f"{config_file}:{lines.get(key, 1)}"

    def section(key: str, allowed: set[str] | frozenset[str] | None = None) -> dict:
        value = raw.get(key) or {}
        if not isinstance(value, dict):
            problems.append(f"{at(key)}: `{key}` must be a mapping")
            return {}
        for unknown in sorted(set(value) - allowed) if allowed is not None else ():
            problems.append(f"{at(key + '.' + unknown)}: unknown key `{key}.{unknown}`"
                            + quarto_schema.hint(unknown, allowed))
        return value

    project = section("project", quarto_schema.closed_keys("project"))
    book = section("book", quarto_schema.closed_keys("book"))
    website = section("website", quarto_schema.closed_keys("website"))
    kind = project.get("type", "default")
    if kind not in PROJECT_TYPES:
        problems.append(f"{at('project.type')}: `project.type` must be one of "
                        f"{', '.join(PROJECT_TYPES)}, not {kind!r}")
        kind = "default"
    site = book if kind == "book" else website
    execute = section("execute")
    engine = section("book-engine", _ENGINE_KEYS)
    for name in ("project", "book") if kind == "book" else ("project",):
        skipped = sorted(set(raw.get(name) or {}) - _ACTED_ON[name]) \
            if isinstance(raw.get(name), dict) else []
        if skipped:
            notes.append(f"{at(name)}: this engine does not act on "
                         + ", ".join(f"`{name}.{k}`" for k in skipped))
    html_options, format_notes = _formats(raw.get("format"), at)
    notes += format_notes

    execute_dir = project.get("execute-dir", "file")
    if execute_dir not in ("file", "project"):
        problems.append(f"`project.execute-dir` must be `file` or `project`, not {execute_dir!r}")
    title = site.get("title") if kind != "default" else (raw.get("title") or "")
    if kind == "book" and (not isinstance(title, str) or not title.strip()):
        problems.append("`book.title` is missing")
    title = str(title or "")
    output_dir = str(project.get("output-dir", DEFAULT_OUTPUT[kind]))

    parts: dict[str, str] = {}
    if kind == "book":
        chapters = _page_list(book.get("chapters"), "book.chapters", problems, parts)
        appendices = _page_list(book.get("appendices"), "book.appendices", problems, parts)
    else:
        chapters, appendices = project_documents(root, project.get("render"), output_dir), []
    listed = list(chapters)
    home = next((p for p in chapters if p in HOME_PAGES), None)
    if not chapters:
        problems.append("`book.chapters` must list at least one page" if kind == "book" else
                        f"{root} holds no document to render (.qmd, .md or .ipynb)")
    elif kind != "book":
        if home is not None:
            chapters.remove(home)
            chapters.insert(0, home)
    elif home is None:
        problems.append(f"{at('book.chapters')}: Book contents must include a home page "
                        "(e.g. index.md)")
    elif chapters[0] != home:
        if parts.get(chapters[0]) and chapters[1:2] == [home]:
            parts[home] = parts.pop(chapters[0])
        chapters.remove(home)
        chapters.insert(0, home)
    seen: set[str] = set()
    for page in chapters + appendices:
        if page in seen:
            problems.append(f"{page} is listed twice")
        seen.add(page)
        if not page.endswith(PAGE_SUFFIXES):
            problems.append(f"{page}: a page must be a .qmd, .md or .ipynb file")
        elif not (root / page).is_file():
            problems.append(f"{page} is listed but does not exist")

    bibliography = raw.get("bibliography") or []
    if isinstance(bibliography, str):
        bibliography = [bibliography]
    for bib in bibliography:
        if not (root / bib).is_file():
            problems.append(f"bibliography {bib} does not exist")

    authors = read_authors(site.get("author") if kind == "book" else raw.get("author"), problems)
    library = engine.get("library", ["lib"])
    library = [library] if isinstance(library, str) else list(library)
    echo = execute.get("echo", True)
    if echo not in (True, False, "fenced"):
        problems.append(f"{at('execute.echo')}: `execute.echo` must be true, false or fenced")
    freeze = execute.get("freeze", False)
    if freeze not in (True, False, "auto"):
        problems.append(f"{at('execute.freeze')}: `execute.freeze` must be true, false or auto")
    elif freeze == "auto":
        notes.append(f"{at('execute.freeze')}: `freeze: auto` is replaced by this engine's "
                     "content-keyed cache (pages re-execute when anything they read changes)")

    for key in ("changelog", "data"):
        value = engine.get(key)
        if value is not None and not (isinstance(value, str) and (root / value).exists()):
            problems.append(f"`book-engine.{key}`: {value!r} does not exist")
    if engine.get("history") is not None and not isinstance(engine.get("history"), str):
        problems.append("`book-engine.history` must be a folder path")
    timeout = engine.get("timeout", 300)
    if not isinstance(timeout, int) or isinstance(timeout, bool) or timeout <= 0:
        problems.append(f"`book-engine.timeout` must be a whole number of seconds, not {timeout!r}")
    memory = memorylimit.parse(engine.get("memory", memorylimit.default_limit()))
    if memory is None:
        problems.append("`book-engine.memory` must be a size such as 4 GB or 512 MB, or a share "
                        f"of the machine's memory such as 25%, not {engine.get('memory')!r}")
    large_charts = engine.get("large-charts") or []
    if not isinstance(large_charts, list) or not all(isinstance(x, str) for x in large_charts):
        problems.append("`book-engine.large-charts` must be a list of figure labels")
        large_charts = []

    if problems:
        raise ConfigError(path, problems)
    return BookConfig(
        root=root,
        title=title.strip(),
        kind=kind,
        website=dict(website),
        social={k: site[k] for k in ("open-graph", "twitter-card") if site.get(k)},
        config_file=config_file,
        authors=authors,
        chapters=tuple(chapters),
        appendices=tuple(appendices),
        listed=tuple(listed),
        subtitle=site.get("subtitle"),
        site_url=(site.get("site-url") or "").rstrip("/") or None,
        date=iso_date(site["date"]) if site.get("date") else None,
        description=site.get("description"),
        repo_url=site.get("repo-url"),
        license=site.get("license"),
        search=site.get("search", True),
        bibliography=tuple(bibliography),
        csl=raw.get("csl"),
        output_dir=output_dir,
        execute_dir=execute_dir,
        echo=echo,
        library=tuple(library),
        locks=_locks(engine.get("lock", "requirements.lock")),
        preload=tuple(engine.get("preload") or ()),
        changelog=engine.get("changelog"),
        data_dir=engine.get("data"),
        history=engine.get("history"),
        timeout=timeout,
        memory=memory or memorylimit.default_limit(),
        large_charts=tuple(large_charts),
        extra={k: raw[k] for k in ("format", "lang") if k in raw},
        execute=dict(execute),
        html=html_options,
        strict=engine.get("strict", False) is True,
        offline=engine.get("offline", False) is True,
        require_alt=engine.get("require-alt", False) is True,
        freeze=freeze is True,
        parts=parts,
        crossref=dict(raw.get("crossref") or {}),
        metadata={k: v for k, v in raw.items() if k not in ("project", "book-engine")},
        notes=tuple(notes),
    )


def project_documents(root: Path, render: Any, output_dir: str) -> list[str]:
    """The documents Quarto renders in a website or default project: `project.render`'s list
    (globs), else every `.qmd`, `.md` and `.ipynb` file except those whose name or folder starts
    with `_` or `.`, READMEs, the output folder and environments (Quarto's ignore rules)."""
    found: list[str] = []
    out = (root / output_dir).resolve()
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or path.suffix not in PAGE_SUFFIXES:
            continue
        if any(part.startswith(("_", ".")) or part in IGNORED_DIRS for part in rel.parts):
            continue
        if out != root and out in path.resolve().parents:
            continue
        if rel.name.lower() in ("readme.md", "readme.qmd", "readme.rmd", "agents.md",
                                "claude.md"):
            continue
        found.append(rel.as_posix())
    if isinstance(render, list) and render:
        import fnmatch

        wanted = [str(g) for g in render]
        found = [f for f in found if any(fnmatch.fnmatch(f, g) for g in wanted
                                         if not g.startswith("!"))
                 and not any(fnmatch.fnmatch(f, g[1:]) for g in wanted if g.startswith("!"))]
    return found


def _formats(value: Any, at: Callable[[str], str]) -> tuple[dict[str, Any], list[str]]:
    """`format: html:` options, and a note for each other format."""
    if value is None:
        return {}, []
    if isinstance(value, str):
        value = {value: {}}
    if not isinstance(value, dict):
        return {}, []
    notes = [f"{at('format.' + name)}: `format: {name}` is not built: {_NOT_HTML}"
             for name in value if name != "html"]
    html_options = value.get("html") if isinstance(value.get("html"), dict) else {}
    return dict(html_options), notes


def _key_lines(node: Any, prefix: str = "") -> dict[str, int]:
    """Dotted key path → 1-based line in `_quarto.yml`, for messages."""
    found: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = f"{prefix}{key_node.value}"
            found[key] = key_node.start_mark.line + 1
            found.update(_key_lines(value_node, key + "."))
    return found


def _page_list(value: Any, where: str, problems: list[str],
               parts: dict[str, str] | None = None) -> list[str]:
    """Flatten Quarto's chapter list (plain paths or `part:` groups) into paths.

    `parts` receives, for the first page of each part, the part's title (or page).
    """
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(f"`{where}` must be a list")
        return []
    pages: list[str] = []
    for item in value:
        if isinstance(item, dict) and "href" in item and "part" not in item:
            item = item["href"]
        if isinstance(item, str) and set(item.strip()) == {"-"}:
            continue  # a divider Quarto draws in the sidebar (`- "---"`), not a page
        if isinstance(item, str):
            pages.append(item)
        elif isinstance(item, dict) and "part" in item:
            part = str(item["part"])
            inner = _page_list(item.get("chapters"), f"{where} part", problems)
            if part.endswith(PAGE_SUFFIXES):
                inner.insert(0, part)  # a part page: shown before its chapters
            if inner and parts is not None:
                parts[inner[0]] = part
            pages.extend(inner)
        else:
            problems.append(f"`{where}` entry {item!r} is not a path or a part")
    return pages


def _locks(value: object) -> tuple[str, ...]:
    """`book-engine: lock:` as a tuple of paths: one file, a list of them, or none (`false`)."""
    if not value:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)
