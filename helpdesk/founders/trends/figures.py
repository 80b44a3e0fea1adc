"""The figures a range's sections read, put together week by week: full calendar weeks
that are over come from the kept weeks (`kept_weeks`) when still good, the others (the
range's first and last weeks when cut, the current week, weeks whose kept figures the
data has changed since) are computed, in one set of queries per run of consecutive weeks,
and the full past ones among them are kept for next time.

`Figures(rng, keep=False)` computes every week and keeps nothing: the full computation the
kept one must always equal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta

from helpdesk.clock import now
from helpdesk.db.data_version import data_version
from helpdesk.db.shared_results import keep_value, kept_value
from helpdesk.founders.trends import TOTAL, Bucket, Grouped, TrendRange
from helpdesk.founders.trends.changes import Reach, Version, changed_weeks
from helpdesk.founders.trends.kept_weeks import (
    KeptWeek,
    KeptWeeks,
    good_weeks,
    kept_weeks_key,
)
from helpdesk.founders.trends.weekly import (
    WeekFigures,
    week_figures,
    weekly_counts,
    weekly_medians,
    whole_counts,
    whole_medians,
)


class Figures:
    """A range's grouped counts and medians, per week (bucket index as in `rng.weeks()`)
    or over the whole range (bucket 0), equal to `grouped_counts` and `grouped_medians`
    over the same buckets. `recomputed` counts, per metric, the full past weeks that were
    computed rather than taken from the kept ones."""

    def __init__(self, rng: TrendRange, *, keep: bool = True):
        self.rng = rng
        self.weeks = rng.weeks()
        self.keep = keep
        self.recomputed: Counter[str] = Counter()
        self._metrics: dict[str, list[WeekFigures]] = {}
        self._moment: datetime | None = None
        self._version: Version = ()
        self._changes: dict[tuple[Version, datetime], Reach] = {}

    # --- what the sections read ---------------------------------------------------------

    def counts(self, metric: str, *, total: bool = False) -> Grouped:
        """Distinct items per (week index, key); with `total`, also per (TOTAL, key) over
        the whole range."""
        weeks = self._figures(metric)
        found = weekly_counts(weeks)
        if total:
            found.update(
                {(TOTAL, key): count for key, count in whole_counts(metric, weeks).items()}
            )
        return found

    def medians(self, metric: str) -> Grouped:
        return weekly_medians(self._figures(metric))

    def whole_counts(self, metric: str) -> Grouped:
        return {
            (0, key): count for key, count in whole_counts(metric, self._figures(metric)).items()
        }

    def whole_medians(self, metric: str) -> Grouped:
        return {
            (0, key): value for key, value in whole_medians(metric, self._figures(metric)).items()
        }

    # --- weeks kept or computed ---------------------------------------------------------

    def _figures(self, metric: str) -> list[WeekFigures]:
        if metric not in self._metrics:
            self._metrics[metric] = self._compute(metric)
        return self._metrics[metric]

    def _compute(self, metric: str) -> list[WeekFigures]:
        if self._moment is None:
            # The version first: whatever changes while the weeks are computed is newer.
            self._version, self._moment = data_version(), now()
        moment = self._moment
        keepable = {
            index for index, week in enumerate(self.weeks) if _full(week) and week.ends <= moment
        }
        key = kept_weeks_key(metric, self.rng.zone) if self.keep and keepable else None
        stored = kept_value(key) if key is not None else None
        kept = stored if isinstance(stored, KeptWeeks) else None
        good: dict[date, KeptWeek] = {}
        if kept is not None:
            good = good_weeks(
                metric, kept, reach=self._reach(kept), zone=self.rng.zone, moment=moment
            )
        found: dict[int, WeekFigures] = {
            index: good[self.weeks[index].first].figures
            for index in keepable
            if self.weeks[index].first in good
        }
        needed = [index for index in range(len(self.weeks)) if index not in found]
        for run in _runs(needed):
            found.update(
                zip(run, week_figures(metric, [self.weeks[index] for index in run]), strict=True)
            )
        fresh = {index for index in needed if index in keepable}
        self.recomputed[metric] += len(fresh)
        if key is not None and (fresh or kept is None or kept.version != self._version):
            weeks = dict(good)
            weeks.update(
                {self.weeks[index].first: KeptWeek(moment, found[index]) for index in fresh}
            )
            keep_value(
                key,
                KeptWeeks(self._version, moment, weeks),
                version=self._version,
                moment=moment,
            )
        return [found[index] for index in range(len(self.weeks))]

    def _reach(self, kept: KeptWeeks) -> Reach:
        """`changes.changed_weeks` since `kept`, once per version and time for all the
        metrics (their entries are usually written together)."""
        memo = (kept.version, kept.checked_at)
        if memo not in self._changes:
            self._changes[memo] = changed_weeks(
                since=kept.version, checked_at=kept.checked_at, current=self._version
            )
        return self._changes[memo]


def _full(week: Bucket) -> bool:
    return week.first.weekday() == 0 and week.last - week.first == timedelta(days=6)


def _runs(indexes: Sequence[int]) -> Iterator[list[int]]:
    """Consecutive indexes together: one set of queries reads one span of rows."""
    run: list[int] = []
    for index in indexes:
        if run and index != run[-1] + 1:
            yield run
            run = []
        run.append(index)
    if run:
        yield run
