"""The hot pages read big tables through indexes: no statement they run scans tickets,
messages, customers, escalations, promises, ratings, recoveries or the audit trail (SQLite's
plan, which without ANALYZE statistics depends on the schema alone). The one allowed scan is
the view counts' covering index, which is kept per process (test_view_counts.py)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from helpdesk.dev.generate import generate
from helpdesk.extensions import db
from helpdesk.models import Ticket

BIG = (
    "tickets", "messages", "customers", "escalations", "promises", "ratings", "recoveries",
    "audit_events",
)  # fmt: skip
ALLOWED = ("USING COVERING INDEX ix_tickets_status_kind_assignee_id",)


def test_hot_pages_never_scan_a_big_table(app, login_as):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite's query plans")
    agent = login_as("agent")
    with app.app_context():
        generate(tickets=40, seed=6)
        number = db.session.scalar(sa.select(sa.func.max(Ticket.number)))
        engine = db.engine
    statements: list[tuple[str, object]] = []

    def record(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, params))

    sa.event.listen(engine, "after_cursor_execute", record)
    try:
        for url in (
            "/inbox",
            "/inbox?view=complaints",
            "/inbox?view=promises",
            "/inbox?view=waiting&sort=waiting",
            "/inbox?view=all&sort=priority",
            "/inbox?sort=due",
            "/inbox?view=breaching",
            "/inbox?view=all&q=refund",
            "/inbox?view=snoozed",
            "/inbox?view=spam",
            f"/tickets/{number}",
        ):
            assert agent.get(url).status_code == 200, url
    finally:
        sa.event.remove(engine, "after_cursor_execute", record)
    scans = set()
    with app.app_context():
        connection = db.session.connection()
        for statement, params in statements:
            plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
            for row in plan:
                detail = row[-1]
                found = re.match(r"SCAN (\w+)", detail)
                if found and found.group(1) in BIG and not detail.endswith(ALLOWED):
                    scans.add(f"{detail}: {statement[:120]}")
    assert not scans, "\n".join(sorted(scans))


@pytest.mark.parametrize(
    ("url", "index"),
    [
        ("/inbox?view=complaints", "ix_tickets_status_kind_last_activity_at (status=? AND kind=?)"),
        ("/inbox?view=mine", "ix_tickets_assignee_id_status_last_activity_at (assignee_id=? AND"),
        ("/inbox?view=unassigned", "ix_tickets_assignee_id_status_last_activity_at (assignee_id"),
    ],
)
def test_filtered_views_read_only_their_own_rows(app, login_as, url, index):
    """Each status of a filtered view comes from an index led by the filter, so a page reads
    its 51 rows, not every ticket of the status to find them."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite's query plans")
    agent = login_as("agent")
    with app.app_context():
        generate(tickets=20, seed=7)
        engine = db.engine
    statements: list[tuple[str, object]] = []

    def record(conn, cursor, statement, params, context, executemany):
        if "last_activity_at" in statement and "UNION ALL" in statement:
            statements.append((statement, params))

    sa.event.listen(engine, "after_cursor_execute", record)
    try:
        assert agent.get(url).status_code == 200
    finally:
        sa.event.remove(engine, "after_cursor_execute", record)
    assert statements
    with app.app_context():
        connection = db.session.connection()
        for statement, params in statements:
            plan = [
                row[-1]
                for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)
            ]
            searches = [detail for detail in plan if detail.startswith("SEARCH tickets")]
            assert searches and all(index in detail for detail in searches), plan


def test_starting_a_conversation_reads_no_big_table_whole(app, client):
    """A widget conversation's statements (the acknowledgement limit counts the address's
    emails of the last hour by ix_outbox_to_address_created_at) read through indexes."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite's query plans")
    from tests.integration.test_widget_api import start

    with app.app_context():
        engine = db.engine
    statements: list[tuple[str, object]] = []

    def record(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, params))

    sa.event.listen(engine, "after_cursor_execute", record)
    try:
        assert start(client).status_code == 201
    finally:
        sa.event.remove(engine, "after_cursor_execute", record)
    details = []
    with app.app_context():
        connection = db.session.connection()
        for statement, params in statements:
            details += [
                row[-1]
                for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)
            ]
    assert any("ix_outbox_to_address_created_at" in detail for detail in details), details
    scans = [d for d in details if re.match(r"SCAN (\w+)", d) and d.split()[1] in (*BIG, "outbox")]
    assert not scans, scans
