"""`locale_format.format_datetime` in a standard width parses its patterns once per locale,
width and (Thai, Buddhist era) year and keeps the texts of dates and times of day: its
output must stay byte for byte what the three-call implementation wrote (kept below as the
reference), and a second value must not go back to Babel's pattern lookups."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from babel import Locale, dates

from helpdesk import locale_format
from helpdesk.locale_format import (
    STANDARD_FORMATS,
    FormatOptions,
    Width,
    format_datetime,
    standard_datetime_parts,
)

# --- the reference: format_datetime as it was before the joined pattern was cached ----------


def _ref_local(value: datetime, tz: tzinfo | None) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dates.UTC)
    return value.astimezone(tz) if tz is not None else value


def _ref_pattern_with_year(pattern: str, year: int) -> str:
    be_year = year + 543
    tokens: list[tuple[str, str | tuple[str, int]]] = []
    for kind, value in dates.tokenize_pattern(pattern):
        if kind == "field" and isinstance(value, tuple) and value[0] == "y":
            width = value[1]
            text = f"{be_year % 100:02d}" if width == 2 else str(be_year).zfill(width)
            tokens.append(("chars", text))
        elif kind == "field" and isinstance(value, tuple) and value[0] == "G":
            names = {1: "พ.ศ.", 2: "พ.ศ.", 3: "พ.ศ.", 4: "พุทธศักราช", 5: "พ.ศ."}
            tokens.append(("chars", names.get(value[1], "พ.ศ.")))
        else:
            tokens.append((kind, value))
    return dates.untokenize_pattern(tokens)


def _ref_digits(text: str, locale: Locale, options: FormatOptions) -> str:
    digits = {"th": "๐๑๒๓๔๕๖๗๘๙", "bn": "০১২৩৪৫৬৭৮৯"}.get(locale.language)
    if digits is None or locale.language not in options.native_digits:
        return text
    return text.translate(str.maketrans("0123456789", digits))


def _ref_format_date(moment: datetime, format: str, locale: Locale, options: FormatOptions) -> str:
    pattern = str(dates.get_date_format(format, locale=locale).pattern)  # type: ignore[arg-type]
    if options.buddhist_era and locale.language == "th":
        pattern = _ref_pattern_with_year(pattern, moment.year)
    return _ref_digits(dates.parse_pattern(pattern).apply(moment, locale), locale, options)


def _ref_format_time(moment: datetime, format: str, locale: Locale, options: FormatOptions) -> str:
    text = dates.format_time(moment, format, tzinfo=None, locale=locale)
    return _ref_digits(text, locale, options)


def reference_format_datetime(
    value: datetime,
    format: str,
    *,
    locale: str,
    options: FormatOptions,
    tz: tzinfo | None,
    time_format: Width | None,
) -> str:
    parsed = Locale.parse(locale)
    moment = _ref_local(value, tz)
    clock = time_format or format
    return (
        str(dates.get_datetime_format(format, locale=parsed))  # type: ignore[arg-type]
        .replace("'", "")
        .replace("{0}", _ref_format_time(moment, clock, parsed, options))
        .replace("{1}", _ref_format_date(moment, format, parsed, options))
    )


# --- the comparison --------------------------------------------------------------------------

LANGUAGES = ("en", "th", "id", "bn")
TIME_FORMATS: tuple[Width | None, ...] = (None, "short")
OPTIONS = [
    FormatOptions(native_digits=frozenset(digits), buddhist_era=era)
    for digits, era in itertools.product(((), ("th", "bn")), (True, False))
]
ZONES: tuple[tzinfo | None, ...] = (
    None,  # left in UTC, as stored
    UTC,
    ZoneInfo("Asia/Bangkok"),
    ZoneInfo("Asia/Dhaka"),
    ZoneInfo("Asia/Jakarta"),
    ZoneInfo("Asia/Kolkata"),  # +05:30
    ZoneInfo("America/New_York"),  # daylight saving time
    ZoneInfo("Pacific/Kiritimati"),  # +14: a day ahead of UTC
    ZoneInfo("Pacific/Pago_Pago"),  # -11
)
MOMENTS = (
    datetime(2023, 12, 31, 16, 59, 59, tzinfo=UTC),  # the last second of 2023 in Bangkok
    datetime(2023, 12, 31, 17, 0, tzinfo=UTC),  # New Year 2024 in Bangkok
    datetime(2024, 1, 1, 0, 0, tzinfo=UTC),  # midnight
    datetime(2024, 2, 29, 11, 59, 59, tzinfo=UTC),  # just before noon, a leap day
    datetime(2024, 2, 29, 12, 0, tzinfo=UTC),  # noon
    datetime(2024, 12, 31, 23, 59, 59, tzinfo=UTC),
    datetime(2025, 6, 15, 0, 0, 1, tzinfo=UTC),
    datetime(2026, 3, 8, 7, 30, tzinfo=UTC),  # New York springs forward
    datetime(2026, 11, 1, 5, 30, tzinfo=UTC),  # New York's repeated hour (fold=0)
    datetime(2026, 11, 1, 6, 30, tzinfo=UTC),  # ... and again (fold=1)
    datetime(1999, 12, 31, 23, 0, tzinfo=UTC),  # two-digit years across a century
    datetime(2026, 3, 5, 20, 7),  # naive: taken as UTC
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_joined_pattern_writes_exactly_what_the_three_calls_wrote(language: str) -> None:
    compared = 0
    for format, time_format, options, tz, moment in itertools.product(
        STANDARD_FORMATS, TIME_FORMATS, OPTIONS, ZONES, MOMENTS
    ):
        kwargs = {"locale": language, "options": options, "tz": tz, "time_format": time_format}
        expected = reference_format_datetime(moment, format, **kwargs)  # type: ignore[arg-type]
        assert format_datetime(moment, format, **kwargs) == expected, (  # type: ignore[arg-type]
            format,
            time_format,
            options,
            tz,
            moment,
        )
        compared += 1
    assert compared == 4 * 2 * 4 * len(ZONES) * len(MOMENTS)


def test_a_locale_object_and_a_region_tag_format_the_same() -> None:
    moment = datetime(2026, 3, 5, 20, 7, tzinfo=UTC)
    for tag in ("th_TH", "en_GB", "bn_BD", "id_ID"):
        options = FormatOptions(native_digits=frozenset({"th", "bn"}))
        for format in STANDARD_FORMATS:
            expected = reference_format_datetime(
                moment, format, locale=tag, options=options, tz=None, time_format="short"
            )
            assert (
                format_datetime(
                    moment, format, locale=Locale.parse(tag), options=options, time_format="short"
                )
                == expected
            )


def test_a_thai_pattern_carries_the_buddhist_year_as_literal_text() -> None:
    thai = Locale.parse("th")
    parts = standard_datetime_parts(thai, "medium", "short", 2026)
    assert (parts.date.pattern, parts.time.pattern, parts.joining) == (
        "d MMM 2569",
        "HH:mm",
        ("{1}", " ", "{0}"),
    )
    assert standard_datetime_parts(thai, "long", "short", 2026).date.pattern == "d MMMM พ.ศ. 2569"
    assert standard_datetime_parts(thai, "medium", "short", None).date.pattern == "d MMM y"
    english = standard_datetime_parts(Locale.parse("en"), "medium", "short", None)
    assert (english.date.pattern, english.time.pattern, english.joining) == (
        "MMM d, y",
        "h:mm\u202fa",
        ("{1}", ", ", "{0}"),
    )
    assert english.time_of_day_only
    assert not standard_datetime_parts(Locale.parse("en"), "full", "full", None).time_of_day_only


def test_literal_text_beside_quoted_literals_stays_literal() -> None:
    # Two quoted literals side by side ('a''b') would read as one holding an apostrophe:
    # runs of literal text are merged before quoting.
    tokens = [("field", ("d", 1)), ("chars", "o'"), ("chars", "clock at "), ("field", ("H", 2))]
    text = locale_format._pattern_text(tokens)  # type: ignore[arg-type]
    assert dates.tokenize_pattern(text) == [
        ("field", ("d", 1)),
        ("chars", "o'clock at "),
        ("field", ("H", 2)),
    ]


def test_after_the_first_value_no_pattern_is_looked_up_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    options = FormatOptions(native_digits=frozenset({"bn"}))
    start = datetime(2026, 3, 5, 20, 7, tzinfo=UTC)
    format_datetime(start, "medium", locale="bn", options=options, time_format="short")
    lookups: list[str] = []
    for name in ("get_date_format", "get_time_format", "get_datetime_format", "format_time"):
        original = getattr(dates, name)

        def counted(*args: object, _name: str = name, _original=original, **kw: object) -> object:  # type: ignore[no-untyped-def]
            lookups.append(_name)
            return _original(*args, **kw)

        monkeypatch.setattr(dates, name, counted)
    texts = [
        format_datetime(
            start + timedelta(minutes=7 * step),
            "medium",
            locale="bn",
            options=options,
            time_format="short",
        )
        for step in range(50)
    ]
    assert lookups == []
    assert texts[0] == "৫ মার্চ, ২০২৬ ৮:০৭ PM"
