"""The weeks of trend figures kept in the shared store (`helpdesk.db.shared_results`), and
the rule that says which of them are still good.

One entry per metric and workspace zone (and, for repeat contacts, the founder settings
that define a run): the figures of every full calendar week (Monday to Sunday, over by
now) computed so far, each with the time it was computed, and the data version
(`helpdesk.db.data_version`) and time at which all of them were last known good. When
the data has moved on, `changes.changed_weeks` says which weeks of each metric the new
rows can have changed: those are dropped and computed again, the others are kept. A kept
week is also dropped once older than its lifetime (12 to 23 hours, `week_lifetime`),
whatever the data says, so a change no id shows (one not audited) is not wrong for longer
than a day (`WEEK_LIFETIME`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from helpdesk.founders.settings import founder_settings
from helpdesk.founders.trends import local_midnight
from helpdesk.founders.trends.changes import Reach, Version
from helpdesk.founders.trends.weekly import WeekFigures

# A kept week is computed again after 12 to 23 hours (by the week: weeks computed together,
# as a whole year at first, do not all fall due at once): never more than a day old.
WEEK_LIFETIME = timedelta(days=1)


def week_lifetime(monday: date) -> timedelta:
    return WEEK_LIFETIME / 2 + timedelta(hours=monday.toordinal() // 7 % 12)


@dataclass(frozen=True)
class KeptWeek:
    computed_at: datetime
    figures: WeekFigures


@dataclass(frozen=True)
class KeptWeeks:
    """Every week's figures (by its Monday), good as of `version`, taken at `checked_at`."""

    version: Version
    checked_at: datetime
    weeks: dict[date, KeptWeek]


def kept_weeks_key(metric: str, zone: ZoneInfo) -> str:
    """The shared store's key of a metric's weeks: what the figures depend on besides the
    data."""
    key = f"trends-weeks:{metric}:{zone.key}"
    if metric == "repeat_contact":
        settings = founder_settings()
        key += f":{settings.repeat_contact_count}-in-{settings.repeat_contact_days}"
    return key


def good_weeks(
    metric: str, kept: KeptWeeks, *, reach: Reach, zone: ZoneInfo, moment: datetime
) -> dict[date, KeptWeek]:
    """The kept weeks the changes (`reach`) cannot have touched, younger than their
    lifetime."""
    return {
        monday: week
        for monday, week in kept.weeks.items()
        if moment - week.computed_at < week_lifetime(monday)
        and not reach.touches(
            metric, local_midnight(monday, zone), local_midnight(monday + timedelta(days=7), zone)
        )
    }
