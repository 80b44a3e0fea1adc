"""WCAG contrast for the widget's launcher colour: luminance, ratios of known pairs, the
text colour the launcher gets and when the admin is warned."""

from __future__ import annotations

import pytest

from helpdesk.contrast import (
    AA_TEXT,
    contrast_ratio,
    launcher_contrast,
    launcher_contrast_too_low,
    launcher_ink,
    parse_hex,
    relative_luminance,
)


@pytest.mark.parametrize(
    ("colour", "luminance"),
    [
        ("#000000", 0.0),
        ("#ffffff", 1.0),
        ("#FF0000", 0.2126),
        ("#00ff00", 0.7152),
        ("#0000ff", 0.0722),
    ],
)
def test_relative_luminance_of_the_primaries(colour: str, luminance: float) -> None:
    assert relative_luminance(colour) == pytest.approx(luminance, abs=1e-4)


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#000000", 21.0),  # order does not matter
        ("#ffffff", "#ffffff", 1.0),
        ("#767676", "#ffffff", 4.54),  # the lightest grey that passes AA on white
        ("#777777", "#ffffff", 4.48),  # one step lighter fails
        ("#1f5fbf", "#ffffff", 6.09),  # the app's accent
        ("#ff0000", "#ffffff", 4.0),
    ],
)
def test_contrast_ratio_of_known_pairs(first: str, second: str, ratio: float) -> None:
    assert contrast_ratio(first, second) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize(
    ("background", "ink"),
    [
        ("#1f6feb", "#ffffff"),  # the default blue: white text
        ("#000000", "#ffffff"),
        ("#ffffff", "#111111"),
        ("#ffd400", "#111111"),  # yellow: dark text
        # Orange: a brightness rule of thumb picks white (2.7:1); WCAG picks dark (7:1).
        ("#f08000", "#111111"),
    ],
)
def test_launcher_ink_is_the_better_of_dark_and_white(background: str, ink: str) -> None:
    assert launcher_ink(background) == ink
    assert launcher_contrast(background) == pytest.approx(contrast_ratio(background, ink))


@pytest.mark.parametrize(
    ("background", "too_low"),
    [
        ("#1f6feb", False),
        ("#0a7d55", False),
        ("#f08000", False),
        ("#777777", True),  # mid grey: 4.48 with white, 4.2 with near-black
        ("#ff4f4f", False),  # white fails (3.2:1), near-black passes (5.8:1)
        ("#7a7a7a", True),
        ("#cc5500", True),  # burnt orange: 4.38 at best
    ],
)
def test_warned_only_when_neither_dark_nor_white_reaches_aa(background: str, too_low: bool) -> None:
    assert launcher_contrast_too_low(background) is too_low
    assert (launcher_contrast(background) < AA_TEXT) is too_low


@pytest.mark.parametrize("bad", ["", "red", "#fff", "#12345g", "1f6feb", "#1f6feb00", None])
def test_anything_but_a_six_digit_hex_colour_is_refused(bad: object) -> None:
    with pytest.raises((ValueError, AttributeError)):
        parse_hex(bad)  # type: ignore[arg-type]


def test_parse_hex_accepts_either_case_and_spaces_around() -> None:
    assert parse_hex(" #1F6FEB ") == (31, 111, 235)
