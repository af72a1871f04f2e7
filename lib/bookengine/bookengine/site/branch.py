"""The files of the deploy branch that belong to no single build.

Written by `make deploy` beside the latest build (the branch root) and the kept versions
(`v/<version>/`), from the per-version records kept on the branch in `versions/<version>.json`:

- `versions.json`: every version, newest first (id, date, data version, changelog summary,
  address), each with what changed on every page from it to the latest version (inline values
  old → new with their sentence, figures whose data version changed, sections added or removed),
  read by the banner script of old pages;
- `versions.html`: the Versions page listing the same;
- `feed.xml`: an Atom feed with one entry per version, linking the chapters it changed;
- `sitemap.xml`: the latest pages, absolute from `site-url`.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from bookengine.versions.history import compare
from bookengine.site.layout import content_security_policy

RECORDS = "versions"
FILES = ("versions.json", "versions.html", "feed.xml", "sitemap.xml")
ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


def ordered(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Versions newest first: in the order they were deployed (`sequence`), latest first."""
    return sorted(records, key=lambda r: r.get("sequence", 0), reverse=True)


def page_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """What changed from version `old` to `new`, by page address (`chapters/x.html`): the
    differences `history.compare` finds, or else, when the page's source changed, that its
    text was revised."""
    hrefs = {**old.get("pages", {}), **new.get("pages", {})}
    out: dict[str, list[dict[str, Any]]] = {}
    for change in compare(old["snapshot"], new["snapshot"]):
        href = hrefs.get(change.page, change.page)
        out.setdefault(href, []).append({"kind": change.kind, "where": change.where,
                                         "old": change.old, "new": change.new})
    before, after = old.get("sources", {}), new.get("sources", {})
    for rel, digest in after.items():
        href = hrefs.get(rel, rel)
        if rel in before and before[rel] != digest and href not in out:
            out[href] = [{"kind": "text", "where": "", "old": None, "new": None}]
    return out


def describe(change: dict[str, Any]) -> str:
    """One change as a line of text (the banner script words it the same way)."""
    if change["kind"] == "value":
        return f"“{change['where']}”: {change['old']} → {change['new']}"
    if change["kind"] == "figure":
        return f"{change['where']}: data version {change['old']} → {change['new']}"
    if change["kind"] == "text":
        return "its wording was revised; no value, figure or section changed"
    return f"section #{change['where']} {'added' if change['new'] else 'removed'}"


def versions_index(records: list[dict[str, Any]], site_url: str | None) -> dict[str, Any]:
    """The content of `versions.json`."""
    versions = ordered(records)
    latest = versions[0]
    return {"latest": latest["id"], "site_url": site_url, "versions": [
        {"id": r["id"], "date": r["date"], "data_version": r["data_version"],
         "summary": r["summary"], "address": f"v/{r['id']}/",
         "changes": page_changes(r, latest) if r is not latest else {}}
        for r in versions]}


def versions_json(records: list[dict[str, Any]], site_url: str | None) -> str:
    """`versions.json`, deterministic (sorted keys)."""
    return json.dumps(versions_index(records, site_url), sort_keys=True, indent=1,
                      ensure_ascii=False) + "\n"


def versions_page(records: list[dict[str, Any]], title: str, lang: str) -> str:
    """`versions.html`, in the site's header and layout: every version, newest first, with
    what it changed from the version before it and what the latest version changes on it."""
    import jinja2

    from bookengine.site.layout import TEMPLATES, THEME_SCRIPT

    versions = ordered(records)
    latest = versions[0]
    shown = []
    for entry, older in zip(versions, [*versions[1:], None], strict=True):
        shown.append({
            "id": entry["id"], "date": entry["date"], "data_version": entry["data_version"],
            "summary": entry.get("summary") or "", "latest": entry is latest,
            "previous": None if older is None else _described(page_changes(older, entry)),
            "since": _described(page_changes(entry, latest)) if entry is not latest else [],
        })
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                             autoescape=jinja2.select_autoescape(["html"]))
    return env.get_template("versions.html").render(
        versions=shown, lang=lang, book={"title": title}, root="", home="index.html",
        theme_script=THEME_SCRIPT, csp=content_security_policy())


def _described(changes: dict[str, list[dict[str, Any]]]) -> list[tuple[str, list[str]]]:
    return [(href, [describe(c) for c in listed]) for href, listed in sorted(changes.items())]


def feed(records: list[dict[str, Any]], site_url: str, title: str,
         authors: list[str]) -> str:
    """`feed.xml`: an Atom feed with an entry per version linking the chapters it changed."""
    versions = ordered(records)
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        node = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            node.text = text
        return node

    root = ET.Element(f"{{{ATOM}}}feed")
    sub(root, "title", title)
    sub(root, "id", f"{site_url}/")
    sub(root, "updated", f"{versions[0]['date']}T00:00:00Z")
    sub(root, "link", rel="self", href=f"{site_url}/feed.xml")
    sub(root, "link", rel="alternate", href=f"{site_url}/versions.html")
    for name in authors or [title]:
        sub(sub(root, "author"), "name", name)
    for entry, older in zip(versions, [*versions[1:], None], strict=True):
        node = sub(root, "entry")
        base = f"{site_url}/v/{entry['id']}/"
        sub(node, "title", f"Version of {entry['date']} ({entry['id']})")
        sub(node, "id", base)
        sub(node, "updated", f"{entry['date']}T00:00:00Z")
        sub(node, "link", rel="alternate", href=base)
        changed = page_changes(older, entry) if older is not None else {}
        for href in sorted(changed):
            sub(node, "link", rel="related", href=base + href, title=href)
        text = entry["summary"]
        if changed:
            text += " Changed pages: " + ", ".join(sorted(changed)) + "."
        sub(node, "summary", text)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def sitemap(record: dict[str, Any], site_url: str) -> str:
    """`sitemap.xml`: every page of the latest version, absolute from `site-url`."""
    ET.register_namespace("", SITEMAP)
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    for href in sorted(set(record["pages"].values())):
        url = ET.SubElement(root, f"{{{SITEMAP}}}url")
        loc = f"{site_url}/" if href == "index.html" else f"{site_url}/{href}"
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = loc
        ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = record["date"]
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
