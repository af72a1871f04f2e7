"""Static drawings of `{mermaid}` diagrams, made at publish by headless Chromium running the
vendored Mermaid, so a reader without JavaScript, and print, see the diagram; the browser
redraws it live in place.

A page's diagram is `<pre class="mermaid">source</pre>` until drawn. With a drawing it becomes

    <div class="mermaid-diagram"><pre class="mermaid" hidden>source</pre>
    <div class="mermaid-static">svg</div></div>

Drawings are cached under the state folder by Mermaid's checksum and the source, so Chromium
starts only when a diagram is new. Without Chromium the diagrams stay browser-drawn, with a note.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from bookengine.core import cacheentry, generations
from bookengine.core.chromium import ChromiumMissing, find_chromium
from bookengine.core.state import BookState
from bookengine.core.vendor import manifest, vendored
from bookengine.render.convert import ConvertedPage
from bookengine.source.config import BookConfig

PRE = re.compile(r'<pre class="mermaid">(.*?)</pre>', re.S)
DRAW_TIMEOUT_S = 120
# Each diagram's SVG, or its error, ends up as JSON in the body of the page Chromium dumps.
DRAW_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><script src="{script}"></script>
</head><body><script>
var sources = {sources};
mermaid.initialize({{ startOnLoad: false, securityLevel: "strict", theme: "default" }});
(async function () {{
  var out = [];
  for (var i = 0; i < sources.length; i++) {{
    try {{
      var drawn = await mermaid.render("mermaid-static-" + sources[i][0], sources[i][1]);
      out.push({{ svg: drawn.svg }});
    }}
    catch (e) {{ out.push({{ error: String(e && e.message || e) }}); }}
  }}
  document.body.textContent = "BEGIN" + JSON.stringify(out) + "END";
}})();
</script></body></html>
"""


def sources(body: str) -> list[str]:
    """The source of every browser-drawn Mermaid diagram in a page body, in order."""
    return [html.unescape(m.group(1)) for m in PRE.finditer(body)]


def _key(source: str) -> str:
    pinned = manifest()["mermaid.min.js"]["sha256"]
    return hashlib.sha256(f"{pinned}\n{source}".encode()).hexdigest()[:20]


class MermaidDrawer:
    """Static SVGs of Mermaid sources, cached in `cache_dir`; `used` names the files this build
    read, for pruning."""

    def __init__(self, cache_dir: Path):
        self.dir = cache_dir
        self.used: set[str] = set()

    def draw(self, wanted: list[str], notes: list[str]) -> dict[str, str]:
        """Source → SVG for every source that could be drawn; the others are left out with a
        note (they stay drawn in the browser only)."""
        keys = {s: _key(s) for s in dict.fromkeys(wanted)}
        self.used |= {f"{k}.svg" for k in keys.values()}
        drawn = {}
        for source, key in keys.items():  # cached drawings, each checked against its hash
            svg = cacheentry.read(self.dir / f"{key}.svg", notes.append)
            if svg is not None:
                drawn[source] = svg
        missing = [s for s in keys if s not in drawn]
        if missing:
            self._draw_with_chromium(missing, keys, notes)
            for source in missing:
                svg = cacheentry.read(self.dir / f"{keys[source]}.svg")
                if svg is not None:
                    drawn[source] = svg
        return drawn

    def _draw_with_chromium(self, missing: list[str], keys: dict[str, str],
                            notes: list[str]) -> None:
        try:
            chromium = find_chromium()
        except ChromiumMissing:
            notes.append("Chromium is not installed, so Mermaid diagrams are drawn in the browser "
                         "only, with no static drawing for print and readers without JavaScript "
                         "(Debian: apt-get install chromium)")
            return
        with tempfile.TemporaryDirectory(prefix="book-mermaid-") as tmp:
            page = Path(tmp) / "draw.html"
            shutil.copyfile(vendored("mermaid.min.js"), Path(tmp) / "mermaid.js")
            listed = json.dumps([[keys[s], s] for s in missing]).replace("</", "<\\/")
            page.write_text(DRAW_PAGE.format(script="mermaid.js", sources=listed),
                            encoding="utf-8")
            try:
                proc = subprocess.run(
                    [chromium, "--headless", "--no-sandbox", "--disable-gpu",
                     "--no-first-run", "--allow-file-access-from-files",
                     f"--user-data-dir={tmp}/profile", "--virtual-time-budget=30000",
                     "--dump-dom", page.as_uri()],
                    capture_output=True, timeout=DRAW_TIMEOUT_S, check=False)
            except subprocess.TimeoutExpired:
                notes.append(f"Chromium took over {DRAW_TIMEOUT_S} s to draw the Mermaid "
                             "diagrams; they are drawn in the browser only")
                return
        dumped = html.unescape(proc.stdout.decode("utf-8", "replace"))
        start, end = dumped.find("BEGIN"), dumped.rfind("END")
        if proc.returncode != 0 or start < 0 or end < start:
            notes.append("Chromium could not draw the Mermaid diagrams (exit "
                         f"{proc.returncode}); they are drawn in the browser only")
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        for source, result in zip(missing, json.loads(dumped[start + 5:end]), strict=True):
            if "svg" in result:
                cacheentry.write(self.dir / f"{keys[source]}.svg", result["svg"])
            else:
                first = source.strip().splitlines()[0] if source.strip() else ""
                notes.append(f"the Mermaid diagram starting `{first}` could not be drawn: "
                             f"{result.get('error', 'unknown error')}")


def with_drawings(body: str, drawn: dict[str, str]) -> str:
    """The body with each drawn diagram's static SVG in place, its source kept for the live
    redraw."""
    def replace(match: re.Match[str]) -> str:
        svg = drawn.get(html.unescape(match.group(1)))
        if svg is None:
            return match.group(0)
        return (f'<div class="mermaid-diagram"><pre class="mermaid" hidden>{match.group(1)}</pre>'
                f'<div class="mermaid-static">{svg}</div></div>')
    return PRE.sub(replace, body)


def draw_pages(config: BookConfig, pages: list[ConvertedPage],
               log: Callable[[str], None]) -> None:
    """Put a static drawing of each Mermaid diagram into its page, and keep only the drawings
    this build used."""
    wanted = [source for page in pages for source in sources(page.body)]
    drawer = MermaidDrawer(BookState(config.root).mermaid)
    if wanted:
        notes: list[str] = []
        drawn = drawer.draw(wanted, notes)
        for note in notes:
            log(f"note: {note}")
        for page in pages:
            page.body = with_drawings(page.body, drawn)
    generations.prune(drawer.dir, drawer.used, "*.svg")
