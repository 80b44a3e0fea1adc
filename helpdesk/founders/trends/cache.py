"""The trends dashboard, computed once and reused.

A year of trends reads every ticket, message, rating and recovery of that year: seconds of
work at a million tickets, for figures that change slowly. Each process keeps the last few
results (per range, workspace zone and language) with the data version they were computed
from (`helpdesk.db.data_version`): a result whose version still matches is exact. One whose
version is older is still reused while it is younger than `max_age`
(`HELPDESK_STATS_CACHE_SECONDS`, default 300; 0 in tests), so a busy helpdesk does not
recompute the year on every page view; the page is then at most that old.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from flask import current_app

from helpdesk.db.data_version import app_cache
from helpdesk.extensions import db
from helpdesk.founders.trends import TrendRange

T = TypeVar("T")

MAX_ENTRIES = 16


def cached_trends(
    *,
    rng: TrendRange,
    language: str,
    max_age: timedelta,
    compute: Callable[[TrendRange], T],
    name: str = "trends",
) -> T:
    """`compute(rng)` (the tables, and what is drawn from them), or a result of it this
    process already has that is still good. `name` keeps another page's results (the team
    report) in a cache of their own."""
    cache = app_cache(current_app, name, MAX_ENTRIES)
    key = (rng.start, rng.end, rng.zone.key, language)
    value: T = cache.get(key, lambda: _uncompiled(compute, rng), max_age=max_age)
    return value


def _uncompiled(compute: Callable[[TrendRange], T], rng: TrendRange) -> T:
    """Run the trends' queries outside SQLAlchemy's compiled-statement cache: they are big
    (a bind parameter per bucket), run once per cache miss, and would otherwise hold about
    10 MB per process."""
    db.session.connection().execution_options(compiled_cache=None)
    return compute(rng)
