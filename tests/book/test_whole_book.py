"""The whole book: every listed page published, every link and anchor resolves, nothing external."""

from __future__ import annotations

import re
from pathlib import Path

from bookengine.render.numbering import output_href
from bookengine.site.notfound import site_path
from bookengine.site.publish import check_site
from bookengine.source.config_load import load_config


def test_every_listed_page_is_published(built_project: Path) -> None:
    config = load_config(built_project)
    for rel in config.pages:
        page = built_project / "site" / output_href(rel)
        assert page.is_file(), rel
        assert "<h1" in page.read_text(encoding="utf-8")


def test_links_anchors_and_hosts(built_project: Path) -> None:
    # The 404 page loads its assets from the site's path (`/book/…`), which the check resolves.
    assert check_site(built_project / "site", site_path(load_config(built_project))) == []


def test_every_figure_has_caption_alt_source_and_files(built_project: Path) -> None:
    site = built_project / "site"
    count = 0
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for m in re.finditer(r'<figure id="(fig-[\w-]+)".*?</figure>', text, re.S):
            count += 1
            block = m.group(0)
            assert re.search(r'<div class="chart" role="figure" aria-label="[^"]{10,}"',
                             block), m[1]
            assert re.search(r'<svg[^>]* class="chart-static"', block), m[1]
            assert re.search(r'<a href="[^"]+\.svg" download>SVG</a>', block), m[1]
            assert re.search(r'<p class="chart-source">.*Source: [^<]{5,}', block), m[1]
            assert re.search(r"<figcaption>\s*<p><span class=\"figure-number\">Figure", block)
    # Ord 4, Greenblatt 3, Kokotajlo 3, Epoch 4, synthesis 1 and the introduction 1 at least.
    assert count >= 16


def test_no_bare_literal_inline_values() -> None:
    """An inline value that is only a number literal is a number typed into prose."""
    repo = Path(__file__).resolve().parents[2]
    bare = re.compile(r"`\{python\}\s+[-+]?[\d_.,]+(e[-+]?\d+)?\s*`")
    offenders = []
    for qmd in [repo / "index.qmd", *repo.glob("chapters/*.qmd"), *repo.glob("appendices/*.qmd")]:
        for i, line in enumerate(qmd.read_text(encoding="utf-8").split("\n"), 1):
            if bare.search(line):
                offenders.append(f"{qmd.name}:{i}")
    assert offenders == []


def _unit_specs(node):
    if isinstance(node, dict):
        if isinstance(node.get("encoding"), dict):
            yield node
        for key in ("layer", "hconcat", "vconcat", "concat"):
            for child in node.get(key) or []:
                yield from _unit_specs(child)


def test_wide_log_axes_can_switch_to_linear(built_project: Path) -> None:
    """A log axis over more than two orders of magnitude of data offers the log/linear switch."""
    import json

    missing = []
    for page in (built_project / "site").rglob("*.html"):
        for m in re.finditer(r'<script type="application/json" class="chart-spec">(.*?)</script>',
                             page.read_text(encoding="utf-8"), re.S):
            payload = json.loads(m.group(1).replace("<\\/", "</"))
            spec = payload["specs"].get("log") or payload["specs"]["default"]
            datasets = spec.get("datasets") or {}
            for unit in _unit_specs(spec):
                data = unit.get("data") or spec.get("data") or {}
                rows = datasets.get(data.get("name"), data.get("values") or [])
                for channel in ("x", "y"):
                    enc = unit["encoding"].get(channel)
                    if not isinstance(enc, dict) or (enc.get("scale") or {}).get("type") != "log":
                        continue
                    values = [r[enc["field"]] for r in rows if isinstance(r.get(enc["field"]),
                              int | float) and not isinstance(r.get(enc["field"]), bool)
                              and r[enc["field"]] > 0]
                    if values and max(values) / min(values) > 100 and \
                            channel not in payload["switch"]:
                        missing.append(f"{payload['label']} {channel}")
    assert sorted(set(missing)) == []


def test_how_to_cite_examples_are_the_home_pages_citation(built_project: Path) -> None:
    """The appendix builds its example citations itself; they must be what the home page's
    "Cite this book" block gives, versioned address and version id included."""
    import html

    site = built_project / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    appendix = (site / "appendices" / "how-to-cite.html").read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", "", appendix))
    plain = html.unescape(re.search(r'<p class="cite-plain">(.*?)</p>', home).group(1))
    bib = html.unescape(re.search(r'<details class="cite-bibtex">.*?<code class="bibtex">(.*?)'
                                  r"</code>", home, re.S).group(1))
    version = re.search(r"/v/(\d{4}-\d{2}-\d{2}-[0-9a-f]{6})/", plain).group(1)
    assert plain in text and bib in text
    assert "{book-version}" not in appendix and f"This version is {version}" in text
