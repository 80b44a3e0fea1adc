"""The trends dashboard, computed once for every worker and host and reused.

A year of trends reads every ticket, message, rating and recovery of that year: seconds of
work at a million tickets, for figures that change slowly. Results (per range, workspace
zone and language) are kept in the shared store (`helpdesk.db.shared_results`: Redis or
the database) with the data version they were computed from: a result whose version still
matches is exact. One whose version is older is still reused while it is younger than
`max_age` (`HELPDESK_STATS_CACHE_SECONDS`, default 300; 0 in tests), so a busy helpdesk
does not recompute the year on every page view, and while another worker computes the
new one; the page is then at most that old. With nothing kept yet and another worker
computing, the answer is `PENDING`. A computation puts the figures together from the weeks
kept in the same store (`figures.py`): after a change, only the weeks it can have changed
are computed again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from flask import render_template

from helpdesk.db.shared_results import PENDING, shared_result
from helpdesk.extensions import db
from helpdesk.founders.trends import TrendRange

__all__ = ["PENDING", "cached_trends", "preparing_page", "trends_key"]

T = TypeVar("T")


def cached_trends(
    *,
    rng: TrendRange,
    language: str,
    max_age: timedelta,
    compute: Callable[[TrendRange], T],
    name: str = "trends",
) -> T:
    """`compute(rng)` (the tables, and what is drawn from them), or a result of it that is
    still good, or `PENDING`. `name` keeps another page's results (the team report) under
    keys of their own."""
    key = trends_key(name, rng, language)
    value: T = shared_result(key, lambda: _uncompiled(compute, rng), max_age=max_age)
    return value


def trends_key(name: str, rng: TrendRange, language: str) -> str:
    """The shared store's key of a page's (`name`) results for `rng` in `language`."""
    return f"{name}:{rng.start.isoformat()}:{rng.end.isoformat()}:{rng.zone.key}:{language}"


def _uncompiled(compute: Callable[[TrendRange], T], rng: TrendRange) -> T:
    """Run the trends' queries outside SQLAlchemy's compiled-statement cache: they are big
    (a bind parameter per bucket), run once per cache miss, and would otherwise hold about
    10 MB per process."""
    db.session.connection().execution_options(compiled_cache=None)
    return compute(rng)


def preparing_page(template: str, **context: object) -> tuple[str, int, dict[str, str]]:
    """`template` saying the figures are being prepared (`PENDING`), reloading itself in a
    few seconds: the request answers at once instead of computing them a second time."""
    html = render_template(template, preparing=True, **context)
    return html, 200, {"Refresh": "3", "Cache-Control": "no-store"}
