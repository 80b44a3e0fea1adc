"""Claiming rows and opening transactions, the same intent on either database.

Domain code says what it wants (claim these rows, begin the transaction now); the
dialect-specific mechanics (`FOR UPDATE SKIP LOCKED` on PostgreSQL, an explicit `BEGIN`
for the stdlib sqlite3 driver) live here.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from helpdesk.extensions import db


def claimable(candidates: sa.Select[Any]) -> sa.Select[Any] | list[Any] | None:
    """What a conditional `UPDATE ... WHERE id IN (...)` should claim from `candidates` (a
    select of ids, ordered and limited by the caller), in the session's transaction.

    On PostgreSQL: the ids of the candidate rows no other transaction holds, locked now
    for this one (`FOR UPDATE SKIP LOCKED`), so concurrent claimers take disjoint batches
    instead of queueing on each other; None when every candidate is taken (or there is
    none). On SQLite: `candidates` itself, as a subquery of the UPDATE, which is atomic
    because writes are serialised."""
    if db.session.get_bind().dialect.name != "postgresql":
        return candidates
    locked = list(db.session.scalars(candidates.with_for_update(skip_locked=True)))
    return locked or None


def begin_transaction_now() -> None:
    """Open the session's database transaction now, if the driver has not yet.

    The stdlib sqlite3 driver opens its transaction only at the first write; a SAVEPOINT
    issued before that would become the outer transaction and its RELEASE would commit the
    caller's work early. Call this before `begin_nested()` so the savepoint nests as it
    should. On SQLite the `BEGIN` also takes the writers' turn (`helpdesk.db.sqlite`);
    PostgreSQL's driver is always in a transaction already."""
    connection = db.session.connection()
    dbapi = connection.connection.dbapi_connection
    if connection.dialect.name == "sqlite" and not getattr(dbapi, "in_transaction", True):
        connection.exec_driver_sql("BEGIN")
