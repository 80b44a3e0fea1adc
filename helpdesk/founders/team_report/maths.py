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
    seconds). Instants can also be given as seconds after `start` (`offsets_between`), as
    the report reads them from the database, skipping datetime objects altogether."""

    def __init__(self, hours: BusinessHours, start: datetime, end: datetime):
        zone = hours.zone
        self.origin = start.astimezone(UTC)
        first = start.astimezone(zone).date() - timedelta(days=1)
        last = end.astimezone(zone).date() + timedelta(days=1)
        # Open intervals as seconds after the origin, in order.
        self._opens: list[float] = []
        self._closes: list[float] = []
        day = first
        while day <= last:
            interval = open_interval(day, hours)
            if interval is not None:
                self._opens.append((interval[0] - self.origin).total_seconds())
                self._closes.append((interval[1] - self.origin).total_seconds())
            day += timedelta(days=1)
        lengths = (closes - opens for opens, closes in zip(self._opens, self._closes, strict=True))
        # _before[i]: open seconds in the intervals before interval i.
        self._before = [0.0, *accumulate(lengths)]

    def _elapsed(self, offset: float) -> float:
        """Open seconds from the first interval to `offset` seconds after the origin."""
        index = bisect_right(self._opens, offset) - 1
        if index < 0:
            return 0.0
        return self._before[index] + min(offset, self._closes[index]) - self._opens[index]

    def offsets_between(self, start: float, end: float) -> float:
        """Open seconds between two instants given as seconds after the origin."""
        if end <= start:
            return 0.0
        return self._elapsed(end) - self._elapsed(start)

    def seconds_between(self, start: datetime, end: datetime) -> float:
        """Open seconds between `start` and `end` (zero when `end` is not later)."""
        return self.offsets_between(
            (start.astimezone(UTC) - self.origin).total_seconds(),
            (end.astimezone(UTC) - self.origin).total_seconds(),
        )
