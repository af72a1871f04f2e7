"""Citations keep working: every public address ever published still resolves in the new build."""

from __future__ import annotations

import re
from pathlib import Path

ADDRESSES = Path(__file__).with_name("public_addresses.txt")
REFRESH = re.compile(r'<meta http-equiv="refresh" content="\d+;\s*url=([^"]+)"', re.I)


def listed_addresses() -> list[str]:
    lines = ADDRESSES.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _resolve_page(site: Path, rel: str, hops: int = 3) -> Path | None:
    """The page an address lands on, following a redirect page left by an alias."""
    page = site / rel
    for _ in range(hops):
        if not page.is_file():
            return None
        m = REFRESH.search(page.read_text(encoding="utf-8"))
        if not m:
            return page
        page = (page.parent / m.group(1).split("#")[0]).resolve()
    return None


def missing_addresses(site: Path, addresses: list[str]) -> list[str]:
    """Addresses whose page is gone (with no redirect) or whose id is on no element there."""
    missing = []
    for address in addresses:
        rel, _, anchor = address.partition("#")
        page = _resolve_page(site, rel)
        if page is None:
            missing.append(address)
        elif anchor and f'id="{anchor}"' not in page.read_text(encoding="utf-8"):
            missing.append(address)
    return missing


def test_the_list_covers_pages_sections_and_figures() -> None:
    addresses = listed_addresses()
    assert "index.html" in addresses
    assert sum(a.count("#fig-") for a in addresses) >= 16
    assert sum(a.count("#sec-") for a in addresses) >= 40
    assert len(addresses) == len(set(addresses))


def test_every_listed_address_resolves(built_project: Path) -> None:
    assert missing_addresses(built_project / "site", listed_addresses()) == []


def test_a_removed_id_or_page_is_caught(built_project: Path, tmp_path: Path) -> None:
    """The check itself: an id taken off a page, or a page deleted, is reported; an alias is not."""
    import shutil

    site = tmp_path / "site"
    shutil.copytree(built_project / "site", site, symlinks=False)
    ord_page = site / "chapters" / "ord.html"
    text = ord_page.read_text(encoding="utf-8")
    ord_page.write_text(text.replace('id="sec-ord-log-x"', 'id="sec-ord-renamed"'),
                        encoding="utf-8")
    (site / "appendices" / "methods.html").unlink()
    wanted = ["chapters/ord.html#sec-ord-log-x", "appendices/methods.html",
              "chapters/ord.html#sec-ord-per-use-cost"]
    assert missing_addresses(site, wanted) == wanted[:2]
    # An anchor alias where the content now is, and a redirect page, both keep the address.
    ord_page.write_text(ord_page.read_text(encoding="utf-8").replace(
        "</main>", '<span id="sec-ord-log-x"></span></main>'), encoding="utf-8")
    (site / "appendices" / "methods.html").write_text(
        '<!DOCTYPE html><meta http-equiv="refresh" content="0; url=how-to-cite.html">',
        encoding="utf-8")
    assert missing_addresses(site, wanted) == []
