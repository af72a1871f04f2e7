"""The incremental link check finds what the full check finds, parsing only pages that changed."""

from __future__ import annotations

import json
from pathlib import Path

from bookengine.site import sitecheck
from bookengine.site.publish import check_site

PAGE = """<!DOCTYPE html><html><head><link rel="stylesheet" href="{root}assets/book.css"></head>
<body><h1 id="top">{title}</h1>
{links}
</body></html>
"""


def write(build: Path, rel: str, title: str, links: str) -> None:
    path = build / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    root = "../" * rel.count("/")
    path.write_text(PAGE.format(root=root, title=title, links=links), encoding="utf-8")


def make_build(base: Path) -> Path:
    build = base / "build"
    (build / "assets").mkdir(parents=True)
    (build / "assets" / "book.css").write_text("body { color: #000; }\n")
    (build / "figures" / "chapters").mkdir(parents=True)
    (build / "figures" / "chapters" / "a.svg").write_text("<svg/>")
    write(build, "index.html", "Home", '<a href="chapters/a.html#sec-a">A</a>'
          '<a href="chapters/">folder</a><a href="#top">top</a>')
    write(build, "chapters/a.html", "A", '<h2 id="sec-a">A</h2><a href="../index.html">home</a>'
          '<img src="../figures/chapters/a.svg" alt=""><a href="b.html#sec-b">B</a>')
    write(build, "chapters/b.html", "B", '<h2 id="sec-b">B</h2><a href="a.html#sec-a">A</a>')
    write(build, "chapters/index.html", "Chapters", '<a href="a.html">A</a>')
    return build


def test_same_verdict_as_the_full_check(tmp_path: Path) -> None:
    build = make_build(tmp_path)
    index = tmp_path / "state" / "check-index.json"
    index.parent.mkdir()
    assert sitecheck.check_build(build, index) == check_site(build) == []

    # An unchanged page (index, b) now links to an anchor that the changed page dropped.
    write(build, "chapters/a.html", "A", '<h2 id="sec-renamed">A</h2>'
          '<a href="../../outside.html">out</a><script src="https://cdn.example/x.js"></script>'
          '<img src="../figures/chapters/gone.svg" alt="">')
    full = check_site(build)
    incremental = sitecheck.check_build(build, index)
    assert sorted(incremental) == sorted(full)
    assert any(p.startswith("index.html:") and "no #sec-a there" in p for p in incremental)
    assert any(p.startswith("chapters/b.html:") and "no #sec-a there" in p for p in incremental)
    assert any("leaves the site" in p for p in incremental)
    assert any("from another host" in p for p in incremental)
    assert any("gone.svg: no such file" in p for p in incremental)

    # A removed page breaks the links into it, though the pages that link are unchanged.
    write(build, "chapters/a.html", "A", '<h2 id="sec-a">A</h2>')
    (build / "chapters" / "b.html").unlink()
    incremental = sitecheck.check_build(build, index)
    assert sorted(incremental) == sorted(check_site(build))
    assert incremental == [] or all("b.html" in p for p in incremental)
    write(build, "chapters/a.html", "A", '<h2 id="sec-a">A</h2><a href="b.html">B</a>')
    assert any("b.html: no such file" in p for p in sitecheck.check_build(build, index))


def test_unchanged_pages_are_not_parsed_again(tmp_path: Path) -> None:
    """A page whose bytes are unchanged is judged from its stored record: a link planted in the
    record shows up, and disappears once the page itself changes and is parsed afresh."""
    build = make_build(tmp_path)
    index = tmp_path / "state" / "check-index.json"
    index.parent.mkdir()
    assert sitecheck.check_build(build, index) == []
    stored = json.loads(index.read_text())
    stored["pages"]["index.html"]["links"].append(["planted.html", 7, "planted.html", ""])
    stored["sha256"] = sitecheck.index_digest(stored["pages"])  # a record, not damage
    index.write_text(json.dumps(stored))
    assert sitecheck.check_build(build, index) == ["index.html:7: link planted.html: no such file"]
    write(build, "index.html", "Home again", '<a href="chapters/a.html#sec-a">A</a>')
    assert sitecheck.check_build(build, index) == []


def test_a_page_that_differs_only_in_the_version_id_keeps_its_record(tmp_path: Path) -> None:
    """Every page names the build's version id; a new id alone does not make a page be parsed
    again, while any other change does."""
    build = make_build(tmp_path)
    index = tmp_path / "state" / "check-index.json"
    index.parent.mkdir()

    def cite(version: str, extra: str = "") -> None:
        write(build, "index.html", "Home", '<a href="chapters/a.html#sec-a">A</a>'
              f'<p>Version {version}: https://example.org/v/{version}/index.html</p>{extra}')

    cite("2026-11-01-aaaaaa")
    assert sitecheck.check_build(build, index, volatile="2026-11-01-aaaaaa") == []
    stored = json.loads(index.read_text())
    stored["pages"]["index.html"]["links"].append(["planted.html", 7, "planted.html", ""])
    stored["sha256"] = sitecheck.index_digest(stored["pages"])  # a record, not damage
    index.write_text(json.dumps(stored))
    cite("2026-11-23-bbbbbb")
    assert sitecheck.check_build(build, index, volatile="2026-11-23-bbbbbb") == [
        "index.html:7: link planted.html: no such file"], "the record was kept"
    cite("2026-11-23-cccccc", extra="<p>and a new sentence</p>")
    assert sitecheck.check_build(build, index, volatile="2026-11-23-cccccc") == [], (
        "a page changed elsewhere is parsed afresh")
