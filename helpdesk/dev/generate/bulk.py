"""Fast bulk inserts for the generator: prepared tuples through the driver's executemany,
the bulk-load-only SQLite settings, and the search index filled once after the load.

Rows are tuples in the order of the columns named for each table; values pass through the
column types' own bind processors (timestamps, JSON, booleans), so what lands in the
database is exactly what the ORM would have written.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from helpdesk.models.base import UTCDateTime

# SQLite search index (migration 0003): table -> (FTS5 table, indexed columns).
SEARCH_SOURCES = {
    "tickets": ("search_tickets", ("subject",)),
    "customers": ("search_customers", ("name", "email")),
    "messages": ("search_messages", ("body_source",)),
}


class TableWriter:
    """Inserts rows (tuples in `columns` order) into one table with executemany."""

    def __init__(self, connection: sa.Connection, table: sa.Table, columns: Sequence[str]):
        self.connection = connection
        dialect = connection.dialect
        marker = "?" if dialect.paramstyle == "qmark" else "%s"
        names = ", ".join(dialect.identifier_preparer.quote(name) for name in columns)
        markers = ", ".join([marker] * len(columns))
        # Names come from the models' metadata, values travel as parameters.
        self.sql = f"INSERT INTO {table.name} ({names}) VALUES ({markers})"  # nosec B608  # noqa: S608
        self.processors = [
            (index, processor)
            for index, name in enumerate(columns)
            if isinstance(table.c[name].type, (UTCDateTime, sa.JSON, sa.Boolean))
            and (processor := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
            is not None
        ]

    def insert(self, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        if self.processors:
            processors = self.processors
            converted = []
            for row in rows:
                values = list(row)
                for index, processor in processors:
                    value = values[index]
                    if value is not None:
                        values[index] = processor(value)
                converted.append(tuple(values))
            rows = converted
        self.connection.exec_driver_sql(self.sql, rows)


@contextmanager
def sqlite_bulk_settings(connection: sa.Connection) -> Iterator[None]:
    """For the load only: no fsync per commit (a crash may lose the load, never corrupt the
    file in WAL mode) and a large page cache. Enter and leave outside a transaction; the
    settings are put back on the driver connection itself, which outlives the session's
    hold on it."""
    if connection.dialect.name != "sqlite":
        yield
        return
    driver = connection.connection.dbapi_connection
    if driver is None:  # an open connection always has one
        raise RuntimeError("the connection has no driver connection")
    synchronous = driver.execute("PRAGMA synchronous").fetchone()[0]
    cache_size = driver.execute("PRAGMA cache_size").fetchone()[0]
    driver.execute("PRAGMA synchronous=OFF")
    driver.execute("PRAGMA cache_size=-262144")  # 256 MiB
    try:
        yield
    finally:
        driver.execute(f"PRAGMA synchronous={int(synchronous)}")
        driver.execute(f"PRAGMA cache_size={int(cache_size)}")


def search_triggers(connection: sa.Connection) -> dict[str, str]:
    """The search index's triggers (name -> CREATE statement) on the tables loaded."""
    rows = connection.exec_driver_sql(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"
    ).all()
    return {
        name: sql
        for name, table, sql in rows
        if name.startswith("search_") and table in SEARCH_SOURCES
    }


@contextmanager
def search_index_deferred(connection: sa.Connection, first_ids: dict[str, int]) -> Iterator[None]:
    """On SQLite, drop the search triggers for the load, then index every row from
    `first_ids[table]` on with one statement per table and put the triggers back.

    One big insert per FTS5 table builds a few large segments instead of thousands of small
    ones merged over and over. Must run inside the load's transaction (SQLite DDL is
    transactional): if the load fails or the process dies, the rollback brings the triggers
    back with everything else. PostgreSQL's search indexes are expression indexes: nothing
    to do there.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    if not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        raise RuntimeError("the search triggers may only be dropped inside a transaction")
    triggers = search_triggers(connection)
    for name in triggers:
        connection.exec_driver_sql(f"DROP TRIGGER {name}")
    yield
    for table, (fts, columns) in SEARCH_SOURCES.items():
        names = ", ".join(columns)
        connection.exec_driver_sql(
            f"INSERT INTO {fts}(rowid, {names}) SELECT id, {names} FROM {table}"  # nosec B608  # noqa: S608
            " WHERE id >= ?",
            (first_ids[table],),
        )
    for sql in triggers.values():
        connection.exec_driver_sql(sql)
