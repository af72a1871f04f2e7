"""The 404 page: the book's layout with search, working at any depth of the site.

A host serves `404.html` for any missing address, at whatever depth it was asked for, so the
page cannot use relative links: the contents link to absolute addresses from `site-url`, and
the assets and search index it loads start with the site's path (`/book/…` for
`https://host/book`, so nothing loads from another host), which the link check resolves from the
build's root.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from bookengine.site import search
from bookengine.source.config import BookConfig
from bookengine.render.convert import ConvertedPage
from bookengine.site.layout import THEME_SCRIPT, Layout, content_security_policy

HREF = "404.html"


def site_path(config: BookConfig) -> str:
    """The path the site is served under, with slashes at both ends (`/` without a site-url)."""
    path = urlsplit(config.site_url).path.strip("/") if config.site_url else ""
    return f"/{path}/" if path else "/"


def write_page(config: BookConfig, layout: Layout, out: Path, version_date: str | None) -> None:
    """Write `404.html` into the build: a short message, the search box and the contents."""
    base = site_path(config)
    home = layout.home
    body = ('<h1 id="not-found">Page not found</h1>'
            "<p>There is no page at this address. It may have moved in a newer version of the "
            "book: search for it above, or choose a chapter from the contents.</p>"
            f'<p><a href="{base}{home}">Go to the start of the book</a></p>')
    page = ConvertedPage(HREF, HREF, "Page not found", None, False, {}, body)
    html = layout.env.get_template("page.html").render(
        book=config, page=page, body=body, root=base, nav=layout.nav, home=home,
        rel=lambda href: f"{config.site_url}/{href}" if config.site_url else base + href,
        prev_page=None, next_page=None, toc=[],
        has_charts=False, theme_script=THEME_SCRIPT,
        csp=content_security_policy(wasm=search.enabled(config)),
        meta_tags=[("robots", "noindex")], version_date=version_date,
        versions_url=f"{config.site_url}/versions.html" if config.site_url else None)
    (out / HREF).write_text(html, encoding="utf-8")

