"""Versioned deploys: every version kept at `v/<version>/`, the branch files, citations."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml
from bookengine.build import build
from bookengine.deploy import NOINDEX, deploy
from bookengine.versions.records import read_record

from tests.conftest import REPO
from tests.deployed import (
    STEPS,
    Deployed,
    branch_blobs,
    commits,
    deploy_three,
    git,
    versioned_book,
)

SITE_URL = "https://example.org/minibook"  # book.site-url of tests/fixtures/minibook
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Deployed:
    return deploy_three(tmp_path_factory.mktemp("versions"))


def blob_id(data: bytes) -> str:
    """The id git gives a file's bytes."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def show(remote: Path, path: str) -> str:
    return git("--git-dir", str(remote), "show", f"gh-pages:{path}")


def test_version_ids_name_the_date_and_six_hex_digits(deployed):
    assert [i[:10] for i in deployed.ids] == [date for date, _, _ in STEPS]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}-[0-9a-f]{6}", i) for i in deployed.ids)
    assert len(set(deployed.ids)) == 3


def test_the_branch_holds_the_latest_at_its_root_and_every_version(deployed):
    blobs = branch_blobs(deployed.remote)
    latest = deployed.sites[-1]
    for rel, data in latest.items():  # the root is the latest build, byte for byte
        assert blobs[rel] == blob_id(data), rel
    assert {p for p in blobs if not p.startswith(("v/", "versions/"))} == set(latest) | {
        ".nojekyll", "versions.json", "versions.html", "feed.xml", "sitemap.xml"}
    for version, site in zip(deployed.ids, deployed.sites, strict=True):
        kept = {p[len(f"v/{version}/"):] for p in blobs if p.startswith(f"v/{version}/")}
        assert kept == set(site)
        assert f"versions/{version}.json" in blobs
        # The copy differs from the build only by the noindex line on pages.
        page = show(deployed.remote, f"v/{version}/chapters/alpha.html")
        assert NOINDEX in page
        assert page.replace(f"\n{NOINDEX}", "", 1).encode() == site["chapters/alpha.html"]
        assert f'<link rel="canonical" href="{SITE_URL}/chapters/alpha.html">' in page
    assert NOINDEX not in show(deployed.remote, "chapters/alpha.html")


def test_earlier_versions_stay_byte_for_byte(deployed):
    first = deployed.ids[0]
    when_deployed = {p: b for p, b in deployed.blobs_after[0].items()
                     if p.startswith(f"v/{first}/")}
    assert when_deployed
    assert {p: b for p, b in deployed.blobs_after[-1].items()
            if p.startswith(f"v/{first}/")} == when_deployed
    second = deployed.ids[1]
    assert {p: b for p, b in deployed.blobs_after[-1].items() if p.startswith(f"v/{second}/")} \
        == {p: b for p, b in deployed.blobs_after[1].items() if p.startswith(f"v/{second}/")}


def test_versions_json_lists_every_version_with_what_changed(deployed):
    index = json.loads(show(deployed.remote, "versions.json"))
    listed = index["versions"]
    assert [v["id"] for v in listed] == deployed.ids[::-1]
    assert index["latest"] == deployed.ids[-1]
    assert [v["date"] for v in listed] == [d for d, _, _ in STEPS][::-1]
    assert all(re.fullmatch(r"[0-9a-f]{8}", v["data_version"]) for v in listed)
    assert len({v["data_version"] for v in listed}) == 3
    assert listed[0]["summary"].startswith(STEPS[-1][0]) and "data/growth.csv" in \
        listed[0]["summary"] and "1 added" in listed[0]["summary"]
    assert listed[0]["changes"] == {}
    oldest = listed[-1]["changes"]
    values = [c for c in oldest["chapters/alpha.html"] if c["kind"] == "value"]
    # The first version printed the last of 2020–2023 (1,000); the latest the 2025 row.
    assert [(c["old"], c["new"]) for c in values] == [("1,000", "100,000")]
    assert values[0]["where"].startswith("The last value is 100,000")
    middle = listed[1]["changes"]["chapters/alpha.html"]
    assert [(c["old"], c["new"]) for c in middle if c["kind"] == "value"] == [
        ("10,000", "100,000")]
    # Gamma's text was revised in the third version; Beta did not change at all.
    text = [{"kind": "text", "where": "", "old": None, "new": None}]
    assert oldest["chapters/gamma.html"] == listed[1]["changes"]["chapters/gamma.html"] == text
    assert "chapters/beta.html" not in oldest and "index.html" not in oldest


def test_deploying_the_same_version_again_makes_no_commit(deployed, capsys):
    before = commits(deployed.remote)
    assert len(before) == 3
    assert deploy(deployed.book, remote=str(deployed.remote)) == 0
    assert commits(deployed.remote) == before
    assert "already holds" in capsys.readouterr().out
    message = git("--git-dir", str(deployed.remote), "log", "-1", "--format=%B", "gh-pages")
    assert deployed.ids[-1] in message


def test_citations_name_the_versioned_address(deployed):
    latest = deployed.ids[-1]
    page = deployed.sites[-1]["chapters/alpha.html"].decode()
    address = f"{SITE_URL}/v/{latest}/chapters/alpha.html"
    assert f'<meta name="citation_public_url" content="{address}">' in page
    plain = re.search(r'<p class="cite-plain">(.*?)</p>', page).group(1)
    assert address in plain and f"(latest version: {SITE_URL}/chapters/alpha.html)" in plain
    assert f"url = {{{address}}}" in page
    assert f"url = {{{address}#fig-growth}}" in page  # the figure's citation, same version
    assert f"({latest})" in page
    assert f'<a href="{SITE_URL}/versions.html">all versions</a>' in page


def test_feed_and_sitemap_are_valid(deployed):
    feed = ET.fromstring(show(deployed.remote, "feed.xml"))
    assert feed.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{tag}") is not None, tag
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 3
    for entry, version in zip(entries, deployed.ids[::-1], strict=True):
        assert entry.find(f"{ATOM}id").text == f"{SITE_URL}/v/{version}/"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00:00Z", entry.find(f"{ATOM}updated").text)
        assert entry.find(f"{ATOM}title").text and entry.find(f"{ATOM}summary").text
    related = [link.get("href") for link in entries[0].findall(f"{ATOM}link")
               if link.get("rel") == "related"]
    assert f"{SITE_URL}/v/{deployed.ids[-1]}/chapters/alpha.html" in related
    sitemap = ET.fromstring(show(deployed.remote, "sitemap.xml"))
    assert sitemap.tag == f"{SITEMAP}urlset"
    locs = sorted(u.find(f"{SITEMAP}loc").text for u in sitemap.findall(f"{SITEMAP}url"))
    assert locs == sorted([f"{SITE_URL}/", *(f"{SITE_URL}/chapters/{n}.html"
                                             for n in ("alpha", "beta", "gamma"))])


def test_versions_page_and_404_page(deployed):
    page = show(deployed.remote, "versions.html")
    for version in deployed.ids:
        assert f'href="v/{version}/index.html"' in page
    # The site's own header (search, theme toggle) and layout, and each version with what it
    # changed from the one before: the versions differ, so their entries do.
    assert '<header class="topbar">' in page and 'class="theme-toggle"' in page
    assert 'data-pagefind="pagefind/pagefind.js"' in page
    assert '<div class="layout no-sidebar">' in page
    entries = re.findall(r'<section class="version" id="v-([^"]+)">(.*?)</section>', page, re.S)
    assert [v for v, _ in entries] == list(reversed(deployed.ids))
    befores = [re.search(r"the one before it:</p>(.*?)</ul>\s*(?:<p>|$)", body, re.S)
               for _, body in entries[:-1]]
    assert all(b is not None for b in befores)
    assert len({b.group(1) for b in befores}) == len(befores), "each version its own changes"
    assert "The first version kept." in entries[-1][1]
    missing = deployed.sites[-1]["404.html"].decode()
    assert 'data-pagefind="/minibook/pagefind/pagefind.js"' in missing
    assert 'href="/minibook/assets/book.css"' in missing
    assert f'href="{SITE_URL}/chapters/alpha.html"' in missing


def test_citation_cff_agrees_with_the_book():
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    book = yaml.safe_load((REPO / "_quarto.yml").read_text(encoding="utf-8"))["book"]
    authors = [a if isinstance(a, str) else a["name"]["literal"] if isinstance(a["name"], dict)
               else a["name"] for a in book["author"]]
    for where in (cff, cff["preferred-citation"]):
        assert where["title"] == book["title"]
        assert [a["name"] for a in where["authors"]] == authors
        assert where["url"] == book["site-url"]
    assert cff["cff-version"] == "1.2.0" and cff["message"]


def test_the_same_sources_give_the_same_version_anywhere(tmp_path):
    ids = []
    for where in ("one", "two/deeper"):
        book = versioned_book(tmp_path / where / "minibook")
        build(book, log=lambda line: None)
        record = read_record((book / "site").resolve())
        assert record is not None
        ids.append(record["id"])
    assert ids[0] == ids[1]
    growth = book / "data" / "growth.csv"
    growth.write_text(growth.read_text().replace("2023,1000", "2023,1001"))
    build(book, log=lambda line: None)
    changed = read_record((book / "site").resolve())["id"]
    assert changed != ids[0] and changed[:10] == ids[0][:10]
