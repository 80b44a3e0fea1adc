"""Time limits on the scheduler's PostgreSQL sessions, so a scheduler that hangs while
connected (paused, stuck in a network call, a runaway query) cannot hold its claimed rows
locked for the others.

`run_external` (the production scheduler process) calls `limit_scheduler_sessions` before
its first job: every connection its engine hands out from then on is set to

- `idle_in_transaction_session_timeout`: a transaction left open this long with nothing
  running is ended by the server, which releases its row locks (`FOR UPDATE SKIP LOCKED`
  claims), so the other schedulers take the rows over;
- `lock_timeout`: a statement waits at most this long for a lock, then fails (the job's
  run is rolled back and recorded as failed; the next run tries again);
- `statement_timeout`: no statement runs longer than this.

Web processes keep the server's settings (an upload may legitimately take a while inside
its transaction), as do migrations. SQLite has no such settings: its writers take turns
(`helpdesk.db.sqlite`).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from helpdesk.extensions import db

# Setting: value. The app config's SCHEDULER_PG_LIMITS overrides any (tests shorten them).
DEFAULT_LIMITS = {
    "idle_in_transaction_session_timeout": "30s",
    "lock_timeout": "10s",
    "statement_timeout": "1min",
}


def limit_scheduler_sessions(app: Flask) -> bool:
    """Give every PostgreSQL connection `app`'s engine hands out from now on the scheduler's
    limits (set once per connection, at its first checkout after this call); False
    (nothing to do) on SQLite."""
    limits: dict[str, str] = {**DEFAULT_LIMITS, **app.config.get("SCHEDULER_PG_LIMITS", {})}
    with app.app_context():
        engine = db.engine
        if engine.dialect.name != "postgresql":
            return False

        def apply(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
            if record.info.get("scheduler_limits") == limits:
                return
            cursor = dbapi_connection.cursor()
            for name, value in limits.items():
                cursor.execute("SELECT set_config(%s, %s, false)", (name, value))
            cursor.close()
            dbapi_connection.commit()  # a SET rolled back with its transaction is undone
            record.info["scheduler_limits"] = limits

        sa.event.listen(engine, "checkout", apply)
    return True
