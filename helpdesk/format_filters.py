"""Jinja filters for dates, times, durations, numbers and money in the locale in use (the
viewer's, or the recipient's inside an email's `force_locale`) and the viewer's time zone,
with the workspace's digits and Buddhist-era choices (`helpdesk.settings.formats`).

They replace Flask-Babel's filters of the same names (`datetimeformat`, `dateformat`,
`timeformat`, `timedeltaformat`, `numberformat`, `decimalformat`, `percentformat`), so every
template formats the same way, and add `money` for integer cents in the workspace currency,
`language_name`, and `bdi` / `isolate` (text that is not ours, isolated in HTML / in plain
text: `helpdesk.bidi`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, dates
from flask import Flask

from helpdesk import locale_format
from helpdesk.bidi import bdi, isolate
from helpdesk.clock import now
from helpdesk.i18n import locale_in_use as get_locale
from helpdesk.i18n import timezone_in_use as get_timezone
from helpdesk.locale_format import NATIVE_DIGITS, FormatOptions, Width, language_of
from helpdesk.settings.formats import format_settings


def _locale() -> Locale:
    return get_locale() or Locale("en")


def options(locale: Locale | str | None = None) -> FormatOptions:
    """The workspace's choices for `locale` (default: the one in use); they only change
    Thai and Bengali, so other languages do not read the settings at all."""
    if language_of(locale or _locale()) not in NATIVE_DIGITS:
        return FormatOptions()
    return format_settings().options()


def localise(text: str) -> str:
    """Digits in `text` written as the locale in use and the workspace want them."""
    return locale_format.localise_digits(text, _locale(), options())


def writes_native_digits() -> bool:
    """Whether the locale in use writes digits other than ASCII (Bengali by default)."""
    language = language_of(_locale())
    return language in NATIVE_DIGITS and language in options().native_digits


def datetimeformat(
    value: datetime | None,
    format: str = "medium",
    time_format: Width | None = None,
    tz: tzinfo | None = None,
) -> str:
    """A date and time in the viewer's zone, or in `tz` (a customer's, for the widget);
    `time_format` gives the time its own width (see `locale_format.format_datetime`)."""
    if value is None:
        return ""
    locale = _locale()
    return locale_format.format_datetime(
        value,
        format,
        locale=locale,
        options=options(locale),
        tz=tz or get_timezone(),
        time_format=time_format,
    )


def dateformat(value: date | datetime | None, format: str = "medium") -> str:
    if value is None:
        return ""
    return locale_format.format_date(
        value, format, locale=_locale(), options=options(), tz=get_timezone()
    )


def timeformat(value: datetime | time | None, format: str = "medium") -> str:
    if value is None:
        return ""
    return locale_format.format_time(
        value, format, locale=_locale(), options=options(), tz=get_timezone()
    )


def timedeltaformat(
    value: timedelta,
    granularity: str = "second",
    threshold: float = 0.85,
    add_direction: bool = False,
) -> str:
    return locale_format.format_timedelta(
        value,
        locale=_locale(),
        options=options(),
        granularity=granularity,
        threshold=threshold,
        add_direction=add_direction,
    )


def decimalformat(value: int | float | Decimal) -> str:
    return locale_format.format_decimal(value, locale=_locale(), options=options())


def percentformat(value: float) -> str:
    return locale_format.format_percent(value, locale=_locale(), options=options())


def money(cents: int | None) -> str:
    """Integer cents in the workspace currency ("฿1,234.50", "১,২৩৪.৫০US$")."""
    settings = format_settings()
    return locale_format.format_money(
        cents or 0, settings.currency, locale=_locale(), options=settings.options()
    )


def language_name(code: str | None) -> str:
    """A language's name in the viewer's language, with its own name ("Thai (ไทย)")."""
    return locale_format.language_display_name(code, _locale()) if code else ""


def age(moment: datetime) -> str:
    """How long ago `moment` was, in words for the viewer's locale ("3 days")."""
    return timedeltaformat(now() - moment, threshold=1)


@dataclass(frozen=True, slots=True)
class Moment:
    """A moment as a list's row shows it: for the `<time>` element's `datetime`, as a
    short date and time (its title), and as an age ("3 days")."""

    iso: str
    title: str
    age: str


def moments(values: Iterable[datetime]) -> list[Moment]:
    """`values` as a list's rows show them, the locale, the workspace's choices and the
    zone read once for all of them (each filter reads them again: a list of 50 rows paid
    that 150 times)."""
    locale = _locale()
    choices = options(locale)
    zone = get_timezone()
    at = now()
    return [
        Moment(
            iso=value.isoformat(),
            title=locale_format.format_datetime(
                value, "short", locale=locale, options=choices, tz=zone
            ),
            age=locale_format.format_timedelta(
                at - value, locale=locale, options=choices, threshold=1
            ),
        )
        for value in values
    ]


def local_time(zone: str) -> str:
    """The time now in `zone` (a customer's), formatted for the viewer's locale."""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ""
    return localise(dates.format_time(now(), "short", tzinfo=tz, locale=get_locale()))


def due_in(moment: datetime) -> str:
    """How far away `moment` is, with its direction ("in 3 hours", "2 hours ago")."""
    return timedeltaformat(moment - now(), add_direction=True)


def register_format_filters(app: Flask) -> None:
    """Install the filters (after Flask-Babel, whose same-named ones they replace)."""
    app.jinja_env.filters.update(
        datetimeformat=datetimeformat,
        dateformat=dateformat,
        timeformat=timeformat,
        timedeltaformat=timedeltaformat,
        numberformat=decimalformat,
        decimalformat=decimalformat,
        percentformat=percentformat,
        money=money,
        language_name=language_name,
        bdi=bdi,
        isolate=isolate,
        age=age,
        due_in=due_in,
    )
    app.jinja_env.globals["customer_local_time"] = local_time
