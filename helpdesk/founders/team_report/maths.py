"""The team report's arithmetic, free of the database: percentiles, shares, and business
time between two instants for many tickets at once (`BusinessClock`)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from helpdesk.settings.hours import BusinessHours, open_interval

# A rate or a duration over fewer items than this is flagged "few tickets — read with care".
FEW = 10


def percentile(values: Sequence[float], q: float) -> float | None:
    """The `q`-th percentile (0-100) by linear interpolation between the closest ranks (the
    median of an even count is the mean of the two middle values, as in the trends); None
    for no values."""
    if not values:
        return None
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    fraction = position - below
    return ordered[below] + (ordered[above] - ordered[below]) * fraction


def share(part: int, whole: int) -> float | None:
    """`part` of `whole` in percent; None when there is nothing to divide (shown as "—",
    never as 0 %)."""
    if whole <= 0:
        return None
    return 100.0 * part / whole


def attainment(attained: int, missed: int) -> float | None:
    """Service-level attainment: attained / (attained + missed), in percent. Targets still
    running (neither) and cancelled ones are left out by the caller."""
    return share(attained, attained + missed)


class BusinessClock:
    """Business time between instants inside [`start`, `end`), answered in O(log days):
    the open intervals of every local day in the span are laid out once with a running
    total, so a duration is the difference of two lookups. Gives the same result as
    `settings.hours.business_time_between` for instants inside the span (the report
    measures thousands of tickets per range; walking day by day for each would cost
    seconds)."""

    def __init__(self, hours: BusinessHours, start: datetime, end: datetime):
        zone = hours.zone
        first = start.astimezone(zone).date() - timedelta(days=1)
        last = end.astimezone(zone).date() + timedelta(days=1)
        self._opens: list[datetime] = []
        self._closes: list[datetime] = []
        day = first
        while day <= last:
            interval = open_interval(day, hours)
            if interval is not None:
                self._opens.append(interval[0])
                self._closes.append(interval[1])
            day += timedelta(days=1)
        lengths = (
            (closes - opens).total_seconds()
            for opens, closes in zip(self._opens, self._closes, strict=True)
        )
        # _before[i]: open seconds in the intervals before interval i.
        self._before = [0.0, *accumulate(lengths)]

    def _elapsed(self, moment: datetime) -> float:
        """Open seconds from the span's start to `moment`."""
        index = bisect_right(self._opens, moment) - 1
        if index < 0:
            return 0.0
        inside = (min(moment, self._closes[index]) - self._opens[index]).total_seconds()
        return self._before[index] + inside

    def seconds_between(self, start: datetime, end: datetime) -> float:
        """Open seconds between `start` and `end` (zero when `end` is not later)."""
        if end <= start:
            return 0.0
        return self._elapsed(end.astimezone(UTC)) - self._elapsed(start.astimezone(UTC))
