"""Lay out every page once all are converted: navigation, numbering, figures, page template."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2

from bookengine.site import search, sitenav
from bookengine.source.config import BookConfig
from bookengine.render.convert import CHART_MARK, ConvertedPage, figure_json
from bookengine.render.figures import Figure
from bookengine.render.numbering import relative_href
from bookengine.source.pageoptions import page_options

TEMPLATES = Path(__file__).parents[1] / "templates"


@dataclass
class NavEntry:
    """A page as the sidebar lists it."""

    href: str
    number: str | None
    title: str
    appendix: bool
    part: str | None = None
    """The title of the `part:` this page opens, if any."""
    part_page: bool = False
    """This page is the part's own page: the part heading links to it."""
    part_title: str | None = None
    """The part (a website's sidebar section) the entry is listed under."""


def figure_files(fig: Figure) -> dict[str, str]:
    """Where a figure's static files live, relative to the site root."""
    stem = "figures/" + fig.page_href[: -len(".html")] + "/" + fig.label
    return {"svg": stem + ".svg", "png": stem + ".png", "csv": stem + ".csv"}


def figure_html(fig: Figure, page_href: str, svg: str, bibtex: str = "",
                changed: str | None = None, downloads: str = "") -> str:
    """The chart's static SVG (inline, so it is drawn at first paint), the box the interactive
    view replaces it in, controls, data view, citation and source line.

    The box has the static drawing's proportions and height, and the slider row below it is
    reserved too, so the interactive view takes exactly the same space (no layout shift).
    """
    files = {k: relative_href(page_href, v) for k, v in figure_files(fig).items()}
    alt = html.escape(fig.alt)
    label = html.escape(fig.label)
    width, height = _svg_size(svg)
    switch = ""
    if fig.switch:
        axis = " and ".join(fig.switch)
        switch = (f'<div class="scale-switch" role="group" aria-label="Scale of the {axis} axis">'
                  f'<span class="switch-label">{axis}-axis scale:</span>'
                  '<button type="button" data-scale="log" aria-pressed="true">log</button>'
                  '<button type="button" data-scale="linear" aria-pressed="false">linear</button>'
                  '</div>')
    source = html.escape(fig.source_text) or "the book's own computation"
    # A builder names its figure's kind in provenance["kind_label"]; "illustration" is the older
    # flag for the same purpose.
    kind_text = fig.provenance.get("kind_label") or (
        "Illustration with chosen parameters" if fig.provenance.get("illustration") else "")
    kind = (f'<span class="illustration-tag figure-kind">{html.escape(kind_text)}.</span> '
            if kind_text else "")
    changed_text = f" Data last changed {changed}." if changed else ""
    cite = ""
    if bibtex:
        cite = ('<details class="figure-cite"><summary>Cite this figure</summary>'
                f'<pre><code class="bibtex">{html.escape(bibtex)}</code></pre>'
                '<button type="button" class="cite-copy" data-copy="code">Copy BibTeX</button>'
                f"{downloads}</details>")
    tools = (f'<div class="figure-tools"><a class="figure-link" href="#{label}">Link to this '
             f'figure</a><details class="figure-data"><summary>Show the numbers</summary>'
             f'<div class="data-table" tabindex="0" aria-label="Data plotted in {label}"></div>'
             f"</details>{cite}</div>")
    bound = len(bound_params(fig.spec))
    controls = (f'<div class="chart-controls" style="--controls:{bound}"></div>' if bound else "")
    vega = relative_href(page_href, "assets/vega.js")
    return (
        f'<div class="chart-frame" data-figure="{label}" data-version="{fig.data_version}" '
        f'data-vega="{vega}">'
        f'<div class="chart-toolbar">{switch}</div>'
        f'<div class="chart" role="figure" aria-label="{alt}" '
        f'style="aspect-ratio:{width}/{height};max-height:{height}px">'
        f'{static_svg(svg, fig.label)}<div class="chart-live"></div></div>{controls}'
        f'<script type="application/json" class="chart-spec">{figure_json(fig)}</script>'
        f'<p class="chart-source">{kind}Source: {source}. Data version '
        f'<code>{fig.data_version}</code>.{changed_text} '
        f'<a href="{files["csv"]}" download>Data (CSV)</a> · '
        f'<a href="{files["svg"]}" download>SVG</a><span class="chart-png"> · '
        f'<button type="button" class="link-button" data-png="{label}.png">PNG</button></span></p>'
        f"{tools}</div>"
    )


_SVG_OPEN = re.compile(r"<svg\b([^>]*)>")
_SVG_IDS = re.compile(r'\bid="([^"]+)"')


def static_svg(svg: str, label: str) -> str:
    """The static drawing for inlining: ids made unique to the figure, hidden from assistive
    technology (the chart box carries the description), marked as the static view."""
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg.strip())
    for ident in set(_SVG_IDS.findall(svg)):
        new = f"{label}-{ident}"
        svg = (svg.replace(f'id="{ident}"', f'id="{new}"')
               .replace(f"url(#{ident})", f"url(#{new})")
               .replace(f'href="#{ident}"', f'href="#{new}"'))

    def attrs(m: re.Match) -> str:
        kept = re.sub(r'\s(class|aria-hidden|focusable)="[^"]*"', "", m.group(1))
        return f'<svg{kept} class="chart-static" aria-hidden="true" focusable="false">'

    return _SVG_OPEN.sub(attrs, svg, count=1)


def bound_params(spec: dict) -> list[str]:
    """Names of the parameters bound to an input (a slider row each under the chart)."""
    names: list[str] = []

    def walk(node: object) -> None:
        if not isinstance(node, dict):
            return
        names.extend(p["name"] for p in node.get("params") or []
                     if isinstance(p, dict) and p.get("bind") and p.get("name"))
        for key in ("layer", "hconcat", "vconcat", "concat"):
            for child in node.get(key) or []:
                walk(child)
        walk(node.get("spec"))

    walk(spec)
    return names


def _svg_size(svg: str) -> tuple[int, int]:
    m = re.search(r'<svg[^>]*?width="([\d.]+)"[^>]*?height="([\d.]+)"', svg)
    return (round(float(m.group(1))), round(float(m.group(2)))) if m else (640, 360)


THEME_SCRIPT = ("document.documentElement.classList.replace('no-js','js');(function(){try{var t="
                "localStorage.getItem('book-theme');if(t){document.documentElement.dataset.theme=t;}"
                "}catch(e){}})();")
"""The one inline script: marks the page as scripted and applies a remembered theme before
the first paint."""
CSP = ("default-src 'self'; script-src 'self' 'sha256-{theme}'{wasm}; style-src 'self'{inline}; "
       "style-src-attr 'unsafe-inline'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'")
"""Pages run only the site's own scripts and styles (Vega runs with its CSP-safe expression
interpreter); inline style attributes (table column widths, chart layout) are allowed; search
compiles Pagefind's own WebAssembly ('wasm-unsafe-eval', which allows no JavaScript eval)."""


def content_security_policy(inline_styles: bool = False, wasm: bool = True) -> str:
    """The Content-Security-Policy every page carries, with the theme script's hash.

    `inline_styles` allows `<style>` elements too: Mermaid styles each diagram it draws with one.
    `wasm` allows compiling WebAssembly, which Pagefind's search runs on.
    """
    digest = hashlib.sha256(THEME_SCRIPT.encode("utf-8")).digest()
    return CSP.format(theme=base64.b64encode(digest).decode("ascii"),
                      inline=" 'unsafe-inline'" if inline_styles else "",
                      wasm=" 'wasm-unsafe-eval'" if wasm else "")


class Layout:
    """Renders pages with the book's template."""

    def __init__(self, config: BookConfig, pages: list[ConvertedPage]):
        self.config = config
        self.pages = pages
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                                      autoescape=jinja2.select_autoescape(["html"]),
                                      keep_trailing_newline=True)
        self.styles, self.header_html = html_includes(config)
        titles = {p.href: re.sub(r"<[^>]+>", "", p.nav_title or p.title) for p in pages}
        self.navbar: list[sitenav.Link] = []
        self.page_links = config.is_book
        if config.is_book:
            self.nav = [NavEntry(p.href, p.number, p.nav_title or p.title, p.appendix,
                                 self._part(p.rel), config.parts.get(p.rel) == p.rel)
                        for p in pages]
        elif config.kind == "website":
            self.navbar = sitenav.navbar(config.website, titles)
            self.page_links = sitenav.page_navigation(config.website)
            self.nav = []
            for link in sitenav.sidebar(config.website, titles):
                opens = link.section if (link.section and (
                    not self.nav or self.nav[-1].part_title != link.section)) else None
                self.nav.append(NavEntry(link.href, None, link.text, False, opens,
                                         part_page=bool(opens) and link.text == link.section
                                         and link.href in titles, part_title=link.section))
        else:
            self.nav = []

    @property
    def home(self) -> str:
        """The page the site's title links to: `index.html`, else the first page (a folder of
        documents need not have an index)."""
        if any(p.href == "index.html" for p in self.pages) or not self.pages:
            return "index.html"
        return self.pages[0].href

    def _part(self, rel: str) -> str | None:
        part = self.config.parts.get(rel)
        if part is None:
            return None
        page = next((p for p in self.pages if p.rel == part), None)
        return page.title if page is not None else part

    def _neighbours(self, page: ConvertedPage) -> tuple[ConvertedPage | None,
                                                         ConvertedPage | None]:
        """The pages before and after `page`: a book's chapters in order; a website's sidebar
        pages (Quarto links no page that its sidebar leaves out)."""
        if not self.page_links:
            return None, None
        order = self.pages
        if not self.config.is_book:
            by_href = {p.href: p for p in self.pages}
            order = [by_href[h] for h in dict.fromkeys(e.href for e in self.nav)
                     if h in by_href]
        if page not in order:
            return None, None
        i = order.index(page)
        return (order[i - 1] if i > 0 else None,
                order[i + 1] if i + 1 < len(order) else None)

    def render(self, page: ConvertedPage, body: str, extra: dict | None = None) -> str:
        """The whole HTML document for one page."""
        prev_page, next_page = self._neighbours(page)
        root = relative_href(page.href, "index.html")[: -len("index.html")]
        template = self.env.get_template("page.html")
        toc_options = page_options(self.config, page.front)
        toc = page.toc if toc_options.get("toc", True) is not False else []
        return template.render(
            book=self.config, page=page, body=body, root=root, nav=self.nav,
            search_attrs=search.article_attributes(self.config, page),
            navbar=self.navbar, styles=self.styles, header_html=self.header_html,
            home=self.home,
            rel=lambda href: relative_href(page.href, href) or "#",
            prev_page=prev_page, next_page=next_page, toc=toc,
            toc_location=str(toc_options.get("toc-location") or "right"),
            toc_title=str(toc_options.get("toc-title") or "On this page"),
            has_charts=bool(page.figures), has_mermaid=uses_mermaid(body),
            has_listing='class="quarto-listing ' in body,
            theme_script=THEME_SCRIPT,
            csp=content_security_policy(uses_mermaid(body), search.enabled(self.config)),
            **(extra or {}),
        )


def _listed(value: object) -> list:
    if value is None or value is False:
        return []
    return list(value) if isinstance(value, list) else [value]


def _header_items(config: BookConfig) -> list[tuple[str, str]]:
    """`include-in-header` entries in order, each ("text", html) or ("file", path)."""
    items = []
    for item in _listed(config.html.get("include-in-header")):
        if isinstance(item, dict) and isinstance(item.get("text"), str):
            items.append(("text", item["text"]))
        elif isinstance(item, str) or (isinstance(item, dict) and item.get("file")):
            items.append(("file", str(item.get("file") if isinstance(item, dict) else item)))
    return items


def html_include_files(config: BookConfig) -> list[str]:
    """The project files `css` and `include-in-header` name (inputs of every page)."""
    styles = [str(c) for c in _listed(config.html.get("css")) if isinstance(c, str)]
    return styles + [name for kind, name in _header_items(config) if kind == "file"]


def html_includes(config: BookConfig) -> tuple[list[str], str]:
    """`format: html:` `css` (stylesheets, relative to the project) and `include-in-header`
    (files, or `text:` entries), which every page's head carries after the engine's own."""
    styles = [str(c) for c in _listed(config.html.get("css")) if isinstance(c, str)]
    parts = []
    for kind, value in _header_items(config):
        path = config.root / value
        if kind == "text":
            parts.append(value)
        elif path.is_file():
            parts.append(path.read_text(encoding="utf-8"))
    return styles, "\n".join(parts)


def uses_mermaid(body: str) -> bool:
    """True when a page holds a Mermaid diagram to draw."""
    return '<pre class="mermaid"' in body


def insert_figures(body: str, page: ConvertedPage, svgs: dict[str, str],
                   extras: dict | None = None) -> str:
    """Replace each chart marker left in the converted body with the chart's HTML."""
    extras = extras or {}
    for fig in page.figures:
        bib, downloads = extras.get("figure_cites", {}).get(fig.label, ("", ""))
        tables = sorted((fig.provenance.get("tables") or {}).keys())
        changed = extras["data_changed"](tables) if "data_changed" in extras and tables else None
        body = body.replace(CHART_MARK.format(label=fig.label),
                            figure_html(fig, page.href, svgs[fig.label], bib, changed,
                                        downloads))
    return body
