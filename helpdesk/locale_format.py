"""Dates, times, durations, numbers and money for a reader's locale, through Babel, plus the
two things Babel does not do for our languages (pure functions: the workspace's choices
come in as `FormatOptions`; `helpdesk.format_filters` wires them to templates).

- Native digits. CLDR knows Thai (๐-๙) and Bengali (০-৯) digits, but Babel 2.18 only
  switches the numbering system's *symbols* (`numbering_system=`); it always writes ASCII
  digits, for dates too. So the text Babel formats has its digits replaced afterwards.
- Buddhist era years for Thai. Babel formats the Gregorian calendar only. With the option
  on, the year fields (`y`) of a Thai date pattern become the Buddhist-era year (Gregorian
  + 543) and the era field (`G`, "ค.ศ.") becomes "พ.ศ.". Display only: nothing stored or
  parsed changes, and other languages are untouched.

A date and time in a standard width ("medium", ...) is what Babel's `format_datetime`
writes: the locale's date and time patterns joined by its datetime pattern ("{1}, {0}").
Lists of tickets format dozens of them per page, so the patterns are parsed once per
locale, width and (Thai, Buddhist era) year, and the texts of a calendar date and of a time
of day are kept (a page of 50 tickets shows a few dates, and Babel takes ~15 µs a field
set: issue 25).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from babel import Locale, UnknownLocaleError, dates, numbers

NATIVE_DIGITS = {"th": "๐๑๒๓๔๕๖๗๘๙", "bn": "০১২৩৪৫৬৭৮৯"}
# Babel's name for each language's own numbering system (for its separators and signs).
NATIVE_NUMBERING = {"th": "thai", "bn": "beng"}
BUDDHIST_ERA_OFFSET = 543
BUDDHIST_ERA_NAMES = {1: "พ.ศ.", 2: "พ.ศ.", 3: "พ.ศ.", 4: "พุทธศักราช", 5: "พ.ศ."}
STANDARD_FORMATS = ("full", "long", "medium", "short")

Width = Literal["full", "long", "medium", "short"]


@dataclass(frozen=True)
class FormatOptions:
    """What the workspace chose: native digits per language, Buddhist-era years for Thai."""

    native_digits: frozenset[str] = frozenset({"bn"})
    buddhist_era: bool = True


def language_of(locale: Locale | str) -> str:
    return (locale.language if isinstance(locale, Locale) else str(locale).split("_")[0]).lower()


_DIGIT_TABLES = {
    language: str.maketrans("0123456789", digits) for language, digits in NATIVE_DIGITS.items()
}


def localise_digits(text: str, locale: Locale | str, options: FormatOptions) -> str:
    """`text` with ASCII digits written in the locale's own digits, when the workspace asks
    for them and the language has them; otherwise unchanged."""
    language = language_of(locale)
    table = _DIGIT_TABLES.get(language)
    if table is None or language not in options.native_digits:
        return text
    return text.translate(table)


def _buddhist(locale: Locale, options: FormatOptions) -> bool:
    return options.buddhist_era and locale.language == "th"


Token = tuple[str, str | tuple[str, int]]


def _tokens_with_year(pattern: str, year: int) -> list[Token]:
    """A date pattern's tokens, with its year and era fields fixed to the Buddhist era of
    the Gregorian `year`."""
    be_year = year + BUDDHIST_ERA_OFFSET
    tokens: list[Token] = []
    for kind, value in dates.tokenize_pattern(pattern):
        if kind == "field" and isinstance(value, tuple) and value[0] == "y":
            width = value[1]
            text = f"{be_year % 100:02d}" if width == 2 else str(be_year).zfill(width)
            tokens.append(("chars", text))
        elif kind == "field" and isinstance(value, tuple) and value[0] == "G":
            tokens.append(("chars", BUDDHIST_ERA_NAMES.get(value[1], "พ.ศ.")))
        else:
            tokens.append((kind, value))
    return tokens


def _pattern_with_year(pattern: str, year: int) -> str:
    """A date pattern whose year and era fields are fixed to the Buddhist-era `year`."""
    return dates.untokenize_pattern(_tokens_with_year(pattern, year))


_JOIN_PLACEHOLDER = re.compile(r"(\{[01]\})")


def _pattern_text(tokens: list[Token]) -> str:
    """Tokens back into pattern text. Unlike Babel's `untokenize_pattern`, runs of literal
    text become one literal and an apostrophe is always quoted, so the text parses back to
    exactly these tokens (two quoted literals side by side, `'a''b'`, would read as one
    holding an apostrophe)."""
    merged: list[Token] = []
    for kind, value in tokens:
        if kind == "chars" and merged and merged[-1][0] == "chars":
            merged[-1] = ("chars", f"{merged[-1][1]}{value}")
        elif kind != "chars" or value:
            merged.append((kind, value))
    text: list[str] = []
    for _kind, value in merged:
        if isinstance(value, tuple):
            text.append(value[0] * value[1])
        elif any(char in dates.PATTERN_CHARS or char == "'" for char in value):
            text.append("'" + value.replace("'", "''") + "'")
        else:
            text.append(value)
    return "".join(text)


@dataclass(frozen=True)
class DateTimeParts:
    """A standard width's date pattern, time pattern and joining text, its pieces in order:
    literal text, "{1}" (the date) and "{0}" (the time)."""

    date: dates.DateTimePattern
    time: dates.DateTimePattern
    joining: tuple[str, ...]
    # The time pattern reads no time zone field: its text depends on the time of day only.
    time_of_day_only: bool
    # The largest part of a time of day its text does not show ("second" in a "short"
    # time, "microsecond" in a "medium" one, "" when it shows fractions), zeroed with
    # everything below it in the key `_applied` keeps the text under: one entry per minute
    # (or second), not per moment.
    unshown: str = ""


@lru_cache(maxsize=1024)
def standard_datetime_parts(
    locale: Locale, format: Width, time_format: Width, buddhist_year: int | None
) -> DateTimeParts:
    """The locale's `format` date pattern and `time_format` time pattern, parsed, and its
    `format` datetime pattern ("{1}, {0}"; its quotes dropped and the rest kept as literal
    text, as Babel's `format_datetime` does). With `buddhist_year` (a Gregorian year), the
    date's year and era fields are that year in the Buddhist era. Cached: a handful of
    combinations serve every page."""
    date_pattern = str(dates.get_date_format(format, locale=locale).pattern)
    if buddhist_year is not None:
        date_pattern = _pattern_text(_tokens_with_year(date_pattern, buddhist_year))
    time_pattern = str(dates.get_time_format(time_format, locale=locale).pattern)
    time_fields = {
        value[0]
        for kind, value in dates.tokenize_pattern(time_pattern)
        if kind == "field" and isinstance(value, tuple)
    }
    joining = str(dates.get_datetime_format(format, locale=locale)).replace("'", "")
    unshown = ""
    if not time_fields & set("SA"):  # no fraction of a second, no milliseconds in the day
        unshown = "microsecond" if "s" in time_fields else "second"
    return DateTimeParts(
        dates.parse_pattern(date_pattern),
        dates.parse_pattern(time_pattern),
        tuple(part for part in _JOIN_PLACEHOLDER.split(joining) if part),
        not time_fields & set(_ZONE_FIELDS),
        unshown,
    )


_ZONE_FIELDS = "zZvVOXx"


@lru_cache(maxsize=8192)
def _applied(pattern: dates.DateTimePattern, locale: Locale, value: date | time) -> str:
    """`pattern` applied to a calendar date or a time of day. Kept: a list of tickets
    shows a few dates and a few hundred times of day over and over."""
    return pattern.apply(value, locale)


def _shown_time(moment: datetime, unshown: str) -> time:
    if unshown == "second":
        return moment.time().replace(second=0, microsecond=0)
    if unshown == "microsecond":
        return moment.time().replace(microsecond=0)
    return moment.time()


def _standard_datetime(moment: datetime, parts: DateTimeParts, locale: Locale) -> str:
    day = _applied(parts.date, locale, moment.date())
    if parts.time_of_day_only:
        clock = _applied(parts.time, locale, _shown_time(moment, parts.unshown))
    else:
        clock = parts.time.apply(moment, locale)
    texts = {"{1}": day, "{0}": clock}
    return "".join(texts.get(part, part) for part in parts.joining)


def _date_pattern(format: str, locale: Locale) -> str:
    if format in STANDARD_FORMATS:
        return str(dates.get_date_format(format, locale=locale).pattern)  # type: ignore[arg-type]
    return format


def _local(value: datetime, tz: tzinfo | None) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dates.UTC)
    return value.astimezone(tz) if tz is not None else value


def format_date(
    value: date | datetime,
    format: str = "medium",
    *,
    locale: Locale | str,
    options: FormatOptions,
    tz: tzinfo | None = None,
) -> str:
    """A date ("5 มี.ค. 2567"); a datetime is first moved into `tz`."""
    parsed = Locale.parse(locale)
    day = _local(value, tz) if isinstance(value, datetime) else value
    pattern = _date_pattern(format, parsed)
    if _buddhist(parsed, options):
        pattern = _pattern_with_year(pattern, day.year)
    text = dates.parse_pattern(pattern).apply(day, parsed)
    return localise_digits(text, parsed, options)


def format_time(
    value: datetime | time,
    format: str = "medium",
    *,
    locale: Locale | str,
    options: FormatOptions,
    tz: tzinfo | None = None,
) -> str:
    parsed = Locale.parse(locale)
    moment = _local(value, tz) if isinstance(value, datetime) else value
    text = dates.format_time(moment, format, tzinfo=None, locale=parsed)
    return localise_digits(text, parsed, options)


def format_datetime(
    value: datetime,
    format: str = "medium",
    *,
    locale: Locale | str,
    options: FormatOptions,
    tz: tzinfo | None = None,
    time_format: Width | None = None,
) -> str:
    """A date and time in `tz`, joined the way the locale joins them (as Babel does). A
    standard `format` sets the date's width (and the joining pattern's); `time_format`,
    when given, the time's ("medium" date with a "short" time: no seconds)."""
    parsed = Locale.parse(locale)
    moment = _local(value, tz)
    if format in STANDARD_FORMATS:
        parts = standard_datetime_parts(
            parsed,
            format,
            time_format or format,
            moment.year if _buddhist(parsed, options) else None,
        )
        return localise_digits(_standard_datetime(moment, parts, parsed), parsed, options)
    pattern = _pattern_with_year(format, moment.year) if _buddhist(parsed, options) else format
    return localise_digits(dates.parse_pattern(pattern).apply(moment, parsed), parsed, options)


def format_timedelta(
    delta: timedelta,
    *,
    locale: Locale | str,
    options: FormatOptions,
    add_direction: bool = False,
    threshold: float = 0.85,
    granularity: str = "second",
    format: str = "long",
) -> str:
    """A duration in words ("3 ชั่วโมง"); with `add_direction`, relative ("in 2 hours").

    Babel writes one unit and a whole number of it, so its text is kept per unit and
    number ("3 days" for every age from 2.5 to 3.5 days): a list of tickets shows a few
    dozen distinct ones."""
    parsed = Locale.parse(locale)
    seconds = delta.days * 86400 + delta.seconds  # what Babel reads of a timedelta
    amount = _unit_amount(seconds, threshold, granularity)
    key = (parsed, format, add_direction, seconds >= 0, amount)
    text = _timedelta_texts.get(key) if amount is not None else None
    if text is None:
        text = dates.format_timedelta(
            delta,
            granularity=granularity,  # type: ignore[arg-type]
            threshold=threshold,
            add_direction=add_direction,
            format=format,  # type: ignore[arg-type]
            locale=parsed,
        )
        if amount is not None and len(_timedelta_texts) < _TIMEDELTA_TEXTS_KEPT:
            _timedelta_texts[key] = text
    return localise_digits(text, parsed, options)


_TIMEDELTA_TEXTS_KEPT = 10_000
_timedelta_texts: dict[tuple[object, ...], str] = {}


def _unit_amount(seconds: int, threshold: float, granularity: str) -> tuple[str, int] | None:
    """The unit and the whole number of it that Babel's `format_timedelta` writes for
    `seconds` (its own choice, step for step: the largest unit reaching `threshold`, or
    `granularity`); None where it writes nothing. `tests/unit/test_locale_format.py`
    compares the kept texts with Babel's over every unit's boundaries."""
    for unit, seconds_per_unit in dates.TIMEDELTA_UNITS:
        value = abs(seconds) / seconds_per_unit
        if value >= threshold or unit == granularity:
            if unit == granularity and value > 0:
                value = max(1, value)
            return unit, int(round(value))
    return None


def _numbering(parsed: Locale, options: FormatOptions) -> str:
    language = parsed.language
    if language in options.native_digits and language in NATIVE_NUMBERING:
        return NATIVE_NUMBERING[language]
    return "latn"


def format_decimal(
    value: int | float | Decimal, *, locale: Locale | str, options: FormatOptions
) -> str:
    """A number with the locale's separators and grouping (Bengali groups by lakh)."""
    parsed = Locale.parse(locale)
    text = numbers.format_decimal(
        value, locale=parsed, numbering_system=_numbering(parsed, options)
    )
    return localise_digits(text, parsed, options)


def format_percent(value: float, *, locale: Locale | str, options: FormatOptions) -> str:
    parsed = Locale.parse(locale)
    text = numbers.format_percent(
        value, locale=parsed, numbering_system=_numbering(parsed, options)
    )
    return localise_digits(text, parsed, options)


def format_money(cents: int, currency: str, *, locale: Locale | str, options: FormatOptions) -> str:
    """An amount held as integer minor units (cents) in `currency`, for the locale. The
    minor unit is taken as 1/100 (every currency the settings page offers uses it)."""
    parsed = Locale.parse(locale)
    amount = Decimal(cents) / 100
    text = numbers.format_currency(
        amount, currency, locale=parsed, numbering_system=_numbering(parsed, options)
    )
    return localise_digits(text, parsed, options)


def language_display_name(code: str, viewer: Locale | str) -> str:
    """A language's name in the viewer's language, with its own name beside it when that
    differs ("Thai (ไทย)"); the bare code for a tag Babel does not know."""
    try:
        language = Locale.parse(code)
    except (ValueError, TypeError, UnknownLocaleError):
        return code
    viewer_locale = Locale.parse(viewer)
    in_viewer = language.get_display_name(viewer_locale) or code
    own = language.get_display_name(language) or in_viewer
    if own.casefold() == in_viewer.casefold():
        return in_viewer
    return f"{in_viewer} ({own})"
