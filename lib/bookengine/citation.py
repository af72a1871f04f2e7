"""How to cite a page: citation meta tags, schema.org JSON-LD and a visible "Cite this" block.

Everything comes from `_quarto.yml` (`book:`) and the page's front matter (Quarto's `citation:`
form, `author`, `date-modified`); the version date is the newest date the book records (the
book's `date`, a page's `date-modified`, and the `date` column of the changelog file), never the
clock, so two builds of the same sources are identical.

Citations name the permanent address of the version they were copied from,
`<site-url>/v/<version>/<page>` (see `bookengine.versions`), and mention the latest address;
the canonical link is the latest page.
"""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path
from typing import Any

from bookengine.config import BookConfig
from bookengine.convert import ConvertedPage

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def changelog_dates(config: BookConfig) -> dict[str, str]:
    """The newest changelog date for each file the changelog names (`file` column)."""
    newest: dict[str, str] = {}
    path = config.root / config.changelog if config.changelog else None
    if path is not None and path.is_file():
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                value = (row.get("date") or "").strip()
                if DATE_RE.match(value):
                    name = (row.get("file") or "").strip()
                    newest[name] = max(value, newest.get(name, value))
    return newest


def version_date(config: BookConfig, changes: dict[str, str] | None = None) -> str | None:
    """The newest date among the book's date and its changelog entries (ISO).

    `changes` is `changelog_dates(config)` when the caller has already read it.
    """
    if changes is None:
        changes = changelog_dates(config)
    dates = ([config.date] if config.date else []) + list(changes.values())
    return max(dates) if dates else None


def data_changed(changes: dict[str, str], tables: list[str]) -> str | None:
    """When the named tables last changed, by the changelog (matched on the file's stem)."""
    dates = [d for f, d in changes.items() if Path(f).stem in tables]
    return max(dates) if dates else None


def page_date(config: BookConfig, page: ConvertedPage, book_version: str | None) -> str | None:
    """A page's version date: its own `date-modified` or the book's version, whichever is newer."""
    own = str(page.front.get("date-modified") or "")
    dates = [d for d in (own, book_version) if d and DATE_RE.match(d)]
    return max(dates) if dates else None


def _authors(config: BookConfig, page: ConvertedPage) -> list[str]:
    front = page.front.get("author")
    if isinstance(front, str):
        return [front]
    if isinstance(front, list):
        return [a if isinstance(a, str) else str(a.get("name", "")) for a in front]
    return [a.name for a in config.authors]


def _url(config: BookConfig, href: str) -> str | None:
    if not config.site_url:
        return None
    return f"{config.site_url}/" if href == "index.html" else f"{config.site_url}/{href}"


def versioned_url(site_url: str | None, version: str | None, href: str) -> str | None:
    """The permanent address of page `href` in `version` (None without a site-url or version)."""
    if not site_url or not version:
        return None
    page = "" if href == "index.html" else href
    return f"{site_url}/v/{version}/{page}"


def bibtex_key(config: BookConfig, page: ConvertedPage, year: str) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", Path(page.href).stem.lower()).strip("-")
    book = re.sub(r"[^a-z0-9]+", "", config.title.lower())[:16]
    return f"{book}-{stem}-{year}"


def _bib_escape(text: str) -> str:
    return re.sub(r"([{}&%$#_])", r"\\\1", text)


def page_citation(config: BookConfig, page: ConvertedPage, date: str | None,
                  version: str | None = None) -> dict[str, Any]:
    """The fields of a page's citation, in Quarto's `citation:` vocabulary, with the version id,
    its permanent address (`url`) and the latest address (`latest-url`)."""
    front_cite = page.front.get("citation") if isinstance(page.front.get("citation"), dict) else {}
    title = html.unescape(re.sub(r"<[^>]+>", "", page.title))  # the title's HTML, as text
    year = (date or config.date or "")[:4]
    is_book = page.href == "index.html"
    return {
        "type": front_cite.get("type", "book" if is_book else "chapter"),
        "title": front_cite.get("title", config.title if is_book else title),
        "container-title": front_cite.get("container-title", config.title),
        "authors": _authors(config, page),
        "year": year,
        "date": date,
        "url": front_cite.get("url", versioned_url(config.site_url, version, page.href)
                              or _url(config, page.href)),
        "latest-url": _url(config, page.href),
        "version": version,
        "chapter-number": page.number,
    }


def bibtex(config: BookConfig, page: ConvertedPage, cite: dict[str, Any]) -> str:
    """A BibTeX entry for the page (@book for the home page, @incollection for a chapter)."""
    fields: list[tuple[str, str]] = [("title", cite["title"]),
                                     ("author", " and ".join(cite["authors"]))]
    if cite["type"] != "book":
        fields.append(("booktitle", cite["container-title"]))
        if cite["chapter-number"]:
            fields.append(("chapter", cite["chapter-number"]))
    fields += [("year", cite["year"]), ("url", cite["url"] or "")]
    if cite["date"]:
        fields.append(("note", version_note(cite)))
        fields.append(("urldate", cite["date"]))
    kind = "book" if cite["type"] == "book" else "incollection"
    body = ",\n".join(f"  {k} = {{{_bib_escape(v) if k != 'url' else v}}}" for k, v in fields if v)
    return f"@{kind}{{{bibtex_key(config, page, cite['year'])},\n{body}\n}}"


def version_note(cite: dict[str, Any]) -> str:
    """"Version of <date> (<id>); latest version at <url>", as far as the fields are known."""
    note = f"Version of {cite['date']}"
    if cite.get("version"):
        note += f" ({cite['version']})"
    if cite.get("latest-url") and cite.get("latest-url") != cite["url"]:
        note += f"; latest version at {cite['latest-url']}"
    return note


def plain_citation(cite: dict[str, Any]) -> str:
    """A plain-text citation in author–date style."""
    authors = ", ".join(cite["authors"]) or "Anonymous"
    version = (f" Version of {cite['date']}" + (f" ({cite['version']})" if cite.get("version")
                                                else "") + ".") if cite["date"] else ""
    url = f" {cite['url']}" if cite["url"] else ""
    if cite.get("latest-url") and cite["url"] and cite["latest-url"] != cite["url"]:
        url += f" (latest version: {cite['latest-url']})"
    if cite["type"] == "book":
        return f"{authors} ({cite['year']}). {cite['title']}.{version}{url}"
    num = f"Chapter {cite['chapter-number']}: " if cite["chapter-number"] and \
        cite["chapter-number"].isdigit() else ""
    return (f"{authors} ({cite['year']}). “{num}{cite['title']}”. In {cite['container-title']}."
            f"{version}{url}")


def meta_tags(config: BookConfig, cite: dict[str, Any]) -> list[tuple[str, str]]:
    """Highwire-style meta tags read by reference managers (Zotero, Google Scholar)."""
    tags = [("citation_title", cite["title"])]
    tags += [("citation_author", a) for a in cite["authors"]]
    if cite["date"]:
        tags.append(("citation_publication_date", cite["date"].replace("-", "/")))
    if config.date:
        tags.append(("citation_online_date", config.date.replace("-", "/")))
    if cite["type"] != "book":
        tags.append(("citation_inbook_title", cite["container-title"]))
        tags.append(("citation_book_title", cite["container-title"]))
    if cite["url"]:
        tags.append(("citation_public_url", cite["url"]))
    tags.append(("citation_language", str(config.extra.get("lang", "en"))))
    return tags


def social_tags(config: BookConfig, cite: dict[str, Any],
                description: str | None) -> list[tuple[str, str, str]]:
    """Open Graph and Twitter card tags, as Quarto writes them when `open-graph:` or
    `twitter-card:` is set: (attribute, name, content)."""
    tags: list[tuple[str, str, str]] = []
    graph, card = config.social.get("open-graph"), config.social.get("twitter-card")
    if graph:
        options = graph if isinstance(graph, dict) else {}
        tags.append(("property", "og:title", str(options.get("title") or cite["title"])))
        if options.get("description") or description:
            tags.append(("property", "og:description",
                         str(options.get("description") or description)))
        if cite.get("latest-url"):
            tags.append(("property", "og:url", cite["latest-url"]))
        tags.append(("property", "og:site_name", str(options.get("site-name") or config.title)))
        if options.get("locale"):
            tags.append(("property", "og:locale", str(options["locale"])))
    if card:
        options = card if isinstance(card, dict) else {}
        tags.append(("name", "twitter:title", str(options.get("title") or cite["title"])))
        if options.get("description") or description:
            tags.append(("name", "twitter:description",
                         str(options.get("description") or description)))
        tags.append(("name", "twitter:card", str(options.get("card-style") or "summary")))
        for key in ("creator", "site"):
            if options.get(key):
                tags.append(("name", f"twitter:{key}", str(options[key])))
    return tags


def json_ld(config: BookConfig, cite: dict[str, Any]) -> str:
    """schema.org JSON-LD: the chapter as part of the book (or the book itself)."""
    authors = [{"@type": "Person", "name": a} for a in cite["authors"]]
    book = {"@type": "Book", "name": config.title, "author": authors}
    if config.site_url:
        book["url"] = config.site_url + "/"
    if cite["type"] == "book":
        data = {"@context": "https://schema.org", **book, "dateModified": cite["date"]}
    else:
        data = {"@context": "https://schema.org", "@type": "Chapter", "name": cite["title"],
                "author": authors, "isPartOf": book, "dateModified": cite["date"]}
        if cite["url"]:
            data["url"] = cite["url"]
        if cite.get("version"):
            data["version"] = cite["version"]
        if cite["chapter-number"]:
            data["position"] = cite["chapter-number"]
    text = json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False,
                      sort_keys=True)
    return text.replace("<", "\\u003c")


def cite_block(cite: dict[str, Any], bib: str) -> str:
    """The visible "Cite this chapter" block with BibTeX, plain text and a copy button."""
    what = "book" if cite["type"] == "book" else "chapter"
    return (
        f'<section class="cite-this" aria-labelledby="cite-this-heading">'
        f'<h2 id="cite-this-heading" class="unlisted">Cite this {what}</h2>'
        f'<p class="cite-plain">{html.escape(plain_citation(cite))}</p>'
        f'<details class="cite-bibtex"><summary>BibTeX</summary>'
        f'<pre><code class="bibtex">{html.escape(bib)}</code></pre></details>'
        '<button type="button" class="cite-copy" data-copy=".cite-bibtex code">'
        "Copy BibTeX</button> "
        '<button type="button" class="cite-copy" data-copy=".cite-plain">Copy citation</button>'
        "</section>"
    )


def figure_bibtex(config: BookConfig, page: ConvertedPage, cite: dict[str, Any], label: str,
                  number: str, caption: str, data_version: str) -> str:
    """A BibTeX entry for one figure, naming the data version it shows."""
    short = re.sub(r"\s+", " ", re.sub(r"\[@[^\]]*\]", "", caption)).strip().rstrip(".")
    if len(short) > 120:
        short = short[:117].rsplit(" ", 1)[0] + "…"
    url = f"{cite['url']}#{label}" if cite["url"] else ""
    where = (f"Figure {number} in {cite['title']}, {cite['container-title']}"
             if cite["type"] != "book" else f"Figure {number} in {cite['title']}")
    fields = [("title", f"Figure {number}: {short}"), ("author", " and ".join(cite["authors"])),
              ("howpublished", where), ("year", cite["year"]), ("url", url),
              ("note", f"Data version {data_version}"
                       + (f"; {version_note(cite)[0].lower()}{version_note(cite)[1:]}"
                          if cite["date"] else ""))]
    body = ",\n".join(f"  {k} = {{{_bib_escape(v) if k != 'url' else v}}}"
                      for k, v in fields if v)
    key = f"{bibtex_key(config, page, cite['year'])}-{label}-{data_version}"
    return f"@misc{{{key},\n{body}\n}}"


def page_extras(config: BookConfig, page: ConvertedPage, book_version: str | None,
                changes: dict[str, str], version: str | None = None) -> dict:
    """Template variables for a page's citation: meta tags, JSON-LD, cite block, dates, the
    version id and the address of the Versions page."""
    date = page_date(config, page, book_version)
    cite = page_citation(config, page, date, version)
    bib = bibtex(config, page, cite)
    return {
        "meta_tags": meta_tags(config, cite),
        "social_tags": social_tags(config, cite, page.front.get("description")
                                   or config.description),
        "json_ld": json_ld(config, cite),
        # A book cites each chapter; another project's page only when it asks (`citation:`).
        "cite_block": cite_block(cite, bib) if config.is_book or page.front.get("citation")
        else "",
        "canonical": cite["latest-url"],
        "page_url": cite["url"],
        "version_date": date,
        "version": version,
        "versions_url": f"{config.site_url}/versions.html" if config.site_url else None,
        "figure_bibtex": lambda label, number, caption, version: figure_bibtex(
            config, page, cite, label, number, caption, version),
        "data_changed": lambda tables: data_changed(changes, tables),
    }
