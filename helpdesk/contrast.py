"""Colour contrast as WCAG 2.2 defines it (relative luminance, contrast ratio), and the
text colour the widget's launcher puts on the admin's chosen colour.

The launcher and the panel's header take their text colour from `launcher_ink`: near-black
or white, whichever contrasts more with the background. When even the better one stays
under `AA_TEXT` (4.5:1, success criterion 1.4.3 for normal-size text), the admin is warned.
"""

from __future__ import annotations

import re

AA_TEXT = 4.5
DARK_INK = "#111111"
LIGHT_INK = "#ffffff"
_HEX = re.compile(r"#([0-9a-fA-F]{6})")


def parse_hex(colour: str) -> tuple[int, int, int]:
    """(r, g, b) from `#rrggbb`; ValueError for anything else."""
    match = _HEX.fullmatch(colour.strip())
    if match is None:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    value = match.group(1)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _channel(value: int) -> float:
    srgb = value / 255
    return srgb / 12.92 if srgb <= 0.04045 else ((srgb + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white)."""
    red, green, blue = (_channel(v) for v in parse_hex(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio between two colours, 1.0 to 21.0 (order does not matter)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def launcher_ink(background: str) -> str:
    """The launcher's text colour on `background`: whichever of near-black and white
    contrasts more (white on a tie)."""
    dark = contrast_ratio(background, DARK_INK)
    light = contrast_ratio(background, LIGHT_INK)
    return DARK_INK if dark > light else LIGHT_INK


def launcher_contrast(background: str) -> float:
    """The contrast the launcher's text gets on `background`."""
    return contrast_ratio(background, launcher_ink(background))


def launcher_contrast_too_low(background: str) -> bool:
    return launcher_contrast(background) < AA_TEXT
