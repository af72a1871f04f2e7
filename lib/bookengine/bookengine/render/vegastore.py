"""The self-hosted Vega runtime a chart page loads, kept once per pinned version and checked before
a build takes a copy of it.

Pages load Vega alone: the engine compiles each chart's Vega-Lite to Vega at publish
(`figures.StaticRenderer.vega`), so neither Vega-Lite nor vega-embed is needed in the browser.
The bundle is Vega's own `vega.min.js` and Vega's expression interpreter (the page's
Content-Security-Policy forbids `eval`), both vendored from npm and checked against the sha256
that `vendor/manifest.yml` pins (`bookengine.core.vendor`).

The bundle is made once (in a render worker, while kernels run) and kept beside the Python
environment, in `<prefix>/share/bookengine/`, where `make clean` leaves it, or in the state
folder when the environment is not writable. The file is read-only, and its sha256 is recorded
beside it (`vega-bundle-<version>.js.sha256`). A build copies it into its own `assets/vega.js`
only after checking it against that hash, and makes it again (with a note) when it does not
match. No build shares the stored file, so damage to a build's copy reaches neither the store
nor any other build or book.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

SUFFIX = ".sha256"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_IMPORT = "import { ascending, isString, DisallowedObjectProperties } from 'vega-util';\n"
_EXPORT = "export { expression as expressionInterpreter };\n"


def bundle_text() -> str:
    """Vega, then its expression interpreter run as a classic script on `window.vega` (its one
    import is what Vega itself exports) and added to it as `vega.expressionInterpreter`."""
    from bookengine.core.vendor import VendorError, vendored

    vega = vendored("vega.min.js").read_text(encoding="utf-8")
    interpreter = vendored("vega-interpreter.js").read_text(encoding="utf-8")
    if _IMPORT not in interpreter or _EXPORT not in interpreter:
        raise VendorError("vega-interpreter.js no longer has the one import and export the "
                          "Vega bundle replaces")
    body = interpreter.replace(_IMPORT, "").replace(_EXPORT, "")
    return (f"{vega.rstrip()}\n;(function (vega) {{\n\"use strict\";\n"
            "var ascending = vega.ascending, isString = vega.isString,\n"
            "    DisallowedObjectProperties = vega.DisallowedObjectProperties;\n"
            f"{body}\nvega.expressionInterpreter = expression;\n}})(window.vega);\n")


def bundle_version() -> str:
    """The pinned versions the bundle is made of, as its kept file is named."""
    from bookengine.core.vendor import manifest

    entries = manifest()
    return f"{entries['vega.min.js']['version']}-{entries['vega-interpreter.js']['version']}"


def write_bundle(path: Path) -> None:
    """Write the bundle to `path`, read-only, then its hash beside it (each atomically)."""
    data = bundle_text().encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.chmod(tmp, 0o444)
    os.replace(tmp, path)
    record = path.with_name(path.name + SUFFIX)
    tmp = record.with_name(f"{record.name}.tmp{os.getpid()}")
    tmp.write_text(_digest(data) + "\n", encoding="ascii")
    os.replace(tmp, record)


class VegaStore:
    """The kept bundle of the pinned Vega, in one folder."""

    def __init__(self, directory: Path):
        self.dir = Path(directory)

    def path(self) -> Path:
        """Where the bundle of the pinned Vega is kept."""
        return self.dir / f"vega-bundle-{bundle_version()}.js"

    def record(self) -> Path:
        """The file holding the bundle's sha256."""
        path = self.path()
        return path.with_name(path.name + SUFFIX)

    def present(self) -> bool:
        """True when the bundle and its hash are there (not yet checked against each other)."""
        return self.path().is_file() and self.record().is_file()

    def is_whole(self) -> bool:
        """True when the bundle is there and matches its recorded hash."""
        try:
            recorded = self.record().read_text(encoding="ascii").strip()
            return _digest(self.path().read_bytes()) == recorded
        except OSError:
            return False

    def ensure(self, notes: list[str] | None = None) -> Path:
        """The bundle's path once it is whole: made now if missing, made again (with a note)
        if damaged."""
        path = self.path()
        if self.is_whole():
            return path
        if path.exists() and notes is not None:
            notes.append(f"the kept Vega bundle {path} was damaged (its content does not match "
                         "its recorded hash); made again")
        write_bundle(path)
        return path


def store_for(fallback: Path) -> VegaStore:
    """The store beside the Python environment, or in `fallback` (the state folder) when the
    environment is not writable."""
    shared = Path(sys.prefix) / "share" / "bookengine"
    return VegaStore(shared if os.access(sys.prefix, os.W_OK) else fallback)
