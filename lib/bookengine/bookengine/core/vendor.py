"""Third-party browser files shipped with the engine (`vendor/`), each checked against the
version and sha256 pinned in `vendor/manifest.yml` before it is copied into a site."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import yaml

VENDOR = Path(__file__).parents[1] / "vendor"


class VendorError(Exception):
    """A vendored file is missing or does not match its pinned checksum."""


@cache
def manifest() -> dict[str, dict[str, str]]:
    """File name → {package, registry, version, sha256, licence}."""
    return yaml.safe_load((VENDOR / "manifest.yml").read_text(encoding="utf-8"))


def vendored(name: str) -> Path:
    """The path of a vendored file whose bytes match the manifest."""
    entry = manifest().get(name)
    path = VENDOR / name
    if entry is None or not path.is_file():
        raise VendorError(f"{name} is not in {VENDOR}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != entry["sha256"]:
        raise VendorError(f"{path} does not match the sha256 pinned in vendor/manifest.yml "
                          f"({entry['package']} {entry['version']})")
    return path
