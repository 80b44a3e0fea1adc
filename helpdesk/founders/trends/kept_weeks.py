"""The weeks of trend figures kept in the shared store (`helpdesk.db.shared_results`), and
the rule that says which of them are still good.

One entry per metric and workspace zone (and, for repeat contacts, the founder settings
that define a run): the figures of every full calendar week (Monday to Sunday, over by
now) computed so far, each with the time it was computed, and the data version
(`helpdesk.db.data_version`) and time at which all of them were last known good. When
the data has moved on, `changes.earliest_change` says from which instant the new rows can
have changed anything; the weeks that end after it (for repeat contacts: after it minus
the run's window) are dropped and computed again, the others are kept. A kept week is
also dropped once it is older than `WEEK_LIFETIME`, whatever the data says, so a change
no id shows (one not audited) is not wrong for longer than that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from helpdesk.founders.settings import founder_settings
from helpdesk.founders.trends import local_midnight
from helpdesk.founders.trends.changes import EVERYTHING, Version
from helpdesk.founders.trends.weekly import WeekFigures

WEEK_LIFETIME = timedelta(days=1)


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
    metric: str,
    kept: KeptWeeks,
    *,
    changed: datetime | None,
    zone: ZoneInfo,
    moment: datetime,
) -> dict[date, KeptWeek]:
    """The kept weeks that the changes from `changed` on cannot have touched, and that are
    younger than `WEEK_LIFETIME`."""
    cutoff = changed
    if changed is not None and changed != EVERYTHING and metric == "repeat_contact":
        # A new ticket can pull the customer's tickets of the window before into a run.
        cutoff = changed - timedelta(days=founder_settings().repeat_contact_days)
    return {
        monday: week
        for monday, week in kept.weeks.items()
        if moment - week.computed_at < WEEK_LIFETIME
        and (cutoff is None or local_midnight(monday + timedelta(days=7), zone) <= cutoff)
    }
