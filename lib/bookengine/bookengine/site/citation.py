"""How to cite a page: citation meta tags, schema.org JSON-LD and a visible "Cite this" block.

Everything comes from `_quarto.yml` (`book:`) and the page's front matter (Quarto's `citation:`
form, `author`, `date-modified`); the version date is the newest date the book records (the
book's `date`, a page's `date-modified`, and the `date` column of the changelog file), never the
clock, so two builds of the same sources are identical.

Citations name the permanent address of the version they were copied from,
`<site-url>/v/<version>/<page>` (see `bookengine.versions.bookversion`), and mention the latest address;
the canonical link is the latest page.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from bookengine.versions.bookversion import DATE_RE, BookVersion, versioned_url
from bookengine.source.config import Author, BookConfig, authors_of
from bookengine.render.convert import ConvertedPage
from bookengine.render.numbering import relative_href


def page_date(config: BookConfig, page: ConvertedPage, book_version: str | None) -> str | None:
    """A page's version date: its own `date-modified` or the book's version, whichever is newer."""
    own = str(page.front.get("date-modified") or "")
    dates = [d for d in (own, book_version) if d and DATE_RE.match(d)]
    return max(dates) if dates else None


def _authors(config: BookConfig, page: ConvertedPage) -> list[Author]:
    """The page's own `author:`, else the book's."""
    own = authors_of(page.front.get("author"))
    return list(own or config.authors)


def _url(config: BookConfig, href: str) -> str | None:
    if not config.site_url:
        return None
    return f"{config.site_url}/" if href == "index.html" else f"{config.site_url}/{href}"


MINOR_WORDS = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to"}


def bibtex_key(config: BookConfig, page: ConvertedPage, year: str) -> str:
    """A short key that stays the same between versions: the initials of the book's title
    (minor words left out), the year and the page's name (`isd2026ord`; the home page
    `isd2026`)."""
    words = [w for w in re.findall(r"[a-z0-9]+", config.title.lower()) if w not in MINOR_WORDS]
    initials = "".join(w[0] for w in words) or "book"
    stem = "" if page.href == "index.html" else re.sub(
        r"[^a-z0-9]+", "-", Path(page.href).stem.lower()).strip("-")
    return f"{initials}{year}{stem}"


def bib_name(author: Author) -> str:
    """An author as BibTeX reads one: an organisation in double braces (one name, never split
    into initials), a person as "Family, Given" when the parts are known."""
    if author.literal:
        return "{" + _bib_escape(author.name) + "}"
    if author.family:
        return _bib_escape(f"{author.family}, {author.given}" if author.given else author.family)
    return _bib_escape(author.name)


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
        "authors": [a.name for a in _authors(config, page)],
        "creators": _authors(config, page),
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
    fields: list[tuple[str, str]] = [("title", cite["title"]), ("author", _bib_authors(cite))]
    if cite["type"] != "book":
        fields.append(("booktitle", cite["container-title"]))
        if cite["chapter-number"]:
            fields.append(("chapter", cite["chapter-number"]))
    fields += [("year", cite["year"]), ("url", cite["url"] or "")]
    if cite["date"]:
        fields.append(("note", version_note(cite)))
        fields.append(("urldate", cite["date"]))
    kind = "book" if cite["type"] == "book" else "incollection"
    return f"@{kind}{{{bibtex_key(config, page, cite['year'])},\n{_bib_body(fields)}\n}}"


def _bib_authors(cite: dict[str, Any]) -> str:
    return " and ".join(bib_name(a) for a in cite["creators"])


def _bib_body(fields: list[tuple[str, str]]) -> str:
    """BibTeX fields, escaped (the author list and the address as they are)."""
    return ",\n".join(f"  {k} = {{{v if k in ('url', 'author') else _bib_escape(v)}}}"
                      for k, v in fields if v)


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
    authors = [{"@type": "Organization" if a.literal else "Person", "name": a.name}
               for a in cite["creators"]]
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


def cite_block(cite: dict[str, Any], bib: str, downloads: str = "") -> str:
    """The visible "Cite this chapter" block with BibTeX, plain text, a copy button and the
    RIS and CSL-JSON downloads."""
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
        f"{downloads}</section>"
    )


def downloads_html(page_href: str, ris_path: str, json_path: str) -> str:
    """Links to a citation's RIS and CSL-JSON files, from the page at `page_href`."""
    return (f' <span class="cite-downloads">Download: <a href="'
            f'{html.escape(relative_href(page_href, ris_path))}" download>RIS</a> · <a href="'
            f'{html.escape(relative_href(page_href, json_path))}" download>CSL-JSON</a></span>')


def figure_title(number: str, caption: str) -> str:
    """A figure's title for citing it: its number and its whole caption as text."""
    text = re.sub(r"<[^>]+>", "", caption)
    text = re.sub(r"\s+", " ", re.sub(r"\[@[^\]]*\]", "", html.unescape(text))).strip()
    return f"Figure {number}: {text.rstrip('.')}"


def figure_citation(cite: dict[str, Any], label: str, number: str, caption: str,
                    data_version: str) -> dict[str, Any]:
    """A figure's citation fields: its page's, with its own title, address and data version."""
    where = (f"Figure {number} in {cite['title']}, {cite['container-title']}"
             if cite["type"] != "book" else f"Figure {number} in {cite['title']}")
    note = f"Data version {data_version}" + (
        f"; {version_note(cite)[0].lower()}{version_note(cite)[1:]}" if cite["date"] else "")
    return {**cite, "type": "figure", "title": figure_title(number, caption),
            "url": f"{cite['url']}#{label}" if cite["url"] else "", "howpublished": where,
            "note": note, "label": label}


def figure_bibtex(config: BookConfig, page: ConvertedPage, cite: dict[str, Any], label: str,
                  number: str, caption: str, data_version: str) -> str:
    """A BibTeX entry for one figure, naming the data version it shows."""
    fig = figure_citation(cite, label, number, caption, data_version)
    fields = [("title", fig["title"]), ("author", _bib_authors(cite)),
              ("howpublished", fig["howpublished"]), ("year", cite["year"]),
              ("url", fig["url"]), ("note", fig["note"])]
    key = f"{bibtex_key(config, page, cite['year'])}{'-' if page.href != 'index.html' else ''}" \
          f"{label}"
    return f"@misc{{{key},\n{_bib_body(fields)}\n}}"


def ris(cite: dict[str, Any]) -> str:
    """A RIS record (read by Zotero, EndNote, Mendeley): an organisation is one `AU` name
    without a comma, a person "Family, Given"."""
    kind = {"book": "BOOK", "figure": "FIGURE"}.get(cite["type"], "CHAP")
    lines = [("TY", kind), ("TI", cite["title"])]
    for author in cite["creators"]:
        name = author.name if author.literal or not author.family else (
            f"{author.family}, {author.given}" if author.given else author.family)
        lines.append(("AU", name))
    if cite["type"] != "book":
        lines.append(("T2", cite["container-title"]))
    lines += [("PY", cite["year"]), ("DA", (cite["date"] or "").replace("-", "/")),
              ("UR", cite["url"] or ""), ("N1", cite.get("note") or (
                  version_note(cite) if cite["date"] else "")),
              ("LA", cite.get("language") or "")]
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines if value) + "ER  - \r\n"


def csl_json(cite: dict[str, Any], key: str) -> str:
    """A CSL-JSON item (Zotero, citeproc, pandoc): an organisation as `literal`."""
    def name(author: Author) -> dict[str, str]:
        if author.literal or not author.family:
            return {"literal": author.name}
        return {"family": author.family, **({"given": author.given} if author.given else {})}

    kind = {"book": "book", "figure": "figure"}.get(cite["type"], "chapter")
    item: dict[str, Any] = {"id": key, "type": kind, "title": cite["title"],
                            "author": [name(a) for a in cite["creators"]]}
    if cite["type"] != "book":
        item["container-title"] = cite["container-title"]
    if cite["date"]:
        item["issued"] = {"date-parts": [[int(p) for p in cite["date"].split("-")]]}
    elif cite["year"]:
        item["issued"] = {"date-parts": [[int(cite["year"])]]}
    if cite["url"]:
        item["URL"] = cite["url"]
    if cite.get("version"):
        item["version"] = cite["version"]
    if cite.get("note") or cite["date"]:
        item["note"] = cite.get("note") or version_note(cite)
    return json.dumps([item], ensure_ascii=False, indent=1, sort_keys=True) + "\n"


CITE_DIR = "cite"
"""Where the RIS and CSL-JSON files of every page and figure are written in the build."""


def citation_base(page: ConvertedPage) -> str:
    """The site path, without suffix, of a page's citation files (`cite/chapters/ord`); its
    figures' are below it (`cite/chapters/ord/fig-x`)."""
    return f"{CITE_DIR}/{page.href.removesuffix('.html')}"


def citation_paths(config: BookConfig, page: ConvertedPage) -> list[str]:
    """Every citation file a page's build writes (none when the page is not cited)."""
    if not (config.is_book or page.front.get("citation")):
        return []
    base = citation_base(page)
    return [f"{base}{tail}" for tail in (".ris", ".json", *(
        f"/{fig.label}{ext}" for fig in page.figures for ext in (".ris", ".json")))]


def page_extras(config: BookConfig, page: ConvertedPage, version: BookVersion) -> dict:
    """Template variables for a page's citation: meta tags, JSON-LD, cite block, dates, the
    version id, the address of the Versions page, each figure's citation and the citation
    files to write (`citation_files`, site path → text)."""
    date = page_date(config, page, version.date)
    cite = page_citation(config, page, date, version.id)
    cite["language"] = str(config.extra.get("lang", "en"))
    bib = bibtex(config, page, cite)
    key = bibtex_key(config, page, cite["year"])
    base = citation_base(page)
    files = {f"{base}.ris": ris(cite), f"{base}.json": csl_json(cite, key)}
    figures: dict[str, tuple[str, str]] = {}
    for fig in page.figures:
        fig_cite = figure_citation(cite, fig.label, fig.number, fig.caption, fig.data_version)
        fig_key = f"{key}-{fig.label}" if page.href != "index.html" else f"{key}{fig.label}"
        files[f"{base}/{fig.label}.ris"] = ris(fig_cite)
        files[f"{base}/{fig.label}.json"] = csl_json(fig_cite, fig_key)
        figures[fig.label] = (
            figure_bibtex(config, page, cite, fig.label, fig.number, fig.caption,
                          fig.data_version),
            downloads_html(page.href, f"{base}/{fig.label}.ris", f"{base}/{fig.label}.json"))
    asks = config.is_book or bool(page.front.get("citation"))
    description = page_description(page) or config.description
    return {
        "meta_tags": meta_tags(config, cite),
        "social_tags": social_tags(config, cite, description),
        "description": description,
        "json_ld": json_ld(config, cite),
        # A book cites each chapter; another project's page only when it asks (`citation:`).
        "cite_block": cite_block(cite, bib, downloads_html(
            page.href, f"{base}.ris", f"{base}.json")) if asks else "",
        "citation_files": files if asks else {},
        "canonical": cite["latest-url"],
        "page_url": cite["url"],
        "version_date": date,
        "version": version.id,
        "versions_url": f"{config.site_url}/versions.html" if config.site_url else None,
        "figure_cites": figures if asks else {},
        "data_changed": version.data_changed,
    }


def page_description(page: ConvertedPage, limit: int = 200) -> str:
    """What a page is about, for search engines and link previews: its `description:`, else
    its first paragraph as text, cut on a word before `limit` characters."""
    own = page.front.get("description")
    if isinstance(own, str) and own.strip():
        return own.strip()
    for para in re.findall(r"<p\b[^>]*>(.*?)</p>", page.body, re.S):
        text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", para))).strip()
        if len(text) > 40:  # a real paragraph, not a date or a byline
            if len(text) > limit:
                text = text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
            return text
    return ""
