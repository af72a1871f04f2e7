"""Charts in the dark theme: each mark colour mapped to one that keeps its contrast against the dark
page, in the live chart's config and in the static SVG drawings, and the page's drawing that
shows the light or the dark one."""

from __future__ import annotations

import re
from typing import Any

#: The dark page's background and text colours (book.css's dark `--bg` and `--fg`).
DARK_BACKGROUND = "#15181c"

DARK_TEXT = "#e6e8eb"

#: The least contrast of a mark against the dark background (WCAG 2.1, 1.4.11 non-text).
GRAPHICS_CONTRAST = 3.0

#: The contrast the dark theme lifts a colour to: above the least, so that a mark drawn a little
#: translucent (opacity 0.85) still clears it.
DARK_TARGET_CONTRAST = 4.0

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")

_NAMED = {"black": "#000000", "white": "#ffffff", "gray": "#808080", "grey": "#808080"}

def parse_colour(text: str) -> tuple[int, int, int] | None:
    """(r, g, b) of a "#rgb", "#rrggbb" or basic named colour; None for anything else."""
    text = _NAMED.get(text.strip().lower(), text.strip())
    if not _HEX.match(text):
        return None
    digits = text[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def luminance(rgb: tuple[int, int, int]) -> float:
    """Relative luminance (WCAG 2.1) of an sRGB colour."""
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """The WCAG contrast ratio of two colours."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def dark_colour(text: str) -> str | None:
    """The colour a light-theme colour takes on the dark background; None if it is not one.

    White becomes the dark background. A grey is mirrored (black becomes the dark text colour,
    a light grid grey a dark one); a colour keeps its hue and is lightened, towards white, until
    it stands out from the dark background by :data:`DARK_TARGET_CONTRAST` (a margin over
    :data:`GRAPHICS_CONTRAST`, WCAG's 3:1).
    """
    rgb = parse_colour(text)
    if rgb is None:
        return None
    bg = parse_colour(DARK_BACKGROUND)
    assert bg is not None
    if min(rgb) >= 250:
        return DARK_BACKGROUND
    if max(rgb) - min(rgb) < 12:  # a grey
        fg = parse_colour(DARK_TEXT)
        assert fg is not None
        v = 255 - sum(rgb) / 3
        mirrored = tuple(bg[i] + (fg[i] - bg[i]) * v / 255 for i in range(3))
        return _hex(mirrored)
    if contrast(rgb, bg) >= DARK_TARGET_CONTRAST:
        return text
    for step in range(1, 21):
        t = step / 20
        lighter = tuple(c + (255 - c) * t for c in rgb)
        if contrast(tuple(round(c) for c in lighter), bg) >= DARK_TARGET_CONTRAST:  # type: ignore[arg-type]
            return _hex(lighter)
    return DARK_TEXT


def spec_colours(node: Any) -> set[str]:
    """Every colour literal in a spec (mark colours, scale ranges, conditions, config)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("datasets", "data", "usermeta"):
                continue
            found |= spec_colours(value)
    elif isinstance(node, list):
        for item in node:
            found |= spec_colours(item)
    elif isinstance(node, str) and parse_colour(node) is not None:
        found.add(node)
    return found


_SVG_COLOUR = re.compile(r'\b(fill|stroke)="([^"]+)"')

def dark_map(spec: dict[str, Any], *svgs: str) -> dict[str, str]:
    """Light colour → dark colour for every colour in the spec and in its drawings that changes."""
    colours = spec_colours(spec)
    for svg in svgs:
        colours |= {m.group(2) for m in _SVG_COLOUR.finditer(svg)}
    out = {}
    for c in sorted(colours):
        dark = dark_colour(c)
        if dark is not None and dark.lower() != c.lower():
            out[c] = dark
    return out


_SVG_ELEMENT = re.compile(
    r"<(path|rect|line|text|circle|g|polygon|polyline|ellipse)\b([^>]*?)(/?)>")

def themed_svg(svg: str, colours: dict[str, str]) -> str:
    """The drawing with each element's dark colours as custom properties (`--dark-fill`,
    `--dark-stroke`), which book.css applies under the dark theme: without JavaScript the static
    drawing follows the page's theme."""
    def element(m: re.Match) -> str:
        tag, attrs, close = m.group(1), m.group(2), m.group(3)
        props = []
        for kind, value in _SVG_COLOUR.findall(attrs):
            if value in colours:
                props.append(f"--dark-{kind}:{colours[value]}")
        if not props:
            return m.group(0)
        return f'<{tag}{attrs} style="{";".join(props)}"{close}>'
    return _SVG_ELEMENT.sub(element, svg)


def page_drawing(desktop: str, phone: str, colours: dict[str, str]) -> str:
    """The two static drawings a page inlines for one chart, themed: the desktop drawing first
    (its size sets the chart's box), then the phone drawing, shown under :data:`PHONE_MEDIA`
    instead, its ids prefixed so the two never share one."""
    phone = re.sub(r"^<\?xml[^>]*>\s*", "", phone.strip())
    for ident in set(re.findall(r'\bid="([^"]+)"', phone)):
        phone = (phone.replace(f'id="{ident}"', f'id="phone-{ident}"')
                 .replace(f"url(#{ident})", f"url(#phone-{ident})")
                 .replace(f'href="#{ident}"', f'href="#phone-{ident}"'))
    phone = re.sub(r"<svg\b([^>]*)>",
                   lambda m: "<svg" + re.sub(r'\s(class|aria-hidden|focusable)="[^"]*"', "",
                                             m.group(1))
                   + ' class="chart-static-phone" aria-hidden="true" focusable="false">',
                   phone, count=1)
    return themed_svg(desktop.strip(), colours) + themed_svg(phone, colours)


#: What the dark theme changes in every chart's config (book.css's dark colours).
DARK_CONFIG: dict[str, Any] = {
    "background": DARK_BACKGROUND,
    "title": {"color": DARK_TEXT}, "text": {"color": DARK_TEXT},
    "axis": {"labelColor": "#c9ced4", "titleColor": DARK_TEXT, "gridColor": "#353b42",
             "domainColor": "#8a939c", "tickColor": "#8a939c"},
    "legend": {"labelColor": "#c9ced4", "titleColor": DARK_TEXT},
    "view": {"stroke": None},
}
