"""The book's configuration as a typed object (`BookConfig`), with its authors and dates;
`config_load` reads it from `_quarto.yml`, all problems at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bookengine.core import memorylimit

CONFIG_FILE = "_quarto.yml"
CONFIG_FILES = ("_quarto.yml", "_quarto.yaml")
PROJECT_TYPES = ("book", "website", "default")
DEFAULT_OUTPUT = {"book": "_book", "website": "_site", "default": "_site"}
"""Quarto's output folders (a default project's pages go beside their sources under Quarto; the
engine publishes atomically, so they go to `_site/`: see the differential suite's deviations)."""
IGNORED_DIRS = {"node_modules", "venv", "env", "renv", "site_libs"}


class ConfigError(Exception):
    """`_quarto.yml` cannot be used; `problems` lists every reason found."""

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{path}: {len(problems)} problem(s):\n{lines}")


@dataclass(frozen=True)
class Author:
    """One author of the book, as Quarto's `author:` entries give it."""

    name: str
    affiliation: str | None = None
    orcid: str | None = None
    given: str | None = None
    family: str | None = None
    literal: bool = False
    """An organisation or other name not split into given and family names (Quarto's and CSL's
    `name: {literal: …}`), cited as one name."""


@dataclass(frozen=True)
class BookConfig:
    """What the engine needs from `_quarto.yml`, checked."""

    root: Path
    """The book directory (holding `_quarto.yml`)."""
    title: str
    """`book.title`: the book's title, on every page and in every citation."""
    authors: tuple[Author, ...]
    """`book.author`: a name, a list of names, or a list of `{name: …}` entries."""
    chapters: tuple[str, ...]
    """`book.chapters`: source paths relative to `root`, in reading order."""
    appendices: tuple[str, ...] = ()
    """`book.appendices`: numbered A, B, … after the chapters."""
    listed: tuple[str, ...] = ()
    """`book.chapters` in the order written (Quarto numbers chapters in this order, although the
    home page is shown first)."""
    subtitle: str | None = None
    site_url: str | None = None
    """`book.site-url`: the published address, used in citations and meta tags."""
    date: str | None = None
    """`book.date`: the book's first publication date (ISO)."""
    description: str | None = None
    repo_url: str | None = None
    license: str | None = None
    search: bool | dict[str, Any] = True
    """`search:` under `book:` or `website:`: false leaves out the search box and its index
    (Quarto's options for its own search box are otherwise not read)."""
    bibliography: tuple[str, ...] = ()
    """`bibliography`: BibTeX files for `[@key]` citations."""
    csl: str | None = None
    output_dir: str = "_book"
    """`project.output-dir`: where the published site appears (Quarto's default by type)."""
    execute_dir: str = "file"
    """`project.execute-dir`: `file` runs cells in the chapter's folder, `project` in `root`."""
    echo: bool | str = True
    """`execute.echo`: show cell source by default (Quarto's HTML default), or `fenced`."""
    library: tuple[str, ...] = ("lib",)
    """`book-engine.library`: code whose change re-executes every chapter."""
    locks: tuple[str, ...] = ("requirements.lock",)
    """`book-engine.lock`: the dependency lock (a file or a list of files) whose change
    re-executes every chapter."""
    preload: tuple[str, ...] = ()
    """`book-engine.preload`: third-party modules imported once per build and shared by every
    kernel (forked from one server); empty starts each kernel from a fresh interpreter."""
    changelog: str | None = None
    """`book-engine.changelog`: a CSV with `date` and `file` columns recording when each data
    file changed; it dates the book's version and each figure's data."""
    data_dir: str | None = None
    """`book-engine.data`: the folder of data tables (`*.csv`) whose hash names a deploy."""
    history: str | None = None
    """`book-engine.history`: a folder where each data version's inline values and figure data
    versions are kept (see `bookengine.versions.history`); commit it with the data."""
    timeout: int = 300
    """`book-engine.timeout`: seconds one cell may run before its page fails."""
    memory: int = field(default_factory=memorylimit.default_limit)
    """`book-engine.memory`: bytes of memory each page's kernel may use (half the machine's by
    default; see `bookengine.core.memorylimit`)."""
    large_charts: tuple[str, ...] = ()
    """`book-engine.large-charts`: figure labels allowed more than Altair's 5,000 rows."""
    extra: dict[str, Any] = field(default_factory=dict)
    execute: dict[str, Any] = field(default_factory=dict)
    """`execute:`: the project's default cell options."""
    html: dict[str, Any] = field(default_factory=dict)
    """`format: html:`: the project's HTML options (`code-fold`, `fig-cap-location`, …)."""
    strict: bool = False
    """`book-engine.strict`: every warning stops the build."""
    offline: bool = False
    """`book-engine.offline`: a page that loads anything from another host stops the build."""
    require_alt: bool = False
    """`book-engine.require-alt`: a figure without `fig-alt` stops the build."""
    freeze: bool = False
    """`execute.freeze: true`: pages execute once and reuse `_freeze/` from then on."""
    parts: dict[str, str] = field(default_factory=dict)
    """First page of a `part:` → the part's title (or its page)."""
    crossref: dict[str, Any] = field(default_factory=dict)
    """`crossref:` options (titles and prefixes)."""
    metadata: dict[str, Any] = field(default_factory=dict)
    """The project's metadata, for `{{< meta >}}`."""
    notes: tuple[str, ...] = ()
    """Keys read but not acted on, as `_quarto.yml:line: message`."""
    kind: str = "book"
    """`project.type`: `book` (chapters numbered, cross-references across pages), `website` or
    `default` (each page a document of its own)."""
    website: dict[str, Any] = field(default_factory=dict)
    """`website:` (title, navbar, sidebar, page navigation) for a website."""
    config_file: str = CONFIG_FILE
    social: dict[str, Any] = field(default_factory=dict)
    """`open-graph:` and `twitter-card:` (true, or their options) from `book:` or `website:`."""

    @property
    def is_book(self) -> bool:
        return self.kind == "book"

    @property
    def pages(self) -> tuple[str, ...]:
        """Every source page, chapters then appendices."""
        return self.chapters + self.appendices

    @property
    def output_path(self) -> Path:
        return self.root / self.output_dir


PAGE_SUFFIXES = (".qmd", ".md", ".ipynb")
HOME_PAGES = ("index.qmd", "index.md", "index.ipynb")


def iso_date(value: Any) -> str:
    """A Quarto `date:` as ISO: `today`, `now` and `last-modified` are today (as Quarto shows
    them); `M/D/YYYY` and YAML dates are converted; anything else is kept as written."""
    import datetime
    import re

    if isinstance(value, datetime.date):
        return value.isoformat()[:10]
    text = str(value).strip()
    if text in ("today", "now", "last-modified"):
        return datetime.date.today().isoformat()
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if m:
        return f"{m.group(3)}-{int(m.group(1)):02d}-{int(m.group(2)):02d}"
    return text


def authors_of(value: Any) -> tuple[Author, ...]:
    """Quarto `author:` entries (names, `{name: …}` mappings, `name: {literal: …}` or
    `name: {given: …, family: …}`) as authors; entries without a name are left out."""
    return read_authors(value, [])


def read_authors(value: Any, problems: list[str]) -> tuple[Author, ...]:
    """`author:` entries as authors; each entry that names no one is added to `problems`."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    authors: list[Author] = []
    for item in items:
        if isinstance(item, str):
            authors.append(Author(item))
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            authors.append(Author(item["name"], item.get("affiliation"), item.get("orcid")))
        elif isinstance(item, dict) and isinstance(item.get("name"), dict):
            parts = item["name"]
            if isinstance(parts.get("literal"), str):
                authors.append(Author(parts["literal"], item.get("affiliation"),
                                      item.get("orcid"), literal=True))
            elif isinstance(parts.get("family"), str):
                given = str(parts.get("given") or "")
                authors.append(Author(f"{given} {parts['family']}".strip(),
                                      item.get("affiliation"), item.get("orcid"),
                                      given or None, parts["family"]))
            else:
                problems.append(f"`book.author` entry {item!r}: `name:` needs `literal:` or "
                                "`family:`")
        else:
            problems.append(f"`book.author` entry {item!r} has no name")
    return tuple(authors)
