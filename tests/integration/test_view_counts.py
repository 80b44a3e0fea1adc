"""The inbox's view counts are kept per process against the data version: exact after every
change made through the services, recomputed after `LIFETIME` whatever happened, and never
scanned twice for unchanged data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from helpdesk.db.data_version import LIFETIME, VersionedCache
from helpdesk.dev.generate import generate
from helpdesk.extensions import db
from helpdesk.models import Ticket, User
from helpdesk.tickets import inbox
from helpdesk.tickets.inbox import view_counts
from helpdesk.tickets.service import ticket_update

NOON = datetime(2026, 11, 20, 12, tzinfo=UTC)


def scanned(counts):
    """The same figures straight from the table."""

    def count(*where):
        return db.session.scalar(sa.select(sa.func.count(Ticket.id)).where(*where))

    return {
        "open": count(Ticket.status.in_(("new", "open"))),
        "complaints": count(
            Ticket.kind == "complaint", Ticket.status.in_(("new", "open", "pending"))
        ),
        "all": count(),
    } == {key: counts[key] for key in ("open", "complaints", "all")}


def test_counts_follow_service_changes_and_scan_once(database, set_now, monkeypatch):
    set_now(NOON)
    generate(tickets=60, seed=9)
    agent = db.session.scalar(sa.select(User).where(User.role == "agent"))
    scans = []
    original = inbox._count_rows

    def counting():
        scans.append(1)
        return original()

    monkeypatch.setattr(inbox, "_count_rows", counting)
    first = view_counts(agent)
    assert view_counts(agent) == first and len(scans) == 1
    assert scanned(first)
    # A ticket waiting on the customer, opened again, joins the open view.
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.status == "pending"))
    ticket_update(ticket=ticket, actor=agent, status="open")
    after = view_counts(agent)
    assert len(scans) == 2
    assert after["open"] == first["open"] + 1
    assert scanned(after)
    generate(tickets=5, seed=10)  # new tickets change the version too
    assert scanned(view_counts(agent)) and len(scans) == 3


def test_entries_expire_after_their_lifetime_even_when_unchanged(database, set_now):
    set_now(NOON)
    cache: VersionedCache[int] = VersionedCache(2)
    values = iter(range(100))
    assert cache.get("k", lambda: next(values)) == 0
    assert cache.get("k", lambda: next(values)) == 0
    set_now(NOON + LIFETIME - timedelta(seconds=1))
    assert cache.get("k", lambda: next(values)) == 0
    set_now(NOON + LIFETIME)
    assert cache.get("k", lambda: next(values)) == 1


def test_separate_apps_do_not_share_counts(app, database_url):
    from helpdesk import create_app
    from tests.conftest import app_config

    other = create_app(app_config(database_url))
    with app.app_context():
        generate(tickets=3, seed=1)
        agent = db.session.scalar(sa.select(User).where(User.role == "agent"))
        view_counts(agent)
        assert "view_counts" in app.extensions["helpdesk.caches"]
    assert "helpdesk.caches" not in other.extensions


def test_threads_asking_at_once_compute_once(app):
    import threading

    from helpdesk.db.data_version import app_cache

    started, release = threading.Event(), threading.Event()
    calls, results = [], []

    def slow():
        calls.append(1)
        started.set()
        release.wait(10)
        return "value"

    def ask():
        with app.app_context():
            results.append(app_cache(app, "test", 4).get("key", slow))

    first = threading.Thread(target=ask)
    first.start()
    started.wait(10)
    second = threading.Thread(target=ask)
    second.start()
    release.set()
    first.join(10)
    second.join(10)
    assert results == ["value", "value"]
    assert len(calls) == 1


def test_the_typical_first_reply_time_is_reused_within_the_configured_age(app, set_now):
    from helpdesk.mail import compose

    set_now(NOON)
    app.config["STATS_CACHE_SECONDS"] = 300
    calls = []

    def measure():
        calls.append(1)
        return 3

    with app.app_context():
        original = compose._measure_typical_first_reply_hours
        compose._measure_typical_first_reply_hours = measure
        try:
            assert compose._typical_first_reply_hours() == 3
            generate(tickets=3, seed=2)  # the data changes, the figure may lag
            set_now(NOON + timedelta(seconds=299))
            assert compose._typical_first_reply_hours() == 3 and len(calls) == 1
            set_now(NOON + timedelta(seconds=300))
            compose._typical_first_reply_hours()
            assert len(calls) == 2
        finally:
            compose._measure_typical_first_reply_hours = original
