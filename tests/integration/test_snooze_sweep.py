"""The wake sweep: each due snoozed ticket comes back exactly once — across repeated
sweeps, a ticket unsnoozed or snoozed again before its time, a crash mid-batch, and two
scheduler processes at once (PostgreSQL, `FOR UPDATE SKIP LOCKED`).

The clock is frozen; nothing sleeps to wait for a job. The test with separate processes
commits its data first (the `database` fixture empties every table afterwards).
"""

from __future__ import annotations

import multiprocessing
import os
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from helpdesk import clock, create_app
from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Ticket
from helpdesk.tickets import snooze_sweep
from helpdesk.tickets.snooze_sweep import sweep_snoozed
from tests.conftest import app_config
from tests.factories import CustomerFactory, TicketFactory

T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
WAKE = T0 + timedelta(hours=2)


def snoozed_tickets(count: int, until: datetime = WAKE) -> list[int]:
    customer = CustomerFactory()
    with db.session.no_autoflush:
        tickets = TicketFactory.build_batch(
            count, customer=customer, snoozed_until=until, last_activity_at=T0
        )
    db.session.add_all(tickets)
    db.session.commit()
    return [ticket.id for ticket in tickets]


def wakes() -> list[AuditEvent]:
    query = sa.select(AuditEvent).where(AuditEvent.action == "ticket.wake")
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def count(*where: Any) -> int:
    return db.session.scalar(sa.select(sa.func.count(Ticket.id)).where(*where)) or 0


def test_due_tickets_wake_in_batches_and_only_once(database, set_now):
    set_now(T0)
    snoozed_tickets(120)
    later = snoozed_tickets(3, until=WAKE + timedelta(days=1))
    assert sweep_snoozed(batch=50) == 0
    set_now(WAKE)
    assert sweep_snoozed(batch=50) == 120
    assert sweep_snoozed(batch=50) == 0
    assert len(wakes()) == 120
    assert count(Ticket.snoozed_until.is_(None), Ticket.last_activity_at == WAKE) == 120
    assert count(Ticket.id.in_(later), Ticket.snoozed_until.is_not(None)) == 3


def test_a_crash_mid_batch_leaves_nothing_half_done(database, set_now, monkeypatch):
    set_now(T0)
    snoozed_tickets(5)
    set_now(WAKE)

    def crash(*_: Any) -> None:
        raise RuntimeError("scheduler died")

    monkeypatch.setattr(snooze_sweep, "publish", crash)
    with pytest.raises(RuntimeError):
        sweep_snoozed()
    db.session.expire_all()
    assert count(Ticket.snoozed_until.is_not(None)) == 5 and wakes() == []
    monkeypatch.undo()
    assert sweep_snoozed() == 5


def test_bad_batch_size_is_refused(database):
    with pytest.raises(ValueError, match="positive"):
        sweep_snoozed(batch=0)


# --- two scheduler processes (PostgreSQL) ------------------------------------------------


def _sweeper(url: str, at: datetime, start: Any, results: Any) -> None:
    """Child process: wait for the other sweeper, then sweep until nothing is left."""
    app = create_app(app_config(url))
    clock.set_now(at)
    woken = 0
    with app.app_context():
        start.wait(120)
        while True:
            done = sweep_snoozed(batch=25)
            woken += done
            if done == 0:
                break
        db.engine.dispose()
    results.put((os.getpid(), woken))


def test_two_sweeper_processes_wake_each_of_five_hundred_tickets_once(
    database, database_url, set_now
):
    if not database_url.startswith("postgresql"):
        pytest.skip(
            "two sweepers racing is a PostgreSQL test (FOR UPDATE SKIP LOCKED); "
            "SQLite serialises writers"
        )
    set_now(T0)
    snoozed_tickets(500)
    db.session.rollback()  # hold no snapshot or lock while the children work

    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(2), context.Queue()
    children = [
        context.Process(target=_sweeper, args=(database_url, WAKE, start, results))
        for _ in range(2)
    ]
    for child in children:
        child.start()
    totals = [results.get(timeout=300) for _ in children]
    for child in children:
        child.join(60)
        assert child.exitcode == 0

    assert sum(woken for _, woken in totals) == 500
    assert count(Ticket.snoozed_until.is_not(None)) == 0
    audits = wakes()
    assert len(audits) == 500
    assert len({event.object_id for event in audits}) == 500
