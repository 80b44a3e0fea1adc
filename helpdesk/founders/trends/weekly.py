"""Each week's figures of one metric, and the range's figures put together from them.

A week's figures are its distinct-item counts per key, and what the range needs of the
week beyond them: the median per key (first response, resolution), the sorted seconds per
key (recovery steps: their median over the whole range is taken from every week's values),
the distinct items per key (repeat contacts: customers counted once over the whole range).
Counts over the whole range are sums of the weeks' counts for the metrics whose items
each fall in one week (`ADDITIVE`); others take the size of the union of the weeks' items.
Every figure put together here equals the one `grouped_counts` and `grouped_medians` give
for the same buckets (the tests check it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from heapq import merge
from typing import Any

import sqlalchemy as sa

from helpdesk.db.rows import read_rows
from helpdesk.founders.trends import Bucket, Grouped, grouped_counts, grouped_medians
from helpdesk.founders.trends.metrics import METRICS
from helpdesk.founders.trends.sql import buckets_cte

Key = str | None

# What a week keeps beyond its counts, per metric.
MEDIANS = frozenset({"first_response", "resolution"})
VALUES = frozenset({"recovery_step"})
ITEMS = frozenset({"repeat_contact"})
# Metrics whose rows each name an item of their own in one bucket only (a label, a step, an
# NPS response): their whole-range count is the sum of the weeks' counts.
ADDITIVE = frozenset({"detector", "recovery_step", "nps"})


@dataclass(frozen=True)
class WeekFigures:
    counts: dict[Key, float] = field(default_factory=dict)
    medians: dict[Key, float] = field(default_factory=dict)
    values: dict[Key, tuple[float, ...]] = field(default_factory=dict)
    items: dict[Key, frozenset[Any]] = field(default_factory=dict)


def week_figures(metric: str, buckets: Sequence[Bucket]) -> list[WeekFigures]:
    """The figures of each bucket (consecutive weeks: the queries read the rows from the
    first bucket's start to the last one's end). Metrics whose weeks keep values or items
    read their member rows once and count the distinct items from them; the others count
    in SQL, and take medians there."""
    if not buckets:
        return []
    if metric in VALUES or metric in ITEMS:
        return _from_rows(metric, buckets)
    counts = _per_bucket(grouped_counts(metric, buckets), len(buckets))
    medians = (
        _per_bucket(grouped_medians(metric, buckets), len(buckets))
        if metric in MEDIANS
        else [{} for _bucket in buckets]
    )
    return [
        WeekFigures(counts=counts[index], medians=medians[index]) for index in range(len(buckets))
    ]


def _from_rows(metric: str, buckets: Sequence[Bucket]) -> list[WeekFigures]:
    cte = buckets_cte([(bucket.starts, bucket.ends) for bucket in buckets])
    span = (buckets[0].starts, buckets[-1].ends)
    members = METRICS[metric].members(cte, span).subquery("members")
    columns = [members.c.bucket, members.c.key, members.c.item_id]
    if metric in VALUES:
        columns.append(members.c.seconds)
    # Plain rows, one pass: a year of HEARD steps at a million tickets is 780,000 rows.
    items: dict[tuple[int, Key], set[Any]] = defaultdict(set)
    values: dict[tuple[int, Key], list[float]] = defaultdict(list)
    for row in read_rows(sa.select(*columns)).all():
        group = (row[0], row[1])
        found = items[group]  # a key of NULL items counts 0, as in SQL
        if row[2] is not None:
            found.add(row[2])
        if len(row) > 3:  # every row, as the SQL median takes them
            values[group].append(float(row[3]))
    weeks = [WeekFigures() for _bucket in buckets]
    for (bucket, key), found in items.items():
        week = weeks[int(bucket)]
        week.counts[key] = float(len(found))
        if metric in ITEMS:
            week.items[key] = frozenset(found)
    for (bucket, key), seconds in values.items():
        weeks[int(bucket)].values[key] = tuple(sorted(seconds))
    return weeks


def _per_bucket(grouped: Grouped, size: int) -> list[dict[Key, float]]:
    split: list[dict[Key, float]] = [{} for _index in range(size)]
    for (bucket, key), value in grouped.items():
        split[bucket][key] = value
    return split


# --- the range's figures from its weeks' -------------------------------------------------


def weekly_counts(weeks: Sequence[WeekFigures]) -> Grouped:
    return {
        (index, key): count
        for index, week in enumerate(weeks)
        for key, count in week.counts.items()
    }


def weekly_medians(weeks: Sequence[WeekFigures]) -> Grouped:
    return {
        (index, key): median
        for index, week in enumerate(weeks)
        for key, median in week.medians.items()
    }


def whole_counts(metric: str, weeks: Sequence[WeekFigures]) -> dict[Key, float]:
    """Each key's distinct items over all the weeks."""
    if metric in ITEMS:
        union: dict[Key, set[Any]] = defaultdict(set)
        for week in weeks:
            for key, found in week.items.items():
                union[key] |= found
        return {key: float(len(found)) for key, found in union.items()}
    if metric not in ADDITIVE:
        raise ValueError(f"{metric}: its whole-range count is not a sum of weeks")
    totals: dict[Key, float] = defaultdict(float)
    for week in weeks:
        for key, count in week.counts.items():
            totals[key] += count
    return dict(totals)


def whole_medians(metric: str, weeks: Sequence[WeekFigures]) -> dict[Key, float]:
    """Each key's median over all the weeks' values, picked as `sql.medians` picks it (the
    middle value, or the mean of the two middle ones)."""
    if metric not in VALUES:
        raise ValueError(f"{metric}: its weeks keep no values")
    keys = {key for week in weeks for key in week.values}
    found = {}
    for key in keys:
        ordered = list(merge(*(week.values.get(key, ()) for week in weeks)))
        total = len(ordered)
        low, high = ordered[(total + 1) // 2 - 1], ordered[(total + 2) // 2 - 1]
        found[key] = (low + high) / 2
    return found
