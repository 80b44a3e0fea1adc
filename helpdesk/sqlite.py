"""SQLite tuning, set on every new connection: WAL mode (readers never block the writer), a
busy timeout, foreign keys, and the `synchronous` level.

`synchronous=NORMAL` (HELPDESK_SQLITE_SYNCHRONOUS, default) is what SQLite recommends with
WAL: a commit no longer waits for an fsync (a few milliseconds on every write), the
database can never be corrupted, and only a power loss or OS crash (not an app crash) may
lose the transactions committed since the last checkpoint. `FULL` fsyncs every commit.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

SYNCHRONOUS_LEVELS = ("NORMAL", "FULL")


def enable_wal_and_busy_timeout(
    engine: sa.Engine, busy_timeout_ms: int = 5000, synchronous: str = "NORMAL"
) -> None:
    if synchronous not in SYNCHRONOUS_LEVELS:
        raise ValueError(f"synchronous must be one of {', '.join(SYNCHRONOUS_LEVELS)}")

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
