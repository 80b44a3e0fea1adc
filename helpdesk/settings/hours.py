"""Business hours and holidays: the workspace's open times (a setting admins change) and
time arithmetic that counts only open time.

Everything takes and returns aware UTC datetimes but reasons in the business time zone on
wall-clock times, so a 09:00–17:00 day stays 09:00–17:00 local across a DST change (and
is then seven or nine hours long in UTC terms).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from flask import current_app
from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.db.transaction import use_case
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.models import User
from helpdesk.settings.service import setting_get, setting_put

SETTING_KEY = "business_hours"
MAX_HOLIDAYS = 366
# Arithmetic gives up after scanning this many calendar days without finding open time
# (validation keeps one open day, but a year of holidays could still close everything).
MAX_SCAN_DAYS = 400
WEEKDAYS = range(7)  # 0 = Monday, as date.weekday()

Span = tuple[time, time]


def _default_days() -> dict[int, Span | None]:
    return {day: (time(9), time(17)) if day < 5 else None for day in WEEKDAYS}


@dataclass(frozen=True)
class BusinessHours:
    timezone: str = "UTC"
    # Weekday (0 = Monday) -> opening and closing local time; None: closed all day.
    days: dict[int, Span | None] = field(default_factory=_default_days)
    holidays: frozenset[date] = frozenset()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    """Every IANA zone name zoneinfo knows (read from disk once)."""
    return frozenset(available_timezones())


def is_known_zone(name: object) -> bool:
    return isinstance(name, str) and name in known_zones()


# --- the setting -------------------------------------------------------------------------


def business_hours() -> BusinessHours:
    """The workspace's business hours; until an admin saves some, Monday to Friday 09:00–17:00
    in the configured default time zone."""
    fallback_zone = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC")
    if not is_known_zone(fallback_zone):
        fallback_zone = "UTC"
    stored = setting_get(SETTING_KEY, None)
    if not isinstance(stored, dict):
        return BusinessHours(timezone=fallback_zone)
    return _from_json(stored, fallback_zone)


@use_case
def business_hours_update(
    *,
    actor: User,
    timezone: str,
    days: Mapping[int, Span | None],
    holidays: list[date],
) -> BusinessHours:
    """Set the time zone, the opening hours per weekday and the holidays that promise
    times must respect."""
    if not actor.can("admin"):
        raise NotAllowed(_("Only an admin can change business hours."))
    if not is_known_zone(timezone):
        raise ValidationError("timezone", _("Choose a time zone from the list."))
    unknown = set(days) - set(WEEKDAYS)
    if unknown:
        raise ValidationError("days", _("Weekdays are numbered 0 (Monday) to 6 (Sunday)."))
    clean_days: dict[int, Span | None] = {}
    for day in WEEKDAYS:
        span = days.get(day)
        if span is not None:
            opens, closes = (_minute(value) for value in span)
            if closes <= opens:
                raise ValidationError(
                    f"day_{day}", _("The closing time must be after the opening time.")
                )
            span = (opens, closes)
        clean_days[day] = span
    if all(span is None for span in clean_days.values()):
        raise ValidationError("days", _("Open on at least one day of the week."))
    if len(holidays) > MAX_HOLIDAYS:
        raise ValidationError("holidays", _("List at most %(count)d holidays.", count=MAX_HOLIDAYS))
    seen: set[date] = set()
    for holiday in holidays:
        if holiday in seen:
            raise ValidationError(
                "holidays",
                _("%(date)s is listed twice.", date=holiday.isoformat()),
            )
        seen.add(holiday)

    before = business_hours()
    after = BusinessHours(timezone=timezone, days=clean_days, holidays=frozenset(seen))
    if after != before:
        old, new = _to_json(before), _to_json(after)
        setting_put(SETTING_KEY, new)
        audit(
            actor=actor,
            action="settings.business_hours",
            obj=actor,
            changes={key: [old[key], new[key]] for key in new if old[key] != new[key]},
        )
    return after


def _minute(value: time) -> time:
    """Opening times are kept to the minute, as the time inputs give them."""
    return value.replace(second=0, microsecond=0, tzinfo=None)


def _to_json(hours: BusinessHours) -> dict[str, Any]:
    """{"timezone": "Europe/Berlin", "days": [["09:00", "17:00"], ..., null] (seven entries,
    Monday first; null = closed), "holidays": ["2026-12-25", ...] (sorted)}."""
    days: list[list[str] | None] = []
    for day in WEEKDAYS:
        span = hours.days.get(day)
        days.append(None if span is None else [_hhmm(span[0]), _hhmm(span[1])])
    return {
        "timezone": hours.timezone,
        "days": days,
        "holidays": sorted(holiday.isoformat() for holiday in hours.holidays),
    }


def _hhmm(value: time) -> str:
    return value.isoformat(timespec="minutes")


def _time(value: Any) -> time:
    if not isinstance(value, str):
        raise TypeError(value)
    return time.fromisoformat(value)


def _from_json(stored: dict[str, Any], fallback_zone: str) -> BusinessHours:
    """Read the stored setting; a part that does not parse falls back to its default."""
    zone = stored.get("timezone")
    timezone = zone if isinstance(zone, str) and is_known_zone(zone) else fallback_zone
    days = _default_days()
    raw_days = stored.get("days")
    if isinstance(raw_days, list) and len(raw_days) == len(WEEKDAYS):
        try:
            parsed = {
                day: None
                if span is None
                else (time.fromisoformat(span[0]), time.fromisoformat(span[1]))
                for day, span in enumerate(raw_days)
            }
        except (TypeError, ValueError, IndexError):
            pass
        else:
            if any(span is not None and span[0] < span[1] for span in parsed.values()):
                days = parsed
    holidays: set[date] = set()
    raw_holidays = stored.get("holidays")
    for value in raw_holidays if isinstance(raw_holidays, list) else ():
        try:
            holidays.add(date.fromisoformat(value))
        except (TypeError, ValueError):
            continue
    return BusinessHours(timezone=timezone, days=days, holidays=frozenset(holidays))


# --- arithmetic --------------------------------------------------------------------------


def open_interval(day: date, hours: BusinessHours) -> tuple[datetime, datetime] | None:
    """When `day` (a local calendar date) opens and closes, in UTC; None when closed."""
    if day in hours.holidays:
        return None
    span = hours.days.get(day.weekday())
    if span is None:
        return None
    zone = hours.zone
    # Wall-clock times: combine() in the zone, then convert (a time in a DST gap or overlap
    # takes zoneinfo's fold=0 reading, the offset before the change).
    opens = datetime.combine(day, span[0], tzinfo=zone).astimezone(UTC)
    closes = datetime.combine(day, span[1], tzinfo=zone).astimezone(UTC)
    return (opens, closes) if closes > opens else None


def is_open(moment: datetime, hours: BusinessHours) -> bool:
    """Whether the business is open at `moment` (opening included, closing excluded)."""
    moment = _utc(moment)
    interval = open_interval(moment.astimezone(hours.zone).date(), hours)
    return interval is not None and interval[0] <= moment < interval[1]


def next_open(moment: datetime, hours: BusinessHours) -> datetime:
    """`moment` itself when open, else the next opening time (UTC)."""
    moment = _utc(moment)
    opens, _closes = next(_intervals(moment, hours))
    return max(opens, moment)


def add_business_time(start: datetime, duration: timedelta, hours: BusinessHours) -> datetime:
    """The moment `duration` of open time after `start` (closed time does not count); a
    duration that fills the day exactly ends at its closing time, not the next opening."""
    if duration < timedelta(0):
        raise ValueError("duration must not be negative")
    start = _utc(start)
    remaining = duration
    for opens, closes in _intervals(start, hours):
        begin = max(opens, start)
        if remaining <= closes - begin:
            return begin + remaining
        remaining -= closes - begin
    raise AssertionError("unreachable: _intervals raises when it runs out")  # pragma: no cover


def add_business_days(start: datetime, days: int, hours: BusinessHours) -> datetime:
    """Closing time of the `days`-th business day after the local date of `start` (1: the
    next business day, "tomorrow"); 0: closing time of the current or next open day."""
    if days < 0:
        raise ValueError("days must not be negative")
    start = _utc(start)
    zone = hours.zone
    start_day = start.astimezone(zone).date()
    left = days
    for opens, closes in _intervals(start, hours):
        if left == 0:
            return closes
        if opens.astimezone(zone).date() > start_day:
            left -= 1
            if left == 0:
                return closes
    raise AssertionError("unreachable: _intervals raises when it runs out")  # pragma: no cover


def business_time_between(start: datetime, end: datetime, hours: BusinessHours) -> timedelta:
    """How much open time lies between `start` and `end` (zero when `end` is not later): the
    inverse of `add_business_time`, for clocks paused part-way and for reports."""
    cursor, end = _utc(start), _utc(end)
    total = timedelta(0)
    while cursor < end:
        scanned = cursor
        try:
            for opens, closes in _intervals(cursor, hours):
                if opens >= end:
                    return total
                total += min(closes, end) - max(opens, cursor)
                scanned = closes
        except ValueError:
            if scanned == cursor:  # no open time at all in the scanned window
                return total
        cursor = scanned
    return total


def _intervals(moment: datetime, hours: BusinessHours) -> Iterator[tuple[datetime, datetime]]:
    """Open intervals that end after `moment`, in order, scanning a bounded number of days."""
    first_day = moment.astimezone(hours.zone).date()
    for offset in range(MAX_SCAN_DAYS):
        interval = open_interval(first_day + timedelta(days=offset), hours)
        if interval is not None and interval[1] > moment:
            yield interval
    raise ValueError(f"no business hours within {MAX_SCAN_DAYS} days")


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("business-hours arithmetic takes timezone-aware datetimes")
    return moment.astimezone(UTC)
