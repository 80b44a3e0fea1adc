"""SQLite tuning: WAL mode (readers never block the writer) and a busy timeout, set on every
new connection."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def enable_wal_and_busy_timeout(engine: sa.Engine, busy_timeout_ms: int = 5000) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
