"""Finding the headless Chromium that prints the book, draws Mermaid diagrams and runs the
browser figures of `make bench`."""

from __future__ import annotations

import shutil


class ChromiumMissing(Exception):
    """Neither `chromium` nor `chromium-browser` is on PATH."""


def find_chromium(purpose: str = "print the book") -> str:
    """The path of Debian's `chromium` (or `chromium-browser`); ChromiumMissing, saying what
    to install for `purpose`, if neither is installed."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise ChromiumMissing("Chromium is not installed (no `chromium` or `chromium-browser` on "
                              f"PATH); install it (Debian: apt-get install chromium) to {purpose}.")
    return path
