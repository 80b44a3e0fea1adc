"""Service-level clocks through the ticket use cases: which policy applies, start, meet,
pause while the customer has the ball, resume, resolve and reopen, a priority change; the
ticket's soonest-due columns after each; and the breach sweep (once, escalated as the
policy says, audited). Business hours are the default: Monday to Friday 09:00-17:00 UTC.
"""

from __future__ import annotations

import multiprocessing
import os
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from helpdesk import clock, create_app
from helpdesk.auth.service import user_create
from helpdesk.db import batches
from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Escalation, Notification, SlaTarget, Ticket
from helpdesk.sla import policies
from helpdesk.sla.policies import PolicyFields
from helpdesk.sla.sweeps import sweep_breaches
from helpdesk.tickets.intake import ticket_create, ticket_customer_reply
from helpdesk.tickets.service import ticket_reply, ticket_update
from tests.conftest import app_config
from tests.factories import CustomerFactory

MONDAY = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # a Monday, opening time


def agent(name: str = "Agent", role: str = "agent") -> Any:
    return user_create(
        email=f"{name.lower()}@example.com",
        name=name,
        role=role,
        password="long-enough-password",
        actor="test",
    )


def policy(name: str, **fields: Any) -> Any:
    admin = agent(f"Admin{name.replace(' ', '')}", "admin")
    return policies.sla_policy_create(actor=admin, fields=PolicyFields(name=name, **fields))


def new_ticket(actor: Any, *, email: str = "c@example.net", priority: str = "normal") -> Ticket:
    return ticket_create(
        actor=actor,
        customer_email=email,
        customer_name="Customer",
        subject="Help",
        body="It broke.",
        priority=priority,
    )


def targets(ticket: Ticket) -> dict[str, SlaTarget]:
    """The ticket's latest clock of each kind."""
    rows = db.session.scalars(
        sa.select(SlaTarget).where(SlaTarget.ticket_id == ticket.id).order_by(SlaTarget.id)
    )
    return {row.kind: row for row in rows}


def fresh(ticket: Ticket) -> Ticket:
    db.session.expire_all()
    return db.session.get(Ticket, ticket.id)


def test_a_new_ticket_gets_the_first_matching_policy_and_its_due_times(database, set_now):
    set_now(MONDAY)
    staff = agent()
    policy("Urgent", priorities=["urgent"], first_reply_minutes=30)
    everyone = policy("Everyone", first_reply_minutes=120, resolution_minutes=16 * 60)
    ticket = new_ticket(staff)
    clocks = targets(ticket)
    assert set(clocks) == {"first_reply", "resolution"}
    assert clocks["first_reply"].policy_id == everyone.id
    assert clocks["first_reply"].due_at == MONDAY + timedelta(hours=2)
    # 16 business hours: Monday and Tuesday, due Tuesday at closing time.
    assert clocks["resolution"].due_at == MONDAY + timedelta(days=1, hours=8)
    # The warning starts 60 business minutes before.
    assert clocks["first_reply"].warn_at == MONDAY + timedelta(hours=1)
    assert (ticket.sla_due_at, ticket.sla_due_kind) == (MONDAY + timedelta(hours=2), "first_reply")
    assert ticket.sla_warn_at == MONDAY + timedelta(hours=1)


def test_vip_and_plan_conditions_choose_the_policy(database, set_now):
    set_now(MONDAY)
    staff = agent()
    CustomerFactory(email="vip@example.net", vip=True, plan="Basic")
    CustomerFactory(email="pro@example.net", plan="PRO")
    vip = policy("VIP", vip_only=True, first_reply_minutes=60)
    pro = policy("Pro", plans="pro, enterprise", first_reply_minutes=90)
    assert targets(new_ticket(staff, email="vip@example.net"))["first_reply"].policy_id == vip.id
    assert targets(new_ticket(staff, email="pro@example.net"))["first_reply"].policy_id == pro.id
    assert targets(new_ticket(staff, email="nobody@example.net")) == {}
    assert fresh(new_ticket(staff, email="nobody@example.net")).sla_due_at is None


def test_a_disabled_policy_is_skipped(database, set_now):
    set_now(MONDAY)
    staff = agent()
    first = policy("First", first_reply_minutes=10)
    admin = agent("Boss", "admin")
    policies.sla_policy_toggle(actor=admin, policy=first, enabled=False)
    second = policy("Second", first_reply_minutes=20)
    assert targets(new_ticket(staff))["first_reply"].policy_id == second.id


def test_a_public_reply_meets_the_reply_clock_and_a_note_does_not(database, set_now):
    set_now(MONDAY)
    staff = agent()
    policy("Everyone", first_reply_minutes=120, next_reply_minutes=60, resolution_minutes=480)
    ticket = new_ticket(staff)
    set_now(MONDAY + timedelta(minutes=10))
    ticket_reply(ticket=ticket, author=staff, body="Looking.", internal=True)
    assert targets(ticket)["first_reply"].met_at is None
    set_now(MONDAY + timedelta(minutes=20))
    ticket_reply(ticket=ticket, author=staff, body="On it.")
    first = targets(ticket)["first_reply"]
    assert first.met_at == MONDAY + timedelta(minutes=20)
    assert first.breached_at is None
    ticket = fresh(ticket)
    assert ticket.sla_due_kind == "resolution"

    # The customer writes again: a next-reply clock starts from their message.
    set_now(MONDAY + timedelta(hours=1))
    ticket_customer_reply(ticket=ticket, body="Any news?")
    nxt = targets(ticket)["next_reply"]
    assert nxt.due_at == MONDAY + timedelta(hours=2)
    assert (fresh(ticket).sla_due_at, fresh(ticket).sla_due_kind) == (
        MONDAY + timedelta(hours=2),
        "next_reply",
    )
    # A second message while that clock runs starts no other.
    set_now(MONDAY + timedelta(hours=1, minutes=5))
    ticket_customer_reply(ticket=fresh(ticket), body="Hello?")
    count = db.session.scalar(
        sa.select(sa.func.count()).where(
            SlaTarget.ticket_id == ticket.id, SlaTarget.kind == "next_reply"
        )
    )
    assert count == 1


def test_waiting_on_the_customer_pauses_over_the_weekend_and_resumes(database, set_now):
    friday = datetime(2026, 6, 5, 15, 0, tzinfo=UTC)
    set_now(friday)
    staff = agent()
    policy("Everyone", resolution_minutes=4 * 60)
    ticket = new_ticket(staff)
    assert targets(ticket)["resolution"].due_at == datetime(2026, 6, 8, 11, 0, tzinfo=UTC)

    # Friday 16:00 the agent asks the customer: one business hour used, three left.
    set_now(friday + timedelta(hours=1))
    ticket_update(ticket=ticket, actor=staff, status="pending")
    clock_ = targets(ticket)["resolution"]
    assert (clock_.due_at, clock_.paused_at, clock_.remaining_seconds) == (
        None,
        friday + timedelta(hours=1),
        3 * 3600,
    )
    assert fresh(ticket).sla_due_at is None

    # The customer answers on Tuesday at 10:00: three business hours from then.
    tuesday = datetime(2026, 6, 9, 10, 0, tzinfo=UTC)
    set_now(tuesday)
    ticket_customer_reply(ticket=fresh(ticket), body="Here is the file.")
    clock_ = targets(ticket)["resolution"]
    assert clock_.paused_at is None
    assert clock_.due_at == tuesday + timedelta(hours=3)
    assert clock_.remaining_seconds is None
    assert fresh(ticket).sla_due_at == tuesday + timedelta(hours=3)


def test_resolving_meets_resolution_cancels_replies_and_reopening_starts_again(database, set_now):
    set_now(MONDAY)
    staff = agent()
    policy("Everyone", first_reply_minutes=60, resolution_minutes=240)
    ticket = new_ticket(staff)
    set_now(MONDAY + timedelta(hours=2))  # past the first reply's due time, not swept yet
    ticket_update(ticket=ticket, actor=staff, status="resolved")
    clocks = targets(ticket)
    assert clocks["resolution"].met_at == MONDAY + timedelta(hours=2)
    assert clocks["resolution"].breached_at is None
    assert clocks["first_reply"].cancelled_at == MONDAY + timedelta(hours=2)
    assert fresh(ticket).sla_due_at is None

    set_now(MONDAY + timedelta(hours=3))
    ticket_customer_reply(ticket=fresh(ticket), body="It broke again.")
    resolution = db.session.scalars(
        sa.select(SlaTarget)
        .where(SlaTarget.ticket_id == ticket.id, SlaTarget.kind == "resolution")
        .order_by(SlaTarget.id)
    ).all()
    assert len(resolution) == 2
    assert resolution[1].started_at == MONDAY + timedelta(hours=3)
    assert resolution[1].due_at == MONDAY + timedelta(hours=7)


def test_met_after_the_due_time_counts_as_breached(database, set_now):
    set_now(MONDAY)
    staff = agent()
    policy("Everyone", first_reply_minutes=30)
    ticket = new_ticket(staff)
    set_now(MONDAY + timedelta(minutes=45))
    ticket_reply(ticket=ticket, author=staff, body="Sorry for the wait.")
    first = targets(ticket)["first_reply"]
    assert first.met_at == MONDAY + timedelta(minutes=45)
    assert first.breached_at == MONDAY + timedelta(minutes=30)


def test_a_priority_change_to_another_policy_restarts_from_the_same_start(database, set_now):
    set_now(MONDAY)
    staff = agent()
    urgent = policy("Urgent", priorities=["urgent"], first_reply_minutes=30)
    normal = policy("Everyone", first_reply_minutes=240)
    ticket = new_ticket(staff)
    old = targets(ticket)["first_reply"]
    assert old.policy_id == normal.id
    set_now(MONDAY + timedelta(minutes=10))
    ticket_update(ticket=ticket, actor=staff, priority="urgent")
    db.session.expire_all()
    clocks = db.session.scalars(
        sa.select(SlaTarget).where(SlaTarget.ticket_id == ticket.id).order_by(SlaTarget.id)
    ).all()
    assert [(c.policy_id, c.cancelled_at is not None) for c in clocks] == [
        (normal.id, True),
        (urgent.id, False),
    ]
    assert clocks[1].started_at == MONDAY
    assert clocks[1].due_at == MONDAY + timedelta(minutes=30)
    assert fresh(ticket).sla_due_at == MONDAY + timedelta(minutes=30)
    # Changing to a priority the same policy covers changes nothing.
    ticket_update(ticket=fresh(ticket), actor=staff, priority="urgent")
    assert len(db.session.scalars(sa.select(SlaTarget)).all()) == 2


def test_deleting_a_policy_cancels_its_running_clocks(database, set_now):
    set_now(MONDAY)
    staff = agent()
    everyone = policy("Everyone", first_reply_minutes=60)
    ticket = new_ticket(staff)
    policies.sla_policy_delete(actor=agent("Boss", "admin"), policy=everyone)
    clock_ = db.session.scalars(sa.select(SlaTarget)).one()
    assert clock_.cancelled_at == MONDAY
    assert clock_.policy_id is None
    assert fresh(ticket).sla_due_at is None


# --- the breach sweep ---------------------------------------------------------------------


def test_a_breach_is_marked_escalated_told_and_audited_once(database, set_now):
    set_now(MONDAY)
    staff = agent()
    policy(
        "VIP",
        first_reply_minutes=60,
        escalate_to_assignee=True,
        escalate_to_founders=True,
    )
    ticket = new_ticket(staff)
    ticket_update(ticket=ticket, actor=staff, assignee_id=staff.id)

    set_now(MONDAY + timedelta(minutes=59))
    assert sweep_breaches() == 0
    set_now(MONDAY + timedelta(hours=1))
    assert sweep_breaches() == 1
    assert sweep_breaches() == 0
    first = targets(ticket)["first_reply"]
    assert first.breached_at == MONDAY + timedelta(hours=1)
    assert first.met_at is None
    [escalation] = db.session.scalars(sa.select(Escalation)).all()
    assert (escalation.ticket_id, escalation.reason, escalation.status) == (
        ticket.id,
        "sla_breach",
        "open",
    )
    [bell] = db.session.scalars(
        sa.select(Notification).where(Notification.kind == "sla_breached")
    ).all()
    assert (bell.user_id, bell.ticket_id, bell.sla_target_id) == (staff.id, ticket.id, first.id)
    [breach] = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "sla.breached")
    ).all()
    assert breach.changes["sla_kind"] == "first_reply"
    # Still overdue on the ticket until someone replies (late).
    assert fresh(ticket).sla_due_at == MONDAY + timedelta(hours=1)
    set_now(MONDAY + timedelta(hours=2))
    ticket_reply(ticket=fresh(ticket), author=staff, body="Sorry.")
    first = targets(ticket)["first_reply"]
    assert (first.met_at, first.breached_at) == (
        MONDAY + timedelta(hours=2),
        MONDAY + timedelta(hours=1),
    )


def test_a_policy_without_escalation_only_records_the_breach(database, set_now):
    set_now(MONDAY)
    staff = agent()
    policy("Quiet", first_reply_minutes=5, escalate_to_assignee=False)
    ticket = new_ticket(staff)
    ticket_update(ticket=ticket, actor=staff, assignee_id=staff.id)
    set_now(MONDAY + timedelta(minutes=5))
    assert sweep_breaches() == 1
    assert db.session.scalar(sa.select(sa.func.count(Escalation.id))) == 0
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(Notification.kind == "sla_breached")
        )
        == 0
    )


def test_a_paused_or_met_clock_is_never_breached(database, set_now):
    set_now(MONDAY)
    staff = agent()
    policy("Everyone", first_reply_minutes=30, resolution_minutes=60)
    paused, met = new_ticket(staff), new_ticket(staff, email="d@example.net")
    ticket_update(ticket=paused, actor=staff, status="pending")
    ticket_reply(ticket=met, author=staff, body="Done.", status="resolved")
    set_now(MONDAY + timedelta(days=3))
    assert sweep_breaches() == 0


def test_the_sweep_is_bounded_and_the_next_carries_on(database, set_now, monkeypatch):

    set_now(MONDAY)
    staff = agent()
    policy("Everyone", first_reply_minutes=30)
    for number in range(5):
        new_ticket(staff, email=f"c{number}@example.net")
    monkeypatch.setattr(batches, "MAX_BATCHES", 1)
    set_now(MONDAY + timedelta(hours=1))
    assert sweep_breaches(batch=2) == 2
    assert sweep_breaches(batch=2) == 2
    assert sweep_breaches(batch=2) == 1
    assert sweep_breaches(batch=2) == 0


# --- two sweepers at once (PostgreSQL) -------------------------------------------------------


def _sweeper(url: str, at: datetime, start: Any, results: Any) -> None:
    app = create_app(app_config(url))
    clock.set_now(at)
    done = 0
    with app.app_context():
        start.wait(120)
        while True:
            count = sweep_breaches(batch=25)
            done += count
            if count == 0:
                break
        db.engine.dispose()
    results.put((os.getpid(), done))


def test_two_sweeper_processes_breach_and_escalate_each_clock_once(database, database_url, set_now):
    if not database_url.startswith("postgresql"):
        pytest.skip(
            "two sweepers racing is a PostgreSQL test (FOR UPDATE SKIP LOCKED); "
            "SQLite serialises writers"
        )
    set_now(MONDAY)
    staff = agent()
    policy(
        "Everyone",
        first_reply_minutes=30,
        resolution_minutes=60,
        escalate_to_founders=True,
    )
    for number in range(200):
        new_ticket(staff, email=f"c{number}@example.net")
    db.session.execute(sa.update(Ticket).values(assignee_id=staff.id))
    db.session.commit()
    later = MONDAY + timedelta(hours=2)

    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(2), context.Queue()
    children = [
        context.Process(target=_sweeper, args=(database_url, later, start, results))
        for _ in range(2)
    ]
    for child in children:
        child.start()
    totals = [results.get(timeout=300) for _ in children]
    for child in children:
        child.join(60)
        assert child.exitcode == 0

    assert sum(done for _, done in totals) == 400
    breached = db.session.scalar(
        sa.select(sa.func.count(SlaTarget.id)).where(SlaTarget.breached_at.is_not(None))
    )
    assert breached == 400
    # One founders' queue item per ticket (two clocks breached: the second finds it open).
    assert db.session.scalar(sa.select(sa.func.count(Escalation.id))) == 200
    bells = db.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(Notification.kind == "sla_breached")
    )
    assert bells == 400
    audits = db.session.scalar(
        sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "sla.breached")
    )
    assert audits == 400


def test_a_customer_becoming_vip_moves_their_open_tickets_to_the_vip_policy(database, set_now):
    from helpdesk.customers.service import customer_upsert

    set_now(MONDAY)
    staff = agent()
    vip = policy("VIP", vip_only=True, first_reply_minutes=30)
    everyone = policy("Everyone", first_reply_minutes=240)
    ticket = new_ticket(staff, email="soon-vip@example.net")
    assert targets(ticket)["first_reply"].policy_id == everyone.id
    set_now(MONDAY + timedelta(minutes=10))
    customer_upsert(actor=staff, email="soon-vip@example.net", vip=True)
    clock_ = targets(ticket)["first_reply"]
    assert (clock_.policy_id, clock_.started_at, clock_.due_at) == (
        vip.id,
        MONDAY,
        MONDAY + timedelta(minutes=30),
    )
    assert fresh(ticket).sla_due_at == MONDAY + timedelta(minutes=30)
    # A change of name only leaves the clocks alone.
    customer_upsert(actor=staff, email="soon-vip@example.net", name="Renamed")
    assert len(db.session.scalars(sa.select(SlaTarget)).all()) == 2
