"""SQLite tuning: WAL mode (readers never block the writer), a busy timeout, foreign keys,
the `synchronous` level, and writers that take turns instead of backing off.

`synchronous=NORMAL` (HELPDESK_SQLITE_SYNCHRONOUS, default) is what SQLite recommends with
WAL: a commit no longer waits for an fsync on every write, the
database can never be corrupted, and only a power loss or OS crash (not an app crash) may
lose the transactions committed since the last checkpoint. `FULL` fsyncs every commit.

**Writers take turns.** SQLite lets one transaction write at a time. A connection that finds
the write lock taken waits in SQLite's busy handler, which sleeps longer and longer between
tries: under steady writes from two workers the waiter keeps missing the short gaps between
the other's transactions. So every connection first takes an exclusive `flock` on
`<database>-writers` (a file beside the `-wal` and `-shm` files) just before its
transaction's first write, retrying in short steps, and drops it when the transaction ends
(commit, rollback, close), so writers follow each other closely (the figures:
docs/architecture.md, Performance). The lock only orders writers; SQLite's own locking
still guarantees correctness, so a writer that cannot get the file lock within the busy
timeout (another program writing, a connection holding it elsewhere in the same thread)
simply goes on to SQLite's lock as before.

The Python driver opens a transaction just before the first INSERT, UPDATE, DELETE or
REPLACE (reads before that run outside any transaction), so those statements, and an
explicit BEGIN, are where the turn is taken. A connection already in a transaction never
waits for the file lock, so it cannot wait for a turn while holding SQLite's write lock.
"""

from __future__ import annotations

import fcntl
import functools
import os
import sqlite3
import time
from collections.abc import Iterable
from typing import Any, Self

import sqlalchemy as sa

SYNCHRONOUS_LEVELS = ("NORMAL", "FULL")
BUSY_TIMEOUT_MS = 5000
TURN_RETRY_SECONDS = 0.0005
# The statements before which the driver begins a transaction, and an explicit BEGIN.
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "BEGIN")


def writers_lock_path(database: str) -> str | None:
    """The turn file for a database file, or None for an in-memory or URI database."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return f"{os.path.abspath(database)}-writers"


class WriterTurn:
    """An exclusive `flock` on the turn file, taken and given back by one connection."""

    def __init__(self, path: str, timeout: float = BUSY_TIMEOUT_MS / 1000):
        self.path = path
        self.timeout = timeout
        self.held = False
        self._fd: int | None = None
        self._pid = 0

    def _descriptor(self) -> int:
        # Reopened in a forked child: a descriptor shared across fork shares its flock.
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd

    def take(self) -> bool:
        """Wait for the turn (up to the timeout); False if it did not come."""
        if self.held:
            return True
        fd = self._descriptor()
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(TURN_RETRY_SECONDS)
            else:
                self.held = True
                return True

    def give_back(self) -> None:
        if self.held and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self.held = False

    def close(self) -> None:
        self.give_back()
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None


class _TurnCursor(sqlite3.Cursor):
    connection: TurnTakingConnection

    def execute(self, sql: str, parameters: Any = (), /) -> Self:
        self.connection.before_statement(sql)
        return super().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Self:
        self.connection.before_statement(sql)
        return super().executemany(sql, parameters)


class TurnTakingConnection(sqlite3.Connection):
    """A driver connection that takes the writers' turn before its transaction's first
    write and gives it back when the transaction ends (see the module docstring)."""

    def __init__(self, database: Any, *args: Any, turn_timeout: float | None = None, **kwargs: Any):
        super().__init__(database, *args, **kwargs)
        path = writers_lock_path(os.fsdecode(database))
        timeout = BUSY_TIMEOUT_MS / 1000 if turn_timeout is None else turn_timeout
        self.turn = WriterTurn(path, timeout=timeout) if path else None

    def before_statement(self, sql: str) -> None:
        if self.turn is None or self.in_transaction or self.turn.held:
            return
        if sql.lstrip()[:7].upper().startswith(_WRITES):
            self.turn.take()

    def cursor(self, factory: Any = _TurnCursor) -> Any:
        return super().cursor(factory)

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        self.before_statement(sql)
        return super().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> sqlite3.Cursor:
        self.before_statement(sql)
        return super().executemany(sql, parameters)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._end_of_transaction()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._end_of_transaction()

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.turn is not None:
                self.turn.close()

    def _end_of_transaction(self) -> None:
        if self.turn is not None and not self.in_transaction:
            self.turn.give_back()


def sqlite_engine_options(
    options: dict[str, Any], *, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> dict[str, Any]:
    """`options` for a SQLite engine, with connections that take turns to write (waiting
    at most `busy_timeout_ms` for a turn)."""
    factory = functools.partial(TurnTakingConnection, turn_timeout=busy_timeout_ms / 1000)
    connect_args = {**options.get("connect_args", {}), "factory": factory}
    return {**options, "connect_args": connect_args}


def enable_wal_and_busy_timeout(
    engine: sa.Engine, busy_timeout_ms: int = BUSY_TIMEOUT_MS, synchronous: str = "NORMAL"
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
