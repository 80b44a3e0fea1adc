"""Telling "the database is busy: try again shortly" apart from other database errors.

Busy means another transaction holds what this one needs for longer than it may wait:
SQLite's write lock held past the busy timeout (a scheduler paused mid-transaction, another
program writing: SQLITE_BUSY, SQLITE_LOCKED), or, on PostgreSQL, a lock wait cut short by
`lock_timeout` (SQLSTATE 55P03). The web answers those with 503 and Retry-After
(`helpdesk.web.error_handlers`) instead of a 500.
"""

from __future__ import annotations

import sqlite3

SQLITE_BUSY = 5
SQLITE_LOCKED = 6
POSTGRESQL_LOCK_NOT_AVAILABLE = "55P03"


def database_busy(error: BaseException) -> bool:
    """Whether `error` (SQLAlchemy's, or the driver's own) says the database was busy."""
    driver_error = getattr(error, "orig", None) or error
    if isinstance(driver_error, sqlite3.OperationalError):
        code = getattr(driver_error, "sqlite_errorcode", None)
        if isinstance(code, int):
            return code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED)
        return "locked" in str(driver_error) or "busy" in str(driver_error)
    return getattr(driver_error, "sqlstate", None) == POSTGRESQL_LOCK_NOT_AVAILABLE
