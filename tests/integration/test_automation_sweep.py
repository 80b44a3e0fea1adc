"""Time rules: the sweep closes a ticket waiting on the customer for 7 days with the polite
note, once; a ticket that waits again later is closed again; tickets not yet due, or whose
conditions fail, are left alone; two scheduler processes fire each action once
(PostgreSQL). The clock is frozen; nothing sleeps."""

from __future__ import annotations

import multiprocessing
import os
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from helpdesk import clock, create_app
from helpdesk.automations.rules import Action, Conditions
from helpdesk.automations.sweep import sweep_time_rules
from helpdesk.extensions import db
from helpdesk.models import AutomationRun, Customer, Message, Outbox, Ticket
from helpdesk.tickets.service import ticket_reply
from tests.conftest import app_config
from tests.integration.automation_support import (
    automation_audits,
    customer_replies,
    customer_writes,
    make_rule,
    runs,
    staff,
)

T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def close_idle_rule(**conditions: Any) -> Any:
    return make_rule(
        "Close idle tickets",
        "time_since",
        [Action(type="close", status="closed")],
        conditions=Conditions(statuses=("pending",), **conditions),
        time_field="status_since",
        amount=7,
        unit="days",
    )


def waiting_ticket(
    agent: Any, email: str = "kim@example.net", language: str | None = None
) -> Ticket:
    ticket = customer_writes("My invoice is wrong", email=email, language=language)
    ticket_reply(ticket=ticket, author=agent, body="Which invoice number?", status="pending")
    return ticket


def system_messages(ticket: Ticket) -> list[Message]:
    return list(
        db.session.scalars(
            sa.select(Message)
            .where(Message.ticket_id == ticket.id, Message.author_type == "system")
            .order_by(Message.id)
        )
    )


def test_a_ticket_waiting_seven_days_is_closed_once_with_the_polite_note(database, set_now):
    set_now(T0)
    agent = staff("Agent")
    rule = close_idle_rule()
    ticket = waiting_ticket(agent)
    fresh = None

    set_now(T0 + timedelta(days=6, hours=23))
    assert sweep_time_rules() == 0
    assert ticket.status == "pending"

    set_now(T0 + timedelta(days=7))
    fresh = waiting_ticket(agent, email="fresh@example.net")  # waiting since just now
    assert sweep_time_rules() == 1
    db.session.expire_all()
    assert ticket.status == "closed"
    [note] = system_messages(ticket)
    assert not note.internal and "closing this conversation" in note.body_source
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Outbox.id)).where(Outbox.body_text.contains("closing this"))
        )
        == 1
    )
    assert fresh.status == "pending"
    [event] = automation_audits(ticket)
    assert event.changes["status"] == ["pending", "closed"]

    assert sweep_time_rules() == 0  # again: nothing twice
    assert len(runs(AutomationRun.rule_id == rule.id)) == 1


def test_a_ticket_that_waits_again_later_is_closed_again(database, set_now):
    set_now(T0)
    agent = staff("Agent")
    close_idle_rule()
    ticket = waiting_ticket(agent)
    set_now(T0 + timedelta(days=8))
    assert sweep_time_rules() == 1

    set_now(T0 + timedelta(days=9))
    customer_replies(ticket, "Sorry, I was away. It is invoice 42.")
    assert ticket.status != "closed"
    ticket_reply(ticket=ticket, author=agent, body="Fixed, can you check?", status="pending")
    set_now(T0 + timedelta(days=16, minutes=1))
    assert sweep_time_rules() == 1
    db.session.expire_all()
    assert ticket.status == "closed"
    assert len(system_messages(ticket)) == 2


def test_the_note_is_in_the_customers_language_when_there_is_no_text(database, set_now):
    set_now(T0)
    agent = staff("Agent")
    close_idle_rule()
    ticket = waiting_ticket(agent, language="th")
    set_now(T0 + timedelta(days=7))
    sweep_time_rules()
    [note] = system_messages(ticket)
    # Catalogs are translated after the merge; until then the English default is sent.
    assert note.body_source


def test_tickets_whose_conditions_fail_are_skipped_and_the_sweep_moves_on(database, set_now):
    set_now(T0)
    agent = staff("Agent")
    rule = close_idle_rule(plans=("gold",))
    plain = [waiting_ticket(agent, email=f"p{n}@example.net") for n in range(3)]
    gold = waiting_ticket(agent, email="gold@example.net")
    db.session.get(Customer, gold.customer_id).plan = "Gold"
    db.session.commit()
    set_now(T0 + timedelta(days=8))
    assert sweep_time_rules(batch=2) == 1
    db.session.expire_all()
    assert gold.status == "closed"
    assert {ticket.status for ticket in plain} == {"pending"}
    outcomes = sorted(run.outcome for run in runs(AutomationRun.rule_id == rule.id))
    assert outcomes == ["done", "skipped", "skipped", "skipped"]
    assert sweep_time_rules(batch=2) == 0


def test_a_switched_off_rule_does_not_sweep(database, set_now):
    set_now(T0)
    agent = staff("Agent")
    make_rule(
        "Off",
        "time_since",
        [Action(type="close", status="closed")],
        conditions=Conditions(statuses=("pending",)),
        time_field="status_since",
        amount=1,
        unit="hours",
        enabled=False,
    )
    ticket = waiting_ticket(agent)
    set_now(T0 + timedelta(days=30))
    assert sweep_time_rules() == 0
    assert ticket.status == "pending"


# --- two scheduler processes (PostgreSQL) ------------------------------------------------


def _sweeper(url: str, at: datetime, start: Any, results: Any) -> None:
    app = create_app(app_config(url))
    clock.set_now(at)
    acted = 0
    with app.app_context():
        start.wait(120)
        while True:
            done = sweep_time_rules(batch=20)
            acted += done
            if done == 0:
                break
        db.engine.dispose()
    results.put((os.getpid(), acted))


def test_two_sweeper_processes_close_each_ticket_once(database, database_url, set_now):
    if not database_url.startswith("postgresql"):
        pytest.skip("two sweepers racing is a PostgreSQL test; SQLite serialises writers")
    set_now(T0)
    agent = staff("Agent")
    rule = make_rule(
        "Close idle tickets, in turns",
        "time_since",
        [
            Action(type="add_tags", tags=("idle",)),
            Action(type="close", status="closed", body="Closing for now."),
        ],
        conditions=Conditions(statuses=("pending",)),
        time_field="status_since",
        amount=7,
        unit="days",
    )
    tickets = [waiting_ticket(agent, email=f"c{n}@example.net") for n in range(120)]
    db.session.rollback()

    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(2), context.Queue()
    children = [
        context.Process(
            target=_sweeper, args=(database_url, T0 + timedelta(days=8), start, results)
        )
        for _ in range(2)
    ]
    for child in children:
        child.start()
    totals = [results.get(timeout=300) for _ in children]
    for child in children:
        child.join(60)
        assert child.exitcode == 0

    db.session.expire_all()
    assert sum(acted for _, acted in totals) == 120
    assert {ticket.status for ticket in tickets} == {"closed"}
    assert len(runs(AutomationRun.rule_id == rule.id)) == 120
    closing = db.session.scalar(
        sa.select(sa.func.count(Message.id)).where(
            Message.author_type == "system", Message.body_source == "Closing for now."
        )
    )
    assert closing == 120
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Outbox.id)).where(Outbox.body_text.contains("Closing for now."))
        )
        == 120
    )


def test_the_sweep_finds_waiting_tickets_through_the_status_index(database, set_now):
    """SQLite's plan: the candidates come from ix_tickets_status_status_changed_at, the
    already-run check from the runs' unique index; no ticket or run table is scanned."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plans")
    set_now(T0)
    agent = staff("Agent")
    close_idle_rule()
    waiting_ticket(agent)
    statements: list[tuple[str, Any]] = []

    def record(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT tickets.id".upper()):
            statements.append((statement, params))

    set_now(T0 + timedelta(days=8))
    sa.event.listen(db.engine, "after_cursor_execute", record)
    try:
        assert sweep_time_rules() == 1
    finally:
        sa.event.remove(db.engine, "after_cursor_execute", record)
    assert statements
    connection = db.session.connection()
    for statement, params in statements:
        details = [
            row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)
        ]
        assert any("ix_tickets_status_status_changed_at" in d for d in details), details
        assert not any(d.startswith(("SCAN tickets", "SCAN automation_runs")) for d in details), (
            details
        )
