"""The scheduler's PostgreSQL sessions have time limits (`helpdesk.scheduling.timeouts`): a
scheduler that stops while holding a claimed row locked loses its transaction, and the
row, once the idle limit passes, instead of keeping it from the other schedulers."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.scheduling.timeouts import DEFAULT_LIMITS, limit_scheduler_sessions
from tests.factories import TicketFactory


def postgresql_only(app) -> None:  # type: ignore[no-untyped-def]
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("session time limits are PostgreSQL settings")


def test_sqlite_has_nothing_to_limit(app):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("SQLite only")
    assert limit_scheduler_sessions(app) is False


def test_the_schedulers_sessions_get_the_limits(app):
    postgresql_only(app)
    assert limit_scheduler_sessions(app) is True
    with app.app_context(), db.engine.connect() as connection:
        shown = {
            name: connection.execute(sa.text(f"SHOW {name}")).scalar_one()
            for name in DEFAULT_LIMITS
        }
    assert shown == DEFAULT_LIMITS


def test_a_stalled_scheduler_lets_go_of_its_locked_rows(app):
    postgresql_only(app)
    with app.app_context():
        ticket_id = TicketFactory().id
        db.session.commit()
    app.config["SCHEDULER_PG_LIMITS"] = {"idle_in_transaction_session_timeout": "1s"}
    limit_scheduler_sessions(app)
    locked = sa.text("SELECT id FROM tickets WHERE id = :id FOR UPDATE SKIP LOCKED")
    with app.app_context():
        stalled = db.engine.connect()
        stalled.begin()
        assert stalled.execute(locked, {"id": ticket_id}).scalar() == ticket_id
        # Another scheduler (a session without the limits) cannot have the row now...
        other = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        with other.connect() as connection:
            assert connection.execute(locked, {"id": ticket_id}).scalar() is None
        # ...and can once the stalled one has sat idle in its transaction past the limit.
        time.sleep(2.5)
        with other.connect() as connection:
            assert connection.execute(locked, {"id": ticket_id}).scalar() == ticket_id
        with pytest.raises(sa.exc.DBAPIError, match="idle-in-transaction timeout"):
            stalled.execute(sa.text("SELECT 1"))
        stalled.invalidate()  # the server ended it
        stalled.close()
        other.dispose()
