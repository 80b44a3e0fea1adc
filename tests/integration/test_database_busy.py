"""A busy database answers 503 with Retry-After, not 500 (issue 26, item 3): while another
process holds SQLite's write lock (a scheduler paused mid-transaction), a write through
the REST API or a staff form waits the busy timeout (shortened here) and then says "try
again shortly" from an error path that reads nothing from the database."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from helpdesk import clock, create_app
from helpdesk.db.busy import database_busy
from helpdesk.db.sqlite import TurnTakingConnection
from helpdesk.extensions import db, limiter
from helpdesk.web.error_handlers import database_busy_response
from tests.conftest import app_config, csrf_token, empty_tables
from tests.factories import TicketFactory

BUSY_MS = 100


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    """The app with a short busy timeout (SQLite only: PostgreSQL web sessions wait)."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock")
    app = create_app({**app_config(database_url), "SQLITE_BUSY_TIMEOUT_MS": BUSY_MS})
    yield app
    with app.app_context():
        db.session.remove()
        empty_tables()
        db.session.remove()
        db.engine.dispose()
    limiter.reset()
    clock.set_now(None)


def database_file(app: Flask) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")


HOLDERS = ["another program", "a stalled scheduler"]


@contextmanager
def write_lock_held(app: Flask, holder: str) -> Iterator[None]:
    """Hold SQLite's write lock from another connection: a plain one (SQLite's lock only),
    or one of ours in a transaction (the writers' turn as well, as a paused scheduler)."""
    if holder == "another program":
        connection = sqlite3.connect(database_file(app), isolation_level=None)
    else:
        connection = sqlite3.connect(database_file(app), factory=TurnTakingConnection)
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        connection.rollback()
        connection.close()


def assert_busy(response: Any) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)[:500]
    # 5 s, or later when the API's rate limit (Flask-Limiter) resets later than that.
    assert int(response.headers["Retry-After"]) >= 5
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("holder", HOLDERS)
def test_an_api_patch_answers_503_json_while_the_write_lock_is_held(app, client, api_token, holder):
    caller = api_token("agent")
    with app.app_context():
        number = TicketFactory().number
    with write_lock_held(app, holder):
        response = client.patch(
            f"/api/v1/tickets/{number}", json={"priority": "urgent"}, headers=caller.headers
        )
    assert_busy(response)
    assert response.json == {
        "error": {"code": "database_busy", "message": "Please try again in a moment."}
    }


@pytest.mark.parametrize("holder", HOLDERS)
def test_a_form_post_answers_a_minimal_503_page_while_the_write_lock_is_held(app, login_as, holder):
    client = login_as("agent")
    with app.app_context():
        ticket = TicketFactory()
    token = csrf_token(client, f"/tickets/{ticket.number}")
    with write_lock_held(app, holder):
        response = client.post(
            f"/tickets/{ticket.number}/properties",
            data={"status": "pending", "priority": "high", "assignee": "none", "csrf_token": token},
            headers={"Accept-Language": "th"},
        )
    assert_busy(response)
    html = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert '<html lang="th">' in html
    assert "503" in html and "Please try again in a moment." not in html  # in Thai
    assert client.user.name not in html  # nothing about the user: none was looked up


def test_the_busy_answer_reads_nothing_from_the_database(app):
    statements: list[str] = []
    with app.app_context():

        def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            for path in ("/api/v1/tickets/1", "/tickets/1"):
                with app.test_request_context(path, method="POST"):
                    assert database_busy_response().status_code == 503
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
    assert statements == []


def test_only_lock_errors_count_as_busy():
    memory = sqlite3.connect(":memory:")
    try:
        memory.execute("SELECT * FROM missing")
    except sqlite3.OperationalError as error:
        assert not database_busy(error)
    assert database_busy(sqlite3.OperationalError("database is locked"))
    assert database_busy(
        sa.exc.OperationalError("UPDATE", {}, sqlite3.OperationalError("database is locked"))
    )


def test_once_the_lock_is_released_the_same_write_succeeds(app, client, api_token):
    caller = api_token("agent")
    with app.app_context():
        number = TicketFactory().number
    with write_lock_held(app, "another program"):
        busy = client.patch(
            f"/api/v1/tickets/{number}", json={"priority": "low"}, headers=caller.headers
        )
    assert busy.status_code == 503
    done = client.patch(
        f"/api/v1/tickets/{number}", json={"priority": "low"}, headers=caller.headers
    )
    assert done.status_code == 200 and done.json["priority"] == "low"


def test_an_api_post_whose_key_was_claimed_still_answers_503(app, client, api_token, monkeypatch):
    """The Idempotency-Key was claimed before the lock was taken: giving it back finds the
    database busy too, and the answer is still the 503 (the key frees itself later)."""
    from helpdesk.api import tickets as api_tickets

    caller = api_token("agent")
    real_create = api_tickets.ticket_create
    holder = sqlite3.connect(database_file(app), isolation_level=None)

    def create_while_locked(**values: Any) -> Any:
        holder.execute("BEGIN IMMEDIATE")  # a scheduler stalls just now
        return real_create(**values)

    monkeypatch.setattr(api_tickets, "ticket_create", create_while_locked)
    try:
        response = client.post(
            "/api/v1/tickets",
            json={
                "customer_email": "ana@example.com",
                "customer_name": "Ana",
                "subject": "Hi",
                "body": "Hello",
            },
            headers={**caller.headers, "Idempotency-Key": "k-1"},
        )
    finally:
        holder.rollback()
        holder.close()
    assert_busy(response)
    assert response.json["error"]["code"] == "database_busy"
