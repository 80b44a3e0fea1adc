"""The founders' trends are computed once for every worker and host (the shared store:
the database, or Redis when configured) and reused while the data is unchanged (exact),
or while younger than the configured age (bounded staleness), per range, zone and
language; a request never waits for a computation another worker already started."""

from __future__ import annotations

import os
import threading
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask, current_app

from helpdesk import create_app
from helpdesk.db import shared_results
from helpdesk.db.shared_results import CLAIM_SECONDS, KEEP, PENDING, computations
from helpdesk.dev.generate import generate
from helpdesk.extensions import db
from helpdesk.founders.trends import trend_range
from helpdesk.founders.trends.cache import cached_trends, trends_key
from helpdesk.founders.trends.sections import trend_sections
from helpdesk.models import SharedResult
from tests.conftest import app_config, login

NOON = datetime(2026, 11, 20, 12, tzinfo=UTC)
REDIS_URL = os.environ.get("HELPDESK_TEST_REDIS_URL")


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


def page_keys():
    """The pages' results kept (not the weeks they were put together from)."""
    return [row.key for row in db.session.query(SharedResult) if row.key.startswith("trends:")]


def trends(compute, *, rng=None, language="en", max_age=timedelta(0)):
    return cached_trends(rng=rng or year(), language=language, max_age=max_age, compute=compute)


def test_unchanged_data_is_computed_once(counted, set_now):
    set_now(NOON)
    calls, compute = counted
    generate(tickets=30, seed=4)
    first = trends(compute)
    again = trends(compute)
    assert len(calls) == 1
    assert figures(again) == figures(first) == figures(trend_sections(rng=year()))


def test_changed_data_is_recomputed_when_no_staleness_is_allowed(counted, set_now):
    set_now(NOON)
    calls, compute = counted
    generate(tickets=30, seed=4)
    before = trends(compute)
    generate(tickets=30, seed=5)
    after = trends(compute)
    assert len(calls) == 2
    assert figures(after) == figures(trend_sections(rng=year()))
    assert figures(after) != figures(before)


def test_changed_data_may_be_served_until_max_age(counted, set_now):
    set_now(NOON)
    calls, compute = counted
    generate(tickets=30, seed=4)
    age = timedelta(minutes=5)
    first = trends(compute, max_age=age)
    generate(tickets=30, seed=5)
    set_now(NOON + age - timedelta(seconds=1))
    assert figures(trends(compute, max_age=age)) == figures(first)
    assert len(calls) == 1
    set_now(NOON + age)
    fresh = trends(compute, max_age=age)
    assert len(calls) == 2
    assert figures(fresh) == figures(trend_sections(rng=year())) != figures(first)


def test_range_and_language_are_kept_apart_and_old_results_are_dropped(counted, set_now):
    set_now(NOON)
    calls, compute = counted
    trends(compute)
    trends(compute, language="th")
    trends(compute, rng=year(date(2026, 10, 1)))
    assert len(calls) == 3
    assert len(page_keys()) == 3
    set_now(NOON + KEEP + timedelta(minutes=1))
    trends(compute, rng=year(date(2025, 1, 1)))  # writing drops what nobody renewed
    assert [key.split(":")[1] for key in page_keys()] == ["2024-01-03"]


def test_a_failed_computation_leaves_no_claim_behind(counted, set_now):
    set_now(NOON)
    calls, compute = counted

    def broken(rng):
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        trends(broken)
    trends(compute)  # not PENDING: the failed claim was released
    assert len(calls) == 1


def test_a_dead_workers_claim_lapses(database, set_now):
    set_now(NOON)
    store = shared_results.store_for(current_app)
    assert store.claim("trends:x", "dead-worker", NOON + timedelta(seconds=CLAIM_SECONDS))
    assert shared_results.shared_result("trends:x", lambda: 1, max_age=timedelta(0)) is PENDING
    set_now(NOON + timedelta(seconds=CLAIM_SECONDS + 1))
    assert shared_results.shared_result("trends:x", lambda: 2, max_age=timedelta(0)) == 2
    store.write("trends:x", "dead-worker", shared_results.Kept("0", NOON, b"stale"))
    assert shared_results.shared_result("trends:x", lambda: 3, max_age=timedelta(0)) == 2


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


def two_workers_compute_a_year_once(app, second_app, make_user, set_now, monkeypatch):
    """Two app instances (as two worker processes or hosts: nothing in memory shared) ask
    for the same year of trends while the first is computing it: the second answers at
    once that it is being prepared, and the year is computed once between them."""
    from helpdesk.founders.trends import views as trends_views

    set_now(NOON)
    with app.app_context():
        generate(tickets=20, seed=4)
    user = make_user("founder")
    first, second = app.test_client(), second_app.test_client()
    for client in (first, second):
        assert login(client, user.email, user.password).status_code == 302
    started, release = threading.Event(), threading.Event()
    calls = []

    def slow(*, rng):
        calls.append(rng)
        started.set()
        assert release.wait(30)
        return trend_sections(rng=rng)

    monkeypatch.setattr(trends_views, "trend_sections", slow)
    url = "/founders/trends?start=2025-11-21&end=2026-11-20"
    answers = {}
    worker = threading.Thread(target=lambda: answers.setdefault("first", first.get(url)))
    worker.start()
    assert started.wait(30)
    waiting = second.get(url)  # while the first computes
    release.set()
    worker.join(30)
    assert waiting.status_code == 200
    assert waiting.headers["Refresh"] == "3"
    assert "These figures are being prepared" in waiting.get_data(as_text=True)
    assert answers["first"].status_code == 200
    later = second.get(url)
    assert "Complaints" in later.get_data(as_text=True)
    assert "being prepared" not in later.get_data(as_text=True)
    assert len(calls) == 1
    with second_app.app_context():
        rng = trend_range(start=date(2025, 11, 21), end=date(2026, 11, 20))
        assert computations(trends_key("trends", rng, "en")) == 1


def test_two_workers_compute_a_year_once_in_the_database(
    app, database_url, make_user, set_now, monkeypatch
):
    second_app = create_app(app_config(database_url))
    try:
        two_workers_compute_a_year_once(app, second_app, make_user, set_now, monkeypatch)
    finally:
        with second_app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.skipif(not REDIS_URL, reason="HELPDESK_TEST_REDIS_URL is not set (CI sets it)")
def test_two_workers_compute_a_year_once_in_redis(database_url, make_user, set_now, monkeypatch):
    monkeypatch.setattr(shared_results, "REDIS_PREFIX", f"helpdesk-test:{uuid.uuid4().hex}:")
    config = {**app_config(database_url), "REDIS_URL": REDIS_URL}
    apps: list[Flask] = [create_app(config), create_app(config)]
    try:
        two_workers_compute_a_year_once(apps[0], apps[1], make_user, set_now, monkeypatch)
        with apps[0].app_context():
            assert db.session.query(SharedResult).count() == 0  # all of it in Redis
    finally:
        store = shared_results.store_for(apps[0])
        for key in store.client.scan_iter(shared_results.REDIS_PREFIX + "*"):
            store.client.delete(key)
        for each in apps:
            shared_results.store_for(each).client.close()
            with each.app_context():
                db.session.remove()
                db.engine.dispose()


def _slow(value, release, started=None):
    """A computation that returns `value` once `release` is set."""

    def compute():
        if started is not None:
            started.set()
        assert release.wait(30)
        return value

    return compute


def _eventually(condition, deadline=30.0):
    """Whether `condition()` comes true within `deadline` seconds (a background thread's
    work)."""
    import time

    until = time.monotonic() + deadline
    while time.monotonic() < until:
        if condition():
            return True
        time.sleep(0.02)
    return False


def _finished(key, expected):
    """The background computation stored `expected` under `key`."""
    store = shared_results.store_for(current_app)

    def stored():
        kept = store.read(key)
        return kept is not None and shared_results._loads(kept.payload) == expected

    return _eventually(stored)


def _stored(key):
    return _eventually(lambda: shared_results.store_for(current_app).read(key) is not None)


def test_a_long_computation_goes_on_after_its_request_has_answered(database, set_now, monkeypatch):
    """Past `WAIT_SECONDS` the request that computes answers as the others do (nothing
    kept: PENDING) and the computation finishes in the background, once."""
    monkeypatch.setattr(shared_results, "WAIT_SECONDS", 0.05)
    set_now(NOON)
    release = threading.Event()
    key = "trends:long"
    assert shared_results.shared_result(key, _slow(1, release), max_age=timedelta(0)) is PENDING
    # Another request meanwhile: the claim is taken, nothing is computed a second time.
    assert shared_results.shared_result(key, lambda: 99, max_age=timedelta(0)) is PENDING
    release.set()
    assert _finished(key, 1)
    assert shared_results.shared_result(key, lambda: 99, max_age=timedelta(0)) == 1
    assert computations(key) == 1


def test_while_a_long_recomputation_runs_the_request_gets_the_previous_result(
    database, set_now, monkeypatch
):
    set_now(NOON)
    key = "trends:stale"
    assert shared_results.shared_result(key, lambda: "old", max_age=timedelta(0)) == "old"
    generate(tickets=3, seed=4)  # the data changes: the kept result is out of date
    release = threading.Event()
    monkeypatch.setattr(shared_results, "WAIT_SECONDS", 0.05)
    answer = shared_results.shared_result(key, _slow("new", release), max_age=timedelta(0))
    assert answer == "old"
    release.set()
    assert _finished(key, "new")
    assert computations(key) == 2


def test_a_failure_after_the_request_answered_is_logged_and_not_retried_at_once(
    database, set_now, monkeypatch, caplog
):
    """The "being prepared" page reloads every 3 s: a computation that failed in the
    background keeps its claim until it lapses instead of being started again each time."""
    set_now(NOON)
    release = threading.Event()
    key = "trends:broken"

    def broken():
        assert release.wait(30)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(shared_results, "WAIT_SECONDS", 0.05)
    assert shared_results.shared_result(key, broken, max_age=timedelta(0)) is PENDING
    release.set()
    assert _eventually(lambda: "computing the shared result trends:broken failed" in caplog.text)
    monkeypatch.setattr(shared_results, "WAIT_SECONDS", 10.0)
    assert shared_results.shared_result(key, lambda: 2, max_age=timedelta(0)) is PENDING
    set_now(NOON + timedelta(seconds=CLAIM_SECONDS + 1))
    assert shared_results.shared_result(key, lambda: 2, max_age=timedelta(0)) == 2


def test_a_computation_longer_than_its_claim_keeps_it(database, set_now, monkeypatch):
    """Its claim is renewed while it runs: past `CLAIM_SECONDS` nobody starts a second one,
    and its result is kept."""
    monkeypatch.setattr(shared_results, "CLAIM_SECONDS", 0.3)  # renewed every 0.1 s
    monkeypatch.setattr(shared_results, "WAIT_SECONDS", 0.05)
    set_now(NOON)
    release, started = threading.Event(), threading.Event()
    key = "trends:long-claim"
    assert (
        shared_results.shared_result(key, _slow(1, release, started), max_age=timedelta(0))
        is PENDING
    )
    assert started.wait(30)
    set_now(NOON + timedelta(seconds=10))  # the first claim would have lapsed by now
    import time

    time.sleep(0.5)  # a few renewals, from the clock's new time
    second = []
    assert (
        shared_results.shared_result(key, lambda: second.append(1) or 2, max_age=timedelta(0))
        is PENDING
    )
    release.set()
    assert _finished(key, 1)
    assert second == [] and computations(key) == 1


def test_the_page_says_a_long_computation_is_being_prepared_then_shows_it(
    app, login_as, set_now, monkeypatch
):
    """Through the page, as a founder meets it at millions of tickets: the first request
    answers within `WAIT_SECONDS` with the page that reloads itself; the figures follow."""
    from helpdesk.founders.trends import views as trends_views

    monkeypatch.setattr(shared_results, "WAIT_SECONDS", 0.05)
    set_now(NOON)
    founder = login_as("founder")
    with app.app_context():
        generate(tickets=20, seed=4)
    started, release = threading.Event(), threading.Event()

    def slow(*, rng):
        started.set()
        assert release.wait(30)
        return trend_sections(rng=rng)

    monkeypatch.setattr(trends_views, "trend_sections", slow)
    url = "/founders/trends?start=2025-11-21&end=2026-11-20"
    first = founder.get(url)
    assert first.status_code == 200 and first.headers["Refresh"] == "3"
    assert "These figures are being prepared" in first.get_data(as_text=True)
    assert started.wait(30)
    release.set()
    with app.app_context():
        rng = trend_range(start=date(2025, 11, 21), end=date(2026, 11, 20))
        key = trends_key("trends", rng, "en")
        assert _stored(key)
    later = founder.get(url)
    assert "Complaints" in later.get_data(as_text=True)
    assert "being prepared" not in later.get_data(as_text=True)
    with app.app_context():
        assert computations(key) == 1
