"""A website's navigation as Quarto's `website:` options give it: the navbar's links, the
sidebar's entries (`contents:` with files, `{href, text}`, `section:` groups and `auto`), and
whether pages link to the previous and next one.

A book's sidebar is its chapters (`Layout`); a default project's pages stand alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Link:
    """One navbar or sidebar link: a page of the site (by output href) or an address."""

    href: str
    text: str
    section: str | None = None
    """The sidebar section it is listed under."""


def _output(path: str) -> str:
    for suffix in (".qmd", ".md", ".ipynb"):
        if path.endswith(suffix):
            return path[: -len(suffix)] + ".html"
    return path


def _item(item: Any, titles: dict[str, str], section: str | None) -> list[Link]:
    """The links one `contents:` or navbar entry stands for."""
    if isinstance(item, str):
        if item == "auto":
            return [Link(href, text, section) for href, text in titles.items()]
        href = _output(item)
        return [Link(href, titles.get(href, href), section)]
    if not isinstance(item, dict):
        return []
    if "section" in item or "contents" in item:
        name = str(item.get("section") or item.get("text") or "")
        links = [Link(_output(str(item["href"])), name, name)] if item.get("href") else []
        for child in item.get("contents") or []:
            links += _item(child, titles, name or section)
        if item.get("contents") == "auto":
            links += [Link(h, t, name) for h, t in titles.items()]
        return links
    href = item.get("href") or item.get("file")
    if not href:
        return []
    href = _output(str(href))
    return [Link(href, str(item.get("text") or titles.get(href, href)), section)]


def navbar(website: dict[str, Any], titles: dict[str, str]) -> list[Link]:
    """The navbar's links, left then right (`website.navbar.left`, `.right`)."""
    bar = website.get("navbar")
    if not isinstance(bar, dict):
        return []
    links: list[Link] = []
    for side in ("left", "right"):
        for item in bar.get(side) or []:
            links += _item(item, titles, None)
    return links


def sidebar(website: dict[str, Any], titles: dict[str, str]) -> list[Link]:
    """The sidebar's links in order (the first sidebar, when several are given); none when the
    website has no `sidebar:`."""
    side = website.get("sidebar")
    if isinstance(side, list):
        side = side[0] if side else None
    if not isinstance(side, dict):
        return []
    contents = side.get("contents")
    if contents is None or contents == "auto":
        return [Link(href, text) for href, text in titles.items()]
    links: list[Link] = []
    for item in contents if isinstance(contents, list) else [contents]:
        links += _item(item, titles, None)
    return links


def page_navigation(website: dict[str, Any]) -> bool:
    """`website.page-navigation` (false unless set)."""
    return website.get("page-navigation") is True
