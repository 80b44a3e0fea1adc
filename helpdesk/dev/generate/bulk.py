"""Fast bulk inserts for the generator: prepared tuples through the driver's executemany
(COPY on PostgreSQL), the bulk-load-only SQLite settings, and the search index built once
after the load.

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
    """Inserts rows (tuples in `columns` order) into one table: executemany, or COPY on
    PostgreSQL."""

    def __init__(self, connection: sa.Connection, table: sa.Table, columns: Sequence[str]):
        self.connection = connection
        dialect = connection.dialect
        marker = "?" if dialect.paramstyle == "qmark" else "%s"
        names = ", ".join(dialect.identifier_preparer.quote(name) for name in columns)
        markers = ", ".join([marker] * len(columns))
        # Names come from the models' metadata, values travel as parameters.
        self.sql = f"INSERT INTO {table.name} ({names}) VALUES ({markers})"  # nosec B608  # noqa: S608
        # PostgreSQL takes rows fastest through COPY (psycopg adapts each value as
        # executemany would).
        self.copy_sql = (
            f"COPY {table.name} ({names}) FROM STDIN" if dialect.name == "postgresql" else None
        )
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
        if self.copy_sql is None:
            self.connection.exec_driver_sql(self.sql, rows)
            return
        with self.connection.connection.driver_connection.cursor() as cursor:  # type: ignore[union-attr]
            with cursor.copy(self.copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)


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
    """SQLite's search triggers (name -> CREATE statement) on the tables loaded."""
    return _search_objects(
        connection, "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"
    )


def search_indexes(connection: sa.Connection) -> dict[str, str]:
    """PostgreSQL's search indexes (name -> CREATE statement) on the tables loaded: the
    trigram and full-text GIN indexes."""
    return _search_objects(
        connection,
        "SELECT indexname, tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema()",
    )


def _search_objects(connection: sa.Connection, catalogue: str) -> dict[str, str]:
    """Of the (name, table, CREATE statement) rows the `catalogue` query lists, the search
    index's own (named `search_...` by the migrations) on the tables loaded."""
    return {
        name: sql
        for name, table, sql in connection.exec_driver_sql(catalogue).all()
        if name.startswith("search_") and table in SEARCH_SOURCES
    }


@contextmanager
def search_index_deferred(
    connection: sa.Connection, first_ids: dict[str, int], *, tickets: int
) -> Iterator[None]:
    """Keep the search index out of the load and build it once at the end.

    SQLite: drop the search triggers for the load, then index every row from
    `first_ids[table]` on with one statement per table and put the triggers back. One big
    insert per FTS5 table builds a few large segments instead of thousands of small ones
    merged over and over.

    PostgreSQL: when the load of `tickets` at least doubles the tickets there, drop the GIN
    search indexes for the load and create them again after it; building a GIN index from
    all rows at once is quicker than inserting into it row by row. (A small load into a
    large database keeps them: rebuilding would index the old rows again.) The dropped
    indexes lock their tables until the load commits: run the generator when nobody else
    uses the database.

    Must run inside the load's transaction (DDL is transactional on both): if the load fails
    or the process dies, the rollback brings the triggers or indexes back with everything
    else.
    """
    if connection.dialect.name == "postgresql":
        if tickets < first_ids["tickets"] - 1:  # ids start at 1
            yield
            return
        if not connection.in_transaction():
            raise RuntimeError("the search indexes may only be dropped inside a transaction")
        indexes = search_indexes(connection)
        for name in indexes:
            connection.exec_driver_sql(f'DROP INDEX "{name}"')
        yield
        # For this transaction only: room to sort the index entries in memory.
        connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
        for sql in indexes.values():
            connection.exec_driver_sql(sql)
        return
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
