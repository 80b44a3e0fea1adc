"""PostgreSQL connection settings, and prepared statements kept across requests.

**Settings**, sent by libpq as the connection's `options` (HELPDESK_POSTGRESQL_OPTIONS,
read and checked in config.py; empty leaves everything to the server's configuration).
The default, `-c max_parallel_workers_per_gather=0 -c random_page_cost=1.1
-c plan_cache_mode=force_custom_plan`:
- **No parallel query.** Starting worker processes costs more than the whole of a typical
  helpdesk query, and on a small server the workers take the cores the web workers need.
- **Random reads priced for SSDs** (the server's default, 4, assumes spinning disks): with
  4, the planner scanned every customer for a rare word rather than use the trigram index.
- **A plan for each query's own values.** psycopg prepares a statement after its fifth
  use, and PostgreSQL then may switch to one generic plan for any values. For search that
  is the wrong plan for almost every word (how many rows a word matches decides between the
  trigram index and a walk from the newest row), and a generic plan for `max(id) WHERE
  object_type = $1` walked the whole audit trail for a rare object type (issue 25).

**Prepared statements kept** (`keep_prepared_statements`). psycopg forgets every
prepared statement when a transaction rolls back, and every request's transaction ended
with a rollback, so each statement was parsed again on every request. A request's
transaction that only read (every statement a `SELECT`, `SHOW` or `SET LOCAL`, nothing
pending in the session, no error) now ends with a commit, which changes nothing for a
read; any other still rolls back as before.

**One plan for any values, where measured** (`plan_once_for_any_values`). A page whose
statements were all measured at size with generic plans may ask for them for the rest of
its transaction: the ticket page, whose main statement (eight tables joined) took about
1 ms of the server's CPU to plan on every request.

What each setting was measured to change is in docs/architecture.md (Performance).
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from flask import Flask

from helpdesk.extensions import db

log = logging.getLogger(__name__)
# In a connection's `info`: its transaction ran a statement that may have written.
_WROTE = "helpdesk_wrote"
# Statements that leave nothing behind once the transaction ends, whichever way it ends.
_READS = ("SELECT", "SHOW", "SET LOCAL")


def postgresql_engine_options(options: dict[str, Any], *, settings: str) -> dict[str, Any]:
    """`options` for a PostgreSQL engine, with `settings` sent on every connection."""
    if not settings:
        return options
    connect_args = dict(options.get("connect_args", {}))
    connect_args["options"] = " ".join(filter(None, (connect_args.get("options"), settings)))
    return {**options, "connect_args": connect_args}


def keep_prepared_statements(app: Flask, engine: sa.Engine) -> None:
    """Let psycopg keep its prepared statements across requests (see the module's
    docstring)."""
    sa.event.listen(engine, "begin", _forget_writes)
    sa.event.listen(engine, "before_cursor_execute", _note_writes)
    # Runs before Flask-SQLAlchemy's own teardown (registered earlier), which rolls back.
    app.teardown_appcontext(_commit_if_only_read)


def plan_once_for_any_values() -> None:
    """For the rest of this transaction, let PostgreSQL plan a prepared statement once for
    any values (`plan_cache_mode = auto`) instead of for each execution's own. Only for a
    page whose every statement was measured at size that way (docs/architecture.md →
    Performance): a generic plan can be far worse for a rare value. Nothing on SQLite."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(_AUTO_PLANS)


_AUTO_PLANS = sa.text("SET LOCAL plan_cache_mode = auto")


def _forget_writes(connection: sa.Connection) -> None:
    connection.info.pop(_WROTE, None)


def _note_writes(
    connection: sa.Connection,
    cursor: Any,
    statement: str,
    parameters: Any,
    context: Any,
    executemany: bool,
) -> None:
    if not statement.lstrip()[:9].upper().startswith(_READS):
        connection.info[_WROTE] = True


def _commit_if_only_read(error: BaseException | None) -> None:
    """End a request's transaction that only read with a commit, so psycopg keeps its
    prepared statements; anything else is left to the rollback that follows."""
    if error is not None or not db.session.registry.has():
        return
    session = db.session()
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    if session.connection().info.get(_WROTE):
        return
    try:
        session.commit()
    except sa.exc.SQLAlchemyError:
        log.warning("ending a read-only transaction failed; it will be rolled back", exc_info=True)
