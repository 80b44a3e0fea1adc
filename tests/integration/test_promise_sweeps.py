"""The promise sweep: reminders and misses fire once, at their time, in due order, and never
twice — across repeated sweeps, a crash mid-batch, and two scheduler processes at once. A
promise found overdue (the scheduler was down) is never reminded: its miss reports it once.

The clock is frozen; nothing sleeps to wait for a job. The tests with separate processes
commit their data first (the `database` fixture empties every table afterwards).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from helpdesk import clock, create_app
from helpdesk.auth.service import user_create
from helpdesk.db import batches
from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Escalation, Notification, Outbox, Promise, Ticket
from helpdesk.notifications import reactions as notification_reactions
from helpdesk.promises import service as promises
from helpdesk.promises.sweeps import SweepResult, sweep_promises
from helpdesk.scheduling.timeouts import limit_scheduler_sessions
from tests.conftest import app_config
from tests.factories import CustomerFactory, TicketFactory

T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
DUE = T0 + timedelta(hours=2)
REMIND = DUE - timedelta(minutes=30)
NOTHING = SweepResult(reminded=0, missed=0)
CRASHED = 3  # the exit code of a child killed mid-batch


def staff(name: str) -> Any:
    return user_create(
        email=f"{name.lower()}@example.com",
        name=name,
        role="agent",
        password="long-enough-password",
        actor="test",
    )


def promise_for(ticket: Ticket, agent: Any, due: datetime = DUE, text: str = "") -> Promise:
    """A pending promise made now (the clock) through the service, committed."""
    promise = promises.promise_make(
        ticket=ticket, agent=agent, due_at=due, text=text or "I'll send an update by 10:00."
    )
    db.session.commit()
    return promise


def many_promises(count: int, *, agent: Any, due: datetime) -> None:
    """`count` tickets with one pending promise each, all due at `due`, in one commit."""
    customer = CustomerFactory()
    with db.session.no_autoflush:  # each ticket's number is reserved by a query
        tickets = TicketFactory.build_batch(count, customer=customer)
    db.session.add_all(tickets)
    db.session.flush()
    db.session.add_all(
        Promise(
            ticket_id=ticket.id,
            agent_id=agent.id,
            created_at=T0,
            due_at=due,
            remind_at=due - timedelta(minutes=30),
            text=f"Update for #{ticket.number} by {due:%H:%M}.",
        )
        for ticket in tickets
    )
    db.session.commit()


def count(model: Any, *where: Any) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def notifications(kind: str) -> list[Notification]:
    query = sa.select(Notification).where(Notification.kind == kind).order_by(Notification.id)
    return list(db.session.scalars(query))


def missed_audits() -> list[AuditEvent]:
    query = sa.select(AuditEvent).where(AuditEvent.action == "promise.missed")
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def duplicated_notifications() -> int:
    groups = (
        sa.select(Notification.promise_id, Notification.kind)
        .group_by(Notification.promise_id, Notification.kind)
        .having(sa.func.count() > 1)
    )
    return count(groups.subquery())


# --- reminders ---------------------------------------------------------------------------


def test_the_reminder_fires_once_at_its_time_to_the_assignee(database, set_now):
    set_now(T0)
    promiser, assignee = staff("Promiser"), staff("Assignee")
    ticket = TicketFactory(assignee=assignee)
    promise = promise_for(ticket, promiser)
    assert promise.remind_at == REMIND

    set_now(REMIND - timedelta(seconds=1))
    assert sweep_promises() == NOTHING
    assert count(Notification) == 0

    set_now(REMIND)
    assert sweep_promises() == SweepResult(reminded=1, missed=0)
    [reminder] = notifications("promise_reminder")
    assert (reminder.user_id, reminder.ticket_id, reminder.promise_id) == (
        assignee.id,
        ticket.id,
        promise.id,
    )
    assert reminder.read_at is None
    assert database.session.get(Promise, promise.id).reminded_at == REMIND
    assert database.session.get(Promise, promise.id).status == "pending"

    set_now(REMIND + timedelta(minutes=1))
    assert sweep_promises() == NOTHING
    assert count(Notification) == 1


def test_without_an_assignee_the_promising_agent_is_reminded(database, set_now):
    set_now(T0)
    promiser = staff("Promiser")
    promise = promise_for(TicketFactory(), promiser)
    set_now(REMIND)
    sweep_promises()
    [reminder] = notifications("promise_reminder")
    assert (reminder.user_id, reminder.promise_id) == (promiser.id, promise.id)


# --- misses ------------------------------------------------------------------------------


def test_a_missed_promise_is_marked_escalated_told_and_audited_once(database, set_now):
    set_now(T0)
    promiser, assignee = staff("Promiser"), staff("Assignee")
    ticket = TicketFactory(assignee=assignee)
    promise = promise_for(ticket, promiser, text="An update by 10:00, promised.")
    set_now(REMIND)
    assert sweep_promises() == SweepResult(reminded=1, missed=0)

    set_now(DUE - timedelta(milliseconds=1))
    assert sweep_promises() == NOTHING
    set_now(DUE)
    assert sweep_promises() == SweepResult(reminded=0, missed=1)

    missed = database.session.get(Promise, promise.id)
    assert (missed.status, missed.escalated_at) == ("missed", DUE)
    [escalation] = database.session.scalars(sa.select(Escalation)).all()
    assert (escalation.ticket_id, escalation.promise_id) == (ticket.id, promise.id)
    assert (escalation.reason, escalation.status) == ("missed_promise", "open")
    assert "An update by 10:00, promised." in escalation.detail
    assert "2026-06-01 10:00 UTC" in escalation.detail
    [told] = notifications("promise_missed")
    assert (told.user_id, told.ticket_id, told.promise_id) == (assignee.id, ticket.id, promise.id)
    [event] = missed_audits()
    assert (event.actor_label, event.actor_user_id) == ("system", None)
    assert (event.object_type, event.object_id) == ("tickets", str(ticket.id))
    assert event.changes["promise_id"] == promise.id
    assert event.changes["escalation_id"] == escalation.id

    set_now(DUE + timedelta(hours=1))
    assert sweep_promises() == NOTHING
    assert (count(Escalation), count(Notification), len(missed_audits())) == (1, 2, 1)


def test_an_open_escalation_of_the_ticket_is_not_doubled(database, set_now):
    set_now(T0)
    promiser = staff("Promiser")
    ticket = TicketFactory()
    first = promise_for(ticket, promiser)
    set_now(DUE)
    sweep_promises()
    set_now(DUE + timedelta(hours=1))
    second = promise_for(ticket, promiser, due=DUE + timedelta(hours=3))
    set_now(DUE + timedelta(hours=3))
    assert sweep_promises() == SweepResult(reminded=0, missed=1)  # overdue: no reminder

    [escalation] = database.session.scalars(sa.select(Escalation)).all()
    assert escalation.promise_id == first.id  # still open: the founders see it once
    assert database.session.get(Promise, second.id).status == "missed"
    assert [event.changes["promise_id"] for event in missed_audits()] == [first.id, second.id]
    assert missed_audits()[1].changes["escalation_id"] is None
    assert len(notifications("promise_missed")) == 2


def test_a_kept_or_replaced_promise_is_never_reminded_or_missed(database, set_now):
    set_now(T0)
    promiser = staff("Promiser")
    kept_ticket, replaced_ticket = TicketFactory(), TicketFactory()
    kept = promise_for(kept_ticket, promiser)
    replaced = promise_for(replaced_ticket, promiser)
    newer = promise_for(replaced_ticket, promiser, due=DUE + timedelta(days=2))
    set_now(DUE - timedelta(milliseconds=1))  # kept a moment before its time
    assert promises.promise_keep(ticket=kept_ticket, actor=promiser, message=None) is not None
    db.session.commit()

    set_now(DUE + timedelta(days=1))
    assert sweep_promises() == NOTHING
    assert database.session.get(Promise, kept.id).status == "kept"
    assert database.session.get(Promise, replaced.id).status == "cancelled"
    assert database.session.get(Promise, newer.id).status == "pending"
    assert (count(Notification), count(Escalation), len(missed_audits())) == (0, 0, 0)


# --- catch-up and repeats ----------------------------------------------------------------


def test_after_downtime_the_sweep_catches_up_in_due_order(database, set_now):
    set_now(T0)
    promiser = staff("Promiser")
    offsets = [17, 3, 29, 11, 5, 23, 2, 19, 7, 13, 31, 1, 37, 41, 43, 47, 53, 59, 61, 67]
    for minutes in offsets:
        promise_for(TicketFactory(), promiser, due=DUE + timedelta(minutes=minutes))

    set_now(DUE + timedelta(hours=6))  # the scheduler was down
    # Every promise is overdue: none is reminded of a time gone; each is reported missed.
    assert sweep_promises(batch=3) == SweepResult(reminded=0, missed=20)

    def due_of(promise_id: int | None) -> datetime:
        return database.session.get(Promise, promise_id).due_at

    reminded_in = [due_of(item.promise_id) for item in notifications("promise_reminder")]
    missed_in = [due_of(item.promise_id) for item in notifications("promise_missed")]
    escalated_in = [
        due_of(item.promise_id)
        for item in database.session.scalars(sa.select(Escalation).order_by(Escalation.id))
    ]
    audited_in = [due_of(event.changes["promise_id"]) for event in missed_audits()]
    expected = sorted(DUE + timedelta(minutes=minutes) for minutes in offsets)
    assert reminded_in == []
    assert missed_in == escalated_in == audited_in == expected
    assert count(Promise, Promise.status == "missed", Promise.reminded_at.is_(None)) == 20
    assert sweep_promises() == NOTHING


def emails(template: str) -> list[Outbox]:
    query = sa.select(Outbox).where(Outbox.template == template).order_by(Outbox.id)
    return list(db.session.scalars(query))


def test_a_promise_found_overdue_is_reported_once_as_overdue_not_reminded(database, set_now):
    set_now(T0)
    promiser, assignee = staff("Promiser"), staff("Assignee")
    assignee.timezone = "Asia/Bangkok"  # UTC+7: due 10:00 UTC is 17:00 there
    db.session.commit()
    promise = promise_for(TicketFactory(assignee=assignee), promiser)

    set_now(DUE + timedelta(hours=1))  # the scheduler was down from before the reminder
    assert sweep_promises() == SweepResult(reminded=0, missed=1)
    assert database.session.get(Promise, promise.id).reminded_at is None
    assert notifications("promise_reminder") == [] and emails("promise_reminder") == []
    [told] = notifications("promise_missed")
    assert told.user_id == assignee.id
    # The reminder's email is wanted by default (the miss's is not): the miss takes its place.
    [email] = emails("promise_missed")
    assert email.to_address == assignee.email
    assert email.subject.startswith("Overdue: you promised an update on #")
    for body in (email.body_text, email.body_html):
        assert "by Monday, June 1, 2026 5:00\u202fPM (Asia/Bangkok)" in body
        assert "it is now 6:00\u202fPM and" in body  # the same day: the time alone
        assert "overdue" in body
    assert "I'll send an update by 10:00." in email.body_text

    set_now(DUE + timedelta(hours=2))
    assert sweep_promises() == NOTHING
    assert len(emails("promise_missed")) == 1


def test_a_promise_found_overdue_the_next_day_says_the_date_too(database, set_now):
    set_now(T0)
    promise_for(TicketFactory(), staff("Promiser"))
    set_now(DUE + timedelta(days=1, minutes=5))
    assert sweep_promises() == SweepResult(reminded=0, missed=1)
    [email] = emails("promise_missed")
    assert "by Monday, June 1, 2026 10:00\u202fAM (UTC)" in email.body_text
    assert "it is now Tuesday, June 2, 2026 10:05\u202fAM (UTC) and" in email.body_text


def test_a_promise_reminded_in_time_is_missed_without_a_second_email(database, set_now):
    set_now(T0)
    promiser = staff("Promiser")
    promise_for(TicketFactory(), promiser)
    set_now(REMIND)
    assert sweep_promises() == SweepResult(reminded=1, missed=0)
    set_now(DUE)
    assert sweep_promises() == SweepResult(reminded=0, missed=1)
    # Told in the app; by email only when they asked for misses by email.
    assert len(emails("promise_reminder")) == 1 and emails("promise_missed") == []
    assert len(notifications("promise_missed")) == 1


def test_a_reminder_late_but_before_the_due_time_still_goes(database, set_now):
    set_now(T0)
    promise_for(TicketFactory(), staff("Promiser"))
    set_now(DUE - timedelta(seconds=1))
    assert sweep_promises() == SweepResult(reminded=1, missed=0)
    set_now(DUE)
    assert sweep_promises() == SweepResult(reminded=0, missed=1)


def test_one_sweep_is_bounded_and_the_next_carries_on_oldest_first(database, set_now, monkeypatch):
    set_now(T0)
    promiser = staff("Promiser")
    made = [
        promise_for(TicketFactory(), promiser, due=DUE + timedelta(minutes=minutes))
        for minutes in range(12, 0, -1)
    ]
    monkeypatch.setattr(batches, "MAX_BATCHES", 2)
    set_now(DUE + timedelta(days=1))

    assert sweep_promises(batch=4) == SweepResult(reminded=0, missed=8)
    oldest_first = sorted(made, key=lambda promise: promise.due_at)
    statuses = [database.session.get(Promise, p.id).status for p in oldest_first]
    assert statuses == ["missed"] * 8 + ["pending"] * 4
    # The four left over are still overdue at the next sweep: still no reminder for them.
    assert sweep_promises(batch=4) == SweepResult(reminded=0, missed=4)
    assert sweep_promises(batch=4) == NOTHING
    assert (count(Notification), count(Escalation), duplicated_notifications()) == (12, 12, 0)
    assert notifications("promise_reminder") == []


def test_running_the_sweep_again_does_nothing(database, set_now):
    set_now(T0)
    promiser = staff("Promiser")
    for _ in range(5):
        promise_for(TicketFactory(), promiser)
    set_now(REMIND)
    assert sweep_promises() == SweepResult(reminded=5, missed=0)
    assert sweep_promises() == NOTHING
    set_now(DUE)
    assert sweep_promises() == SweepResult(reminded=0, missed=5)
    before = (count(Notification), count(Escalation), count(AuditEvent))
    assert sweep_promises() == NOTHING
    assert sweep_promises(batch=1) == NOTHING
    assert (count(Notification), count(Escalation), count(AuditEvent)) == before


def test_one_sweep_handles_two_thousand_due_promises(database, set_now):
    set_now(T0)
    promiser = staff("Promiser")
    many_promises(2000, agent=promiser, due=DUE)
    set_now(REMIND)
    assert sweep_promises() == SweepResult(reminded=2000, missed=0)
    set_now(DUE)
    assert sweep_promises() == SweepResult(reminded=0, missed=2000)
    assert count(Promise, Promise.status == "missed", Promise.reminded_at.is_not(None)) == 2000
    assert count(Escalation, Escalation.reason == "missed_promise") == 2000
    assert len(notifications("promise_reminder")) == len(notifications("promise_missed")) == 2000
    assert (duplicated_notifications(), len(missed_audits())) == (0, 2000)
    assert sweep_promises() == NOTHING


# --- a crash mid-batch -------------------------------------------------------------------


def fail_on(failing: str, exception: BaseException) -> Any:
    """A stand-in for the notifications' reaction (`_about_promises`) that fails when asked
    to tell `failing`, after the claim."""
    real = notification_reactions._about_promises

    def notify(promise_ids: Any, kind: str) -> None:
        if kind == failing:
            raise exception
        real(promise_ids, kind)

    return notify


@pytest.mark.parametrize("phase", ["promise_reminder", "promise_missed"])
def test_a_crash_mid_batch_leaves_nothing_half_done(database, set_now, monkeypatch, phase):
    set_now(T0)
    promiser = staff("Promiser")
    made = [promise_for(TicketFactory(), promiser) for _ in range(3)]
    reminders_done = phase == "promise_missed"
    if reminders_done:
        set_now(REMIND)
        assert sweep_promises() == SweepResult(reminded=3, missed=0)
    set_now(DUE if reminders_done else REMIND)
    monkeypatch.setattr(
        notification_reactions, "_about_promises", fail_on(phase, RuntimeError("power cut"))
    )
    with pytest.raises(RuntimeError, match="power cut"):
        sweep_promises()

    for promise in made:
        state = database.session.get(Promise, promise.id)
        assert state.status == "pending"
        assert state.escalated_at is None
        assert (state.reminded_at is not None) is reminders_done
    assert count(Escalation) == 0
    assert len(missed_audits()) == 0
    assert len(notifications("promise_reminder")) == (3 if reminders_done else 0)

    monkeypatch.undo()
    if reminders_done:
        assert sweep_promises() == SweepResult(reminded=0, missed=3)
    else:
        assert sweep_promises() == SweepResult(reminded=3, missed=0)
        set_now(DUE)
        assert sweep_promises() == SweepResult(reminded=0, missed=3)
    assert sweep_promises() == NOTHING
    assert (count(Escalation), len(missed_audits()), count(Notification)) == (3, 3, 6)
    assert duplicated_notifications() == 0


def _killed_mid_miss(url: str, at: datetime) -> None:
    """Child process: sweep and die (no cleanup at all) after claiming the misses."""
    app = create_app(app_config(url))
    clock.set_now(at)

    def die(promise_ids: Any, kind: str) -> None:
        if kind == "promise_missed":
            os._exit(CRASHED)
        real(promise_ids, kind)

    real = notification_reactions._about_promises
    notification_reactions._about_promises = die
    with app.app_context():
        sweep_promises(batch=2)


def _wait_for_the_server_to_drop(url: str, name: str) -> None:
    """PostgreSQL notices a dead client's connection (and rolls its transaction back) a
    moment after the process is gone; until then its rows stay locked and are skipped."""
    deadline = time.monotonic() + 10
    query = sa.text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name")
    while db.session.scalar(query, {"name": name}):
        db.session.rollback()
        assert time.monotonic() < deadline, "the killed sweeper's session never ended"
        time.sleep(0.05)
    db.session.rollback()


def test_a_sweeper_killed_mid_batch_loses_nothing_and_the_next_finishes_once(
    database, database_url, set_now
):
    set_now(T0)
    promiser = staff("Promiser")
    for _ in range(5):
        promise_for(TicketFactory(), promiser)
    set_now(REMIND)
    assert sweep_promises() == SweepResult(reminded=5, missed=0)
    set_now(DUE)
    child_url = database_url
    if database_url.startswith("postgresql"):
        child_url = f"{database_url}?application_name=killed-sweeper"

    process = multiprocessing.get_context("spawn").Process(
        target=_killed_mid_miss, args=(child_url, DUE)
    )
    process.start()
    process.join(120)
    assert process.exitcode == CRASHED
    if database_url.startswith("postgresql"):
        _wait_for_the_server_to_drop(database_url, "killed-sweeper")

    # The reminders went before; the claimed misses rolled back with the kill.
    assert len(notifications("promise_reminder")) == 5
    assert count(Promise, Promise.status == "pending", Promise.escalated_at.is_(None)) == 5
    assert (count(Escalation), len(missed_audits())) == (0, 0)

    assert sweep_promises() == SweepResult(reminded=0, missed=5)
    assert sweep_promises() == NOTHING
    assert (count(Escalation), len(missed_audits()), count(Notification)) == (5, 5, 10)
    assert duplicated_notifications() == 0


PAUSED_LIMITS = {"idle_in_transaction_session_timeout": "1s"}


def _paused_mid_miss(url: str, at: datetime, claimed: Any) -> None:
    """Child process: a scheduler (with the scheduler's session limits, the idle timeout
    shortened) that claims a miss batch and then hangs inside its transaction; the parent
    also stops it (SIGSTOP)."""
    app = create_app({**app_config(url), "SCHEDULER_PG_LIMITS": PAUSED_LIMITS})
    limit_scheduler_sessions(app)
    clock.set_now(at)

    def hang(promise_ids: Any, kind: str) -> None:
        if kind == "promise_missed":
            claimed.set()
            time.sleep(600)
        real(promise_ids, kind)

    real = notification_reactions._about_promises
    notification_reactions._about_promises = hang
    with app.app_context():
        sweep_promises(batch=50)


def test_a_paused_sweepers_batch_is_taken_over_once_its_transaction_is_ended(
    database, database_url, set_now
):
    """PostgreSQL: the paused sweeper's claim (rows locked FOR UPDATE, uncommitted) is
    skipped by the others until the server ends its idle transaction
    (idle_in_transaction_session_timeout, 30 s in production); then another sweeper does
    the batch, once."""
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks and the idle-in-transaction timeout are PostgreSQL's")
    set_now(T0)
    promiser = staff("Promiser")
    for _ in range(5):
        promise_for(TicketFactory(), promiser)
    set_now(DUE)
    db.session.rollback()

    context = multiprocessing.get_context("spawn")
    claimed = context.Event()
    child = context.Process(
        target=_paused_mid_miss,
        args=(f"{database_url}?application_name=paused-sweeper", DUE, claimed),
    )
    child.start()
    try:
        assert claimed.wait(120), "the paused sweeper never claimed its batch"
        assert child.pid is not None
        os.kill(child.pid, signal.SIGSTOP)
        assert sweep_promises() == NOTHING  # its rows are locked: skipped, not waited on
        assert count(Promise, Promise.status == "pending") == 5

        _wait_for_the_server_to_drop(database_url, "paused-sweeper")
        assert sweep_promises() == SweepResult(reminded=0, missed=5)
        assert sweep_promises() == NOTHING
    finally:
        if child.pid is not None:
            os.kill(child.pid, signal.SIGCONT)
        child.kill()
        child.join(60)
    assert count(Promise, Promise.status == "missed") == 5
    assert (count(Escalation), len(missed_audits())) == (5, 5)
    assert len(notifications("promise_missed")) == 5
    assert duplicated_notifications() == 0


# --- two scheduler processes (PostgreSQL) ------------------------------------------------


def _sweeper(url: str, at: datetime, start: Any, results: Any) -> None:
    """Child process: wait for the other sweeper, then sweep until there is nothing left."""
    app = create_app(app_config(url))
    clock.set_now(at)
    reminded = missed = 0
    with app.app_context():
        start.wait(120)
        while True:
            result = sweep_promises(batch=50)
            reminded, missed = reminded + result.reminded, missed + result.missed
            if result == NOTHING:
                break
        db.engine.dispose()
    results.put((os.getpid(), reminded, missed))


def test_two_sweeper_processes_fire_each_of_two_thousand_promises_once(
    database, database_url, set_now
):
    if not database_url.startswith("postgresql"):
        pytest.skip(
            "two sweepers racing is a PostgreSQL test (FOR UPDATE SKIP LOCKED); "
            "SQLite serialises writers"
        )
    set_now(T0)
    promiser = staff("Promiser")
    many_promises(1000, agent=promiser, due=DUE)  # overdue when the sweepers run: missed
    many_promises(1000, agent=promiser, due=DUE + timedelta(minutes=10))  # reminded
    db.session.rollback()  # hold no snapshot or lock while the children work

    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(2), context.Queue()
    children = [
        context.Process(target=_sweeper, args=(database_url, DUE, start, results)) for _ in range(2)
    ]
    for child in children:
        child.start()
    totals = [results.get(timeout=300) for _ in children]
    for child in children:
        child.join(60)
        assert child.exitcode == 0

    assert sum(reminded for _, reminded, _ in totals) == 1000
    assert sum(missed for _, _, missed in totals) == 1000
    assert count(Promise) == 2000
    assert count(Promise, Promise.status == "missed", Promise.reminded_at.is_(None)) == 1000
    assert count(Promise, Promise.status == "pending", Promise.reminded_at.is_not(None)) == 1000
    assert count(Escalation, Escalation.reason == "missed_promise") == 1000
    assert count(sa.select(Escalation.promise_id).distinct().subquery()) == 1000
    assert len(notifications("promise_reminder")) == 1000
    assert len(notifications("promise_missed")) == 1000
    assert duplicated_notifications() == 0
    assert len(missed_audits()) == 1000
