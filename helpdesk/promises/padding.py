"""Padded promise times: under-promise, over-deliver.

The agent gives a rough estimate of the work; the suggestion leaves generous room for
everything else in the day, lands inside business hours on a clean quarter hour, and is
described to the customer in their own time zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from babel import dates
from flask_babel import gettext as _

from helpdesk.errors import ValidationError
from helpdesk.locale_format import FormatOptions, format_datetime
from helpdesk.settings.hours import (
    BusinessHours,
    add_business_days,
    add_business_time,
    is_known_zone,
    next_open,
    open_interval,
)

ESTIMATES = ("minutes", "hour", "day", "days")
# Estimate -> padding: open time to add, or a number of business days whose last one's
# closing time is the promise.
PADDING: dict[str, timedelta | int] = {
    "minutes": timedelta(hours=1),  # ten minutes of work: promise an hour
    "hour": 1,  # an hour of work: by the end of the next business day
    "day": 2,  # a day of work: by the end of the second business day
    "days": 5,  # a few days of work: by the end of the fifth business day
}
ROUNDING = timedelta(minutes=15)
MAX_AHEAD = timedelta(days=60)


def suggest_due(*, estimate: str, start: datetime, hours: BusinessHours) -> datetime:
    """The padded due time (UTC) for work of size `estimate` started at `start`."""
    padding = PADDING.get(estimate) if isinstance(estimate, str) else None
    if padding is None:
        raise ValidationError("estimate", _("Choose one of the estimates."))
    if isinstance(padding, timedelta):
        due = add_business_time(start, padding, hours)
    else:
        due = add_business_days(start, padding, hours)
    return _round_up_inside(due, hours)


def _round_up_inside(moment: datetime, hours: BusinessHours) -> datetime:
    """Round up to the next quarter hour of local time, but never past that day's closing
    time (a day that closes at 17:10 gives 17:10, not 17:15 after hours)."""
    local = moment.astimezone(hours.zone)
    into = timedelta(
        minutes=local.minute % 15, seconds=local.second, microseconds=local.microsecond
    )
    rounded = moment + (ROUNDING - into) % ROUNDING
    interval = open_interval(local.date(), hours)
    if interval is not None and interval[0] <= moment <= interval[1]:
        return min(rounded, interval[1])
    return next_open(rounded, hours)  # not reached from suggest_due; kept safe for callers


def check_custom_due(due: datetime, *, now: datetime) -> datetime:
    """A due time the agent typed: aware, in the future and at most 60 days ahead (UTC)."""
    if due.tzinfo is None or due.utcoffset() is None:
        raise ValidationError("due_at", _("Give the time with its time zone."))
    if due <= now:
        raise ValidationError("due_at", _("That time has passed. Choose a time in the future."))
    if due > now + MAX_AHEAD:
        raise ValidationError(
            "due_at", _("Promise at most %(days)d days ahead.", days=MAX_AHEAD.days)
        )
    return due.astimezone(UTC)


def describe_due(
    due: datetime,
    *,
    zone: str | None,
    fallback_zone: str,
    locale: str,
    options: FormatOptions | None = None,
) -> str:
    """The due time in words for the customer ("Thursday, March 26, 2026, 3:00 PM") in their
    zone; without a known zone, in `fallback_zone` (the workspace's), naming it. `options`
    are the workspace's formats (native digits, Buddhist-era years; by default, a new
    workspace's)."""
    if due.tzinfo is None or due.utcoffset() is None:
        raise ValueError("describe_due takes a timezone-aware datetime")
    named = is_known_zone(zone)
    local = due.astimezone(ZoneInfo(zone if named and zone else fallback_zone))
    text = format_datetime(
        local,
        "full",
        time_format="short",
        locale=locale,
        options=options or FormatOptions(),
        tz=local.tzinfo,
    )
    if named:
        return text
    return f"{text} ({_zone_label(local, locale)})"


def _zone_label(local: datetime, locale: str) -> str:
    """ "Thailand Time, GMT+07:00" in the reader's language; "UTC" or only the offset for
    zones tied to no place (UTC, Etc/GMT+5), whose CLDR name would be "Unknown Region"."""
    offset = dates.get_timezone_gmt(local, "long", locale=locale)
    key = getattr(local.tzinfo, "key", "")
    if "/" not in key or key.startswith("Etc/"):
        return "UTC" if local.utcoffset() == timedelta(0) else offset
    return f"{dates.get_timezone_location(local.tzinfo, locale=locale)}, {offset}"
