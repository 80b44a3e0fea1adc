"""The founders' trends are reused while the data is unchanged (exact), or while younger
than the configured age (bounded staleness), per range, zone and language."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from helpdesk.dev.generate import generate
from helpdesk.founders.trends import trend_range
from helpdesk.founders.trends.cache import MAX_ENTRIES, cached_trends
from helpdesk.founders.trends.sections import trend_sections

NOON = datetime(2026, 11, 20, 12, tzinfo=UTC)


@pytest.fixture
def counted(database):
    calls = []

    def compute(rng):
        calls.append(rng)
        return trend_sections(rng=rng)

    return calls, compute


def year(end=date(2026, 11, 20)):
    return trend_range(start=end - timedelta(days=364), end=end)


def figures(tables):
    return [[cell.value for row in table.rows for cell in row.cells] for table in tables]


def test_unchanged_data_is_computed_once(counted, set_now):
    set_now(NOON)
    calls, compute = counted
    generate(tickets=30, seed=4)
    first = cached_trends(rng=year(), language="en", max_age=timedelta(0), compute=compute)
    again = cached_trends(rng=year(), language="en", max_age=timedelta(0), compute=compute)
    assert again is first
    assert len(calls) == 1
    assert figures(first) == figures(trend_sections(rng=year()))


def test_changed_data_is_recomputed_when_no_staleness_is_allowed(counted, set_now):
    set_now(NOON)
    calls, compute = counted
    generate(tickets=30, seed=4)
    before = cached_trends(rng=year(), language="en", max_age=timedelta(0), compute=compute)
    generate(tickets=30, seed=5)
    after = cached_trends(rng=year(), language="en", max_age=timedelta(0), compute=compute)
    assert len(calls) == 2
    assert figures(after) == figures(trend_sections(rng=year()))
    assert figures(after) != figures(before)


def test_changed_data_may_be_served_until_max_age(counted, set_now):
    set_now(NOON)
    calls, compute = counted
    generate(tickets=30, seed=4)
    age = timedelta(minutes=5)
    first = cached_trends(rng=year(), language="en", max_age=age, compute=compute)
    generate(tickets=30, seed=5)
    set_now(NOON + age - timedelta(seconds=1))
    assert cached_trends(rng=year(), language="en", max_age=age, compute=compute) is first
    set_now(NOON + age)
    fresh = cached_trends(rng=year(), language="en", max_age=age, compute=compute)
    assert fresh is not first and len(calls) == 2
    assert figures(fresh) == figures(trend_sections(rng=year()))


def test_range_and_language_are_kept_apart_and_the_store_is_bounded(counted, set_now):
    set_now(NOON)
    calls, compute = counted
    cached_trends(rng=year(), language="en", max_age=timedelta(0), compute=compute)
    cached_trends(rng=year(), language="th", max_age=timedelta(0), compute=compute)
    other = year(date(2026, 10, 1))
    cached_trends(rng=other, language="en", max_age=timedelta(0), compute=compute)
    assert len(calls) == 3
    for days in range(MAX_ENTRIES):
        cached_trends(
            rng=year(date(2025, 1, 1) + timedelta(days=days)),
            language="en",
            max_age=timedelta(0),
            compute=compute,
        )
    cached_trends(rng=year(), language="en", max_age=timedelta(0), compute=compute)
    assert len(calls) == 3 + MAX_ENTRIES + 1  # the oldest entry was dropped


def test_the_page_uses_it(app, login_as, set_now, monkeypatch):
    from helpdesk.founders.trends import views as trends_views

    set_now(NOON)
    founder = login_as("founder")
    with app.app_context():
        generate(tickets=20, seed=4)
    calls = []

    def counting(*, rng):
        calls.append(rng)
        return trend_sections(rng=rng)

    monkeypatch.setattr(trends_views, "trend_sections", counting)
    url = "/founders/trends?start=2025-11-21&end=2026-11-20"
    first = founder.get(url)
    second = founder.get(url)
    assert first.status_code == second.status_code == 200
    assert len(calls) == 1
