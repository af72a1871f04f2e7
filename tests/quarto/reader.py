"""What a reader sees on a rendered HTML page, read the same way from Quarto's markup and the
engine's: the page title with its number, headings with their numbers and ids, every float's
label and caption, cross-reference link texts and targets, callouts, code shown (and folded),
text outputs, images, charts, footnotes, bibliography entries and tab titles.

Each is an `Item` (kind, value); `read_page` lists them in document order. Chrome that is not
content (navigation, the table of contents, anchors added for links, copy buttons) is left out,
as is what `ENGINE_ONLY` and `QUARTO_ONLY` name (each with its reason in `deviations.yml`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag

KINDS = ("title", "heading", "float", "xref", "callout", "code", "output", "image", "chart",
         "diagram", "footnote", "bib", "tab", "listing")


@dataclass(frozen=True, order=True)
class Item:
    """One thing a reader sees: its kind and a normalised text value."""

    kind: str
    value: str


_SPACE_RE = re.compile(r"\s+")
_KERNEL_PATH_RE = re.compile(r"/tmp/ipykernel_\d+/\d+\.py")
_ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")


def norm(text: str) -> str:
    """Collapse whitespace (no-break spaces included) and trim."""
    return _SPACE_RE.sub(" ", text.replace("\xa0", " ")).strip()


def _text(node: Tag | NavigableString | None) -> str:
    if node is None:
        return ""
    return norm(node.get_text(" ") if isinstance(node, Tag) else str(node)).replace(" ,", ",")


def _squash(text: str) -> str:
    """Text with spaces removed next to punctuation that get_text's separator introduced."""
    text = re.sub(r"\s+([,.:;)\]])", r"\1", text)
    return re.sub(r"([(\[])\s+", r"\1", text)


def _classes(tag: Tag) -> list[str]:
    value = tag.get("class") or []
    return value if isinstance(value, list) else str(value).split()


def _main(soup: BeautifulSoup) -> Tag:
    """The page's content: Quarto's `main#quarto-document-content`, the engine's `main article`
    (or `main`), else the body."""
    for selector in ("main#quarto-document-content", "main article", "main", "body"):
        found = soup.select_one(selector)
        if found is not None:
            return found
    return soup


QUARTO_CHROME = [
    "nav.quarto-page-breadcrumbs", "button.code-copy-button", "nav#TOC", "#quarto-margin-sidebar",
    "script", "style", ".quarto-title-meta-heading", "a.anchorjs-link",
    # Quarto's layout helper next to tabsets: empty.
    ".tabset-margin-container",
    # Text for screen readers only (a callout's kind before its title): not seen.
    ".screen-reader-only",
]
ENGINE_CHROME = [
    "a.anchor", "script", "style", "nav.page-nav", "footer.page-footer", "button.cite-copy",
    # The page's contents (Quarto's `nav#TOC`), wherever `toc-location` puts it.
    "nav.toc", "aside.toc",
    # The engine repeats each tab's title inside its panel for readers without JavaScript.
    ".panel-tabset .tab-title",
]
ENGINE_ONLY = {
    # Selector → the deviation id in deviations.yml that says why the engine adds it.
    "section.cite-this": "cite-this",
    ".chart-toolbar": "figure-source",
    "p.chart-source": "figure-source",
    ".figure-tools": "figure-source",
    ".version-banner": "versions",
}


def is_quarto(soup: BeautifulSoup) -> bool:
    """True for a page real Quarto wrote."""
    gen = soup.find("meta", attrs={"name": "generator"})
    return bool(gen and "quarto" in str(gen.get("content", "")).lower())


def read_page(path: Path, site_root: Path) -> list[Item]:
    """Every item a reader sees on the page at `path` (inside the site at `site_root`)."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    page = path.relative_to(site_root).as_posix()
    quarto = is_quarto(soup)
    main = _main(soup)
    for tag in main.find_all(True):  # before the scripts that hold their specs go
        if _is_chart(tag, quarto):
            tag["data-reader-chart"] = _chart(tag, quarto)
    listed = _listings(soup, main, page, site_root)
    # What is hidden is not seen (a Mermaid diagram's source is read as the diagram).
    for tag in main.find_all(_hidden):
        tag.decompose()
    for selector in QUARTO_CHROME if quarto else [*ENGINE_CHROME, *ENGINE_ONLY]:
        for tag in main.select(selector):
            tag.decompose()
    items: list[Item] = []
    title = _title(main, quarto)
    if title:
        items.append(Item("title", title))
    items += _walk(main, page, site_root, quarto)
    return items + listed


def _listings(soup: BeautifulSoup, main: Tag, page: str, root: Path) -> list[Item]:
    """A listing page's items, one per entry (its fields as shown and where it links), its
    controls and its list of categories; the listings are then taken out of `main`."""
    items: list[Item] = []
    for box in soup.select(".quarto-listing-category"):
        for cat in box.select(".category"):
            items.append(Item("listing", "category: " + _text(cat)))
    for tag in soup.select(".quarto-listing-categories, .quarto-listing-category-title"):
        tag.decompose()
    for listing in main.select("div.quarto-listing"):
        name = str(listing.get("id") or "")
        select = listing.select_one(".quarto-listing-sort select")
        if select is not None:
            options = [_text(o) for o in select.find_all("option")]
            items.append(Item("listing", f"{name} sort: " + " | ".join(options)))
        if listing.select_one(".quarto-listing-filter input") is not None:
            items.append(Item("listing", f"{name} filter"))
        heads = [_text(th) for th in listing.select("table.quarto-listing-table thead th")]
        if heads:
            items.append(Item("listing", f"{name} columns: " + " | ".join(heads)))
        for entry in listing.select(".quarto-post, .g-col-1, tbody tr"):
            link = entry.find("a", href=True)
            target = _link(link, page, root) if link is not None else None
            where = target.value.rsplit(" -> ", 1)[-1] if target is not None else ""
            for img in entry.find_all("img"):
                items.append(Item("listing", f"{name} image: " + _image(img, page, root)))
            if entry.name == "tr":
                fields = [_text(td) for td in entry.find_all("td")]
            else:
                fields = [_text(entry.select_one(sel)) for sel in (
                    ".listing-title", ".listing-subtitle", ".listing-date", ".listing-author",
                    ".listing-reading-time", ".listing-description")]
                fields.append(", ".join(_text(c) for c in entry.select(".listing-category")))
            items.append(Item("listing", f"{name}: " + " | ".join(fields) + f" -> {where}"))
        listing.decompose()
    return items


def _hidden(tag: Tag) -> bool:
    if "mermaid" in _classes(tag):
        return False
    style = str(tag.get("style") or "").replace(" ", "")
    # Quarto's `.hidden` (`keep-hidden: true` keeps echo: false code, hidden by its CSS).
    return tag.has_attr("hidden") or "display:none" in style or "hidden" in _classes(tag)


def _title(main: Tag, quarto: bool) -> str:
    """The page's title as shown at its top, with its number."""
    if quarto:
        h1 = main.select_one("header#title-block-header h1.title")
        if h1 is not None:
            text = _text(h1)
            h1.decompose()
            return text
        return ""
    h1 = main.find("h1")
    if h1 is not None and not h1.find_previous_sibling(lambda t: isinstance(t, Tag) and t.name
                                                       not in ("header",)):
        text = _text(h1)
        h1.decompose()
        return text
    return ""


def _walk(main: Tag, page: str, root: Path, quarto: bool) -> list[Item]:
    items: list[Item] = []
    for tag in main.find_all(True):
        name, classes = tag.name, _classes(tag)
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            if _inside(tag, "callout") or _inside_class(tag, "quarto-title-block"):
                continue
            items.append(Item("heading", f"{name} {_text(tag)} #{_heading_id(tag)}"))
        elif name == "figcaption" or name == "caption":
            if _inside_class(tag, "callout"):
                continue
            items.append(Item("float", _text(tag)))
        elif name == "a":
            item = _link(tag, page, root)
            if item is not None:
                items.append(item)
        elif name in ("div", "details") and "callout" in classes:
            kind = next((c for c in classes if c.startswith("callout-") and c[8:] in (
                "note", "tip", "warning", "important", "caution")), "callout")
            title_tag = tag.select_one(".callout-title-container, .callout-title, "
                                       ".callout-header summary")
            title = _text(title_tag) if title_tag is not None else ""
            items.append(Item("callout", f"{kind}: {title}".rstrip(": ").rstrip()))
        elif name == "pre" and "mermaid" in classes:
            # Quarto's mermaid.js and the engine's static drawing both draw this source.
            items.append(Item("diagram", "mermaid: " + _code_text(tag.get_text())))
        elif name == "pre" and _is_source_code(tag):
            folded = _inside_tag(tag, "details")
            code = tag.get_text()
            items.append(Item("code", ("[folded] " if folded else "") + _code_text(code)))
        elif name == "pre" and _is_output(tag):
            text = _ANSI_RE.sub("", tag.get_text())
            text = _KERNEL_PATH_RE.sub("/tmp/ipykernel/cell.py", text)
            items.append(Item("output", norm(text)))
        elif name == "img":
            items.append(Item("image", _image(tag, page, root)))
        elif tag.get("data-reader-chart"):
            items.append(Item("chart", str(tag["data-reader-chart"])))
        elif name == "li" and (_inside_class(tag, "footnotes") or _inside_id(tag, "footnotes")):
            items.append(Item("footnote", _footnote_text(tag)))
        elif name == "div" and re.fullmatch(r"fn\d+", str(tag.get("id") or "")) and \
                _inside_class(tag, "column-margin"):
            items.append(Item("footnote", re.sub(r"^\d+\s*", "", _footnote_text(tag))))
        elif name == "div" and "csl-entry" in classes:
            items.append(Item("bib", _text(tag)))
        elif "panel-tabset" in classes:
            for title in _tab_titles(tag):
                items.append(Item("tab", title))
    return items


def _inside(tag: Tag, cls: str) -> bool:
    return _inside_class(tag, cls)


def _inside_class(tag: Tag, cls: str) -> bool:
    return any(cls in _classes(p) for p in tag.parents if isinstance(p, Tag))


def _inside_id(tag: Tag, ident: str) -> bool:
    return any(p.get("id") == ident for p in tag.parents if isinstance(p, Tag))


def _inside_tag(tag: Tag, name: str) -> bool:
    return any(p.name == name for p in tag.parents if isinstance(p, Tag))


def _heading_id(tag: Tag) -> str:
    """The id a link to this heading uses: the heading's own, or its section's (Quarto)."""
    if tag.get("id"):
        return str(tag["id"])
    parent = tag.parent
    if isinstance(parent, Tag) and parent.name == "section" and parent.get("id"):
        return str(parent["id"])
    return str(tag.get("data-anchor-id") or "")


def _link(tag: Tag, page: str, root: Path) -> Item | None:
    href = tag.get("href")
    if href is None or not isinstance(href, str) or href == "":
        return None
    classes = _classes(tag)
    if {"footnote-ref", "footnote-back", "nav-link"} & set(classes) or \
            tag.get("role") in ("doc-backlink", "doc-noteref", "tab"):
        return None
    parts = urlsplit(href)
    if href.startswith("javascript:"):  # a control (Quarto's code tools), not a link
        return None
    if parts.scheme or parts.netloc or href.startswith(("mailto:", "data:")):
        return Item("xref", f"{_squash(_text(tag))} -> {href}")
    if re.fullmatch(r"#cb\d+-\d+", href) or _inside_class(tag, "sourceCode"):
        return None
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path))) \
        if parts.path else page
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return Item("xref", f"{_squash(_text(tag))} -> {target}{fragment}")


def _is_source_code(tag: Tag) -> bool:
    classes = _classes(tag)
    if "sourceCode" in classes:
        return True
    # Code without highlighting (`highlight-style: none`, a cell in a language not run).
    code = tag.find("code", recursive=False)
    if code is not None and not _is_output(tag) and (
            any(c for c in classes) or _inside_class(tag, "cell")):
        return True
    parent = tag.parent
    return isinstance(parent, Tag) and "sourceCode" in _classes(parent) and not _is_output(tag)


def _is_output(tag: Tag) -> bool:
    classes = _classes(tag)
    if any(c.startswith("cell-output") for c in classes):
        return True
    return any(c.startswith("cell-output") for p in tag.parents if isinstance(p, Tag)
               for c in _classes(p)) and not _is_source_code_class(tag)


def _is_source_code_class(tag: Tag) -> bool:
    return "sourceCode" in _classes(tag)


def _code_text(code: str) -> str:
    return "\n".join(line.rstrip() for line in code.strip("\n").split("\n"))


def _image(tag: Tag, page: str, root: Path) -> str:
    """An image by its alt text and a hash of its bytes (the file's name differs by design)."""
    src = str(tag.get("src") or "")
    alt = norm(str(tag.get("alt") or ""))
    digest = "remote" if urlsplit(src).scheme in ("http", "https") else "missing"
    if src.startswith("data:"):
        # An image inlined as a data URI is the same image as a file with the same bytes.
        head, _, payload = src.partition(",")
        data = base64.b64decode(payload) if head.endswith(";base64") else unquote(
            payload).encode()
        digest = hashlib.sha256(data).hexdigest()[:12]
    elif digest == "missing" and src:
        file = root / posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(src)))
        if file.is_file():
            digest = hashlib.sha256(file.read_bytes()).hexdigest()[:12]
    return f"{alt} [{digest}]"


def _is_chart(tag: Tag, quarto: bool) -> bool:
    if quarto:
        return tag.name == "div" and str(tag.get("id") or "").startswith("altair-viz-")
    return tag.name == "figure" and "book-figure" in _classes(tag)


def _chart(tag: Tag, quarto: bool) -> str:
    """A chart by its marks (the spec's data and styling differ by design)."""
    spec: dict = {}
    if quarto:
        script = tag.find_next("script")
        text = script.get_text() if script is not None else ""
        start = text.rfind("})(")
        if start != -1:
            try:
                spec, _ = json.JSONDecoder().raw_decode(text[start + 3:])
            except ValueError:
                spec = {}
    else:
        found = tag.select_one("script[type='application/json']")
        if found is not None:
            payload = json.loads(found.get_text())
            specs = payload.get("specs") or {}
            spec = specs.get("default") or next(iter(specs.values()), {})
    return ",".join(sorted(set(_marks(spec)))) or "chart"


def _marks(spec: object) -> list[str]:
    found: list[str] = []
    if isinstance(spec, dict):
        mark = spec.get("mark")
        if isinstance(mark, str):
            found.append(mark)
        elif isinstance(mark, dict) and isinstance(mark.get("type"), str):
            found.append(mark["type"])
        for key in ("layer", "hconcat", "vconcat", "concat"):
            for sub in spec.get(key) or []:
                found += _marks(sub)
        if isinstance(spec.get("spec"), dict):
            found += _marks(spec["spec"])
    return found


def _footnote_text(tag: Tag) -> str:
    clone = BeautifulSoup(str(tag), "html.parser")
    for back in clone.select("a.footnote-back, a[role=doc-backlink]"):
        back.decompose()
    return _text(clone)


def _tab_titles(tag: Tag) -> list[str]:
    tabs = tag.select(":scope > ul.nav-tabs a, :scope > ul.nav a, "
                      ":scope > .tab-list [role=tab]")
    return [_text(a) for a in tabs]
