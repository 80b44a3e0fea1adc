"""The usage health sweep: each customer's state from their counts, `CustomerUsageChanged`
published once per change (never again for the same state, never twice by two sweepers on
PostgreSQL), and the retention prune."""

from __future__ import annotations

import multiprocessing
import os
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from helpdesk import clock, create_app
from helpdesk.events import subscribe
from helpdesk.extensions import db
from helpdesk.models import CustomerUsage, UsageDaily, UsageEventId
from helpdesk.usage.events import CustomerUsageChanged
from helpdesk.usage.ingest import EventIn, usage_events_record
from helpdesk.usage.settings import UsageSettings, usage_settings_update
from helpdesk.usage.sweep import sweep_usage_health, usage_prune
from tests.conftest import app_config
from tests.factories import CustomerFactory

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
SEEN: list[CustomerUsageChanged] = []


def _collect(event: CustomerUsageChanged) -> None:
    SEEN.append(event)


def _history(customer_id: int, per_week: list[int], *, today: date | None = None) -> None:
    """Counts of `logged_in`, one day per week; per_week[0] is the last 7 days."""
    today = today or NOW.date()
    for index, count in enumerate(per_week):
        if count:
            day = today - timedelta(days=7 * index + 1)
            db.session.add(
                UsageDaily(
                    customer_id=customer_id,
                    day=day,
                    name="logged_in",
                    count=count,
                    last_at=datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
                )
            )


def _states() -> dict[int, str]:
    return dict(db.session.execute(sa.select(CustomerUsage.customer_id, CustomerUsage.state)).all())


def test_each_change_is_published_once(database, set_now):
    subscribe(CustomerUsageChanged, _collect)
    SEEN.clear()
    set_now(NOW)
    slipping, steady, gone, fresh, silent = (CustomerFactory() for _ in range(5))
    db.session.flush()
    _history(slipping.id, [2, 20, 22, 20, 19, 21, 20, 20, 20])
    _history(steady.id, [20, 20, 20, 20, 20])
    _history(gone.id, [0, 0, 0, 0, 5])  # a first week four weeks ago, then nothing
    _history(fresh.id, [3, 4])
    db.session.commit()

    assert sweep_usage_health() == 4  # the customer with no events is not looked at
    assert _states() == {
        slipping.id: "slipping",
        steady.id: "active",
        gone.id: "dormant",
        fresh.id: "new",
    }
    assert silent.id not in _states()
    assert {(event.customer_id, event.previous, event.state) for event in SEEN} == {
        (slipping.id, "new", "slipping"),
        (steady.id, "new", "active"),
        (gone.id, "new", "dormant"),
    }
    row = db.session.get(CustomerUsage, slipping.id)
    assert (row.last_7_days, row.usual_week, row.reason) == (2, 20, "below_usual")
    assert row.since == NOW

    # The same state again: checked, nothing published.
    SEEN.clear()
    set_now(NOW + timedelta(hours=1))
    assert sweep_usage_health() == 4
    assert SEEN == []

    # The slipping customer comes back through the API's use case: active, once.
    usage_events_record(
        events=[
            EventIn(id=f"back-{n}", name="logged_in", at=NOW, email=slipping.email)
            for n in range(25)
        ]
    )
    set_now(NOW + timedelta(hours=2))
    sweep_usage_health()
    assert [(event.customer_id, event.previous, event.state) for event in SEEN] == [
        (slipping.id, "slipping", "active")
    ]
    assert db.session.get(CustomerUsage, slipping.id).since == NOW + timedelta(hours=2)


def test_prune_keeps_what_the_settings_say(database, make_user, set_now):
    set_now(NOW)
    customer = CustomerFactory()
    db.session.flush()
    _history(customer.id, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])  # twelve weeks
    db.session.add_all(
        [
            UsageEventId(event_id="old", received_at=NOW - timedelta(days=31)),
            UsageEventId(event_id="recent", received_at=NOW - timedelta(days=29)),
        ]
    )
    db.session.commit()
    from helpdesk.models import User

    admin = db.session.get(User, make_user("admin").id)
    usage_settings_update(
        actor=admin, settings=UsageSettings(daily_retention_days=70, event_id_retention_days=30)
    )
    result = usage_prune()
    assert (result.daily_rows, result.event_ids) == (2, 1)
    days = sorted(db.session.scalars(sa.select(UsageDaily.day)))
    assert days[0] >= NOW.date() - timedelta(days=70)
    assert list(db.session.scalars(sa.select(UsageEventId.event_id))) == ["recent"]


def _sweeper(url: str, at: datetime, start: Any, results: Any) -> None:
    app = create_app(app_config(url))
    clock.set_now(at)
    published: list[int] = []
    subscribe(CustomerUsageChanged, lambda event: published.append(event.customer_id))
    with app.app_context():
        start.wait(120)
        while sweep_usage_health(batch=7):
            pass
        db.engine.dispose()
    results.put((os.getpid(), published))


def test_two_sweepers_publish_each_change_once(database, database_url, set_now):
    if not database_url.startswith("postgresql"):
        pytest.skip("two sweepers racing is a PostgreSQL test; SQLite serialises writers")
    set_now(NOW)
    customers = [CustomerFactory() for _ in range(60)]
    db.session.flush()
    for customer in customers:
        _history(customer.id, [1, 20, 20, 20, 20])
    db.session.commit()
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(2), context.Queue()
    children = [
        context.Process(target=_sweeper, args=(database_url, NOW, start, results)) for _ in range(2)
    ]
    for child in children:
        child.start()
    outcomes = [results.get(timeout=300) for _ in children]
    for child in children:
        child.join(60)
    published = [customer_id for _pid, ids in outcomes for customer_id in ids]
    assert sorted(published) == sorted(customer.id for customer in customers)
    db.session.expire_all()
    assert set(_states().values()) == {"slipping"}


def test_a_merge_adds_the_merged_records_counts_to_the_kept_one(database, make_user, set_now):
    from helpdesk.customers.merge import customer_merge
    from helpdesk.models import User

    set_now(NOW)
    kept, duplicate = CustomerFactory(), CustomerFactory()
    db.session.flush()
    _history(kept.id, [0, 0, 0, 0, 0, 4, 4])  # weeks 5 and 6 back
    _history(duplicate.id, [1, 3, 3, 3, 3, 3])  # the same days, and later ones
    db.session.commit()
    sweep_usage_health()
    assert _states()[duplicate.id] == "slipping"
    user = db.session.get(User, make_user("agent").id)
    customer_merge(actor=user, source_id=duplicate.id, target_id=kept.id)
    counts = dict(
        db.session.execute(
            sa.select(UsageDaily.day, UsageDaily.count).where(UsageDaily.customer_id == kept.id)
        ).all()
    )
    assert sorted(counts.values()) == [1, 3, 3, 3, 3, 4, 7]  # week 5: 4 + 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UsageDaily)) == 7
    row = db.session.get(CustomerUsage, kept.id)
    assert row.checked_at < NOW and row.first_event_on == NOW.date() - timedelta(days=43)
    assert duplicate.id not in _states()
    SEEN.clear()
    sweep_usage_health()
    assert _states() == {kept.id: "slipping"}


def test_erasing_a_customer_forgets_their_usage(database, make_user, set_now):
    from helpdesk.models import User
    from helpdesk.privacy.erase import customer_erase

    set_now(NOW)
    erased, other = CustomerFactory(), CustomerFactory()
    db.session.flush()
    _history(erased.id, [1, 20, 20, 20, 20])
    _history(other.id, [1, 20, 20, 20, 20])
    db.session.commit()
    sweep_usage_health()
    admin = db.session.get(User, make_user("admin").id)
    customer_erase(actor=admin, customer=erased, confirmation="ERASE")
    assert _states() == {other.id: "slipping"}
    owners = set(db.session.scalars(sa.select(UsageDaily.customer_id)))
    assert owners == {other.id}
