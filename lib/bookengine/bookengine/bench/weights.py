"""`make bench`'s page weights: the heaviest page and the chart page, gzipped, and the JavaScript a
chart page loads, beside their targets."""

from __future__ import annotations

import gzip
from pathlib import Path

from bookengine.render.numbering import output_href
from bookengine.source.config_load import load_config


def page_weights(site: Path, book: Path) -> None:
    """Page weights and the JavaScript each page loads."""
    config = load_config(book)
    assets = site / "assets"
    book_js = (assets / "book.js").stat().st_size
    vega = (assets / "vega.js").stat().st_size if (assets / "vega.js").is_file() else 0
    print("\nPage weights (HTML with its inline drawings; JavaScript loaded by the page):")
    worst = 0
    for rel in config.pages:
        html = (site / output_href(rel)).read_bytes()
        charts = html.count(b'class="chart-frame"')
        js = book_js + (vega if charts else 0)
        worst = max(worst, _gz(html))
        print(f"  {output_href(rel):36} html {kb(len(html))} (gzipped {kb(_gz(html))})   "
              f"JavaScript {kb(js)}{' (book.js + vega.js)' if charts else ' (book.js only)'}")
    print(f"  heaviest page gzipped: {kb(worst).strip()}")
    for asset in sorted(assets.iterdir()):
        data = asset.read_bytes()
        print(f"  assets/{asset.name:29} raw {kb(len(data))}   gzipped {kb(_gz(data))}")


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def kb(n: int) -> str:
    return f"{n / 1024:7.1f} KB"
