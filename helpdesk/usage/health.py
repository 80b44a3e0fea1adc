"""A customer's usage health from their own history, as a pure function of their daily
counts: the baseline is the median of their weekly event counts over the (up to) eight
weeks before the last 7 days; "slipping" is the last 7 days below a share of it (or a key
event not seen for N days); "dormant" is events in their first week only, then none for N
days; "new" is too little history (under three full weeks) for a baseline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

from helpdesk.usage.settings import UsageSettings

BASELINE_WEEKS = 8
# Fewer full weeks of history than this: "new".
MIN_WEEKS = 3
WINDOW_DAYS = 7 * (BASELINE_WEEKS + 1)


@dataclass(frozen=True)
class Health:
    state: str
    reason: str | None
    last_7_days: int
    usual_week: int | None


def weekly_counts(daily: Mapping[date, int], today: date, weeks: int) -> list[int]:
    """Event counts of the 7-day weeks ending `today` (index 0: the last 7 days), `weeks`
    of them."""
    totals = [0] * weeks
    for day, count in daily.items():
        back = (today - day).days
        if 0 <= back < 7 * weeks:
            totals[back // 7] += count
    return totals


def usage_health(
    *,
    daily: Mapping[date, int],
    today: date,
    first_event_on: date | None,
    last_event_on: date | None,
    key_event_last_on: date | None,
    settings: UsageSettings,
) -> Health:
    """The state for a customer whose counts per day (within WINDOW_DAYS) are `daily`."""
    weeks = weekly_counts(daily, today, BASELINE_WEEKS + 1)
    last_7 = weeks[0]
    if first_event_on is None or last_event_on is None:
        return Health("new", "no_events", last_7, None)
    quiet_days = (today - last_event_on).days
    if (last_event_on - first_event_on).days < 7 and quiet_days >= settings.dormant_days:
        return Health("dormant", "no_return", last_7, None)
    # Full weeks of history before the last 7 days.
    history_weeks = min(BASELINE_WEEKS, max(0, ((today - first_event_on).days + 1 - 7) // 7))
    if history_weeks < MIN_WEEKS:
        return Health("new", "little_history", last_7, None)
    usual = median(weeks[1 : 1 + history_weeks])
    usual_week = round(usual)
    if usual > 0 and last_7 * 100 < usual * settings.slipping_ratio_percent:
        return Health("slipping", "below_usual", last_7, usual_week)
    if (
        settings.key_event
        and key_event_last_on is not None
        and (today - key_event_last_on).days >= settings.key_event_days
    ):
        return Health("slipping", "key_event", last_7, usual_week)
    return Health("active", None, last_7, usual_week)


def window_start(today: date) -> date:
    return today - timedelta(days=WINDOW_DAYS - 1)
