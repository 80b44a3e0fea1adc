"""SQL building blocks for the trends dashboard that must read the same on SQLite and
PostgreSQL: time buckets, seconds between two timestamps, medians by window functions, and
ticket status transitions read from the audit trail.

Buckets are a small inline table of [starts, ends) UTC instants computed in Python from
the workspace time zone's calendar (so weeks follow local midnights across DST changes on
both databases); every metric joins its timestamp column to it with a range condition, so
the database groups by bucket and scans only the indexed range.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import FunctionElement

from helpdesk.models import AuditEvent
from helpdesk.models.base import UTCDateTime
from helpdesk.models.ticket import DONE_STATUSES


class seconds_between(FunctionElement[float]):  # noqa: N801 - reads like the SQL function it is
    """`later - earlier` in seconds, as a float."""

    type = sa.Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return (
        f"((julianday({compiler.process(later, **kw)}) - "
        f"julianday({compiler.process(earlier, **kw)})) * 86400.0)"
    )


@compiles(seconds_between, "postgresql")
def _seconds_postgresql(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return (
        f"EXTRACT(EPOCH FROM ({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)}))"
    )


class unindexed(FunctionElement[Any]):  # noqa: N801 - reads as a marker on a column
    """The column's value, but not a reason to pick its index. Without ANALYZE statistics
    SQLite prefers any equality on an indexed column (`author_type = 'staff'`) to a range on
    the selective one (`created_at`), and scans most of the table; SQLite's unary `+` keeps
    the equality as a filter only. PostgreSQL plans from statistics and gets the column."""

    inherit_cache = True
    name = "unindexed"

    @property
    def type(self) -> Any:  # type: ignore[override]
        return list(self.clauses)[0].type


@compiles(unindexed)
def _unindexed(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(list(element.clauses)[0], **kw)


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return f"+{compiler.process(list(element.clauses)[0], **kw)}"


def buckets_cte(bounds: Sequence[tuple[datetime, datetime]]) -> sa.CTE:
    """An inline table `buckets(bucket, starts, ends)`: one row per [starts, ends)."""
    selects = [
        sa.select(
            sa.literal(index, sa.Integer()).label("bucket"),
            sa.literal(starts, UTCDateTime()).label("starts"),
            sa.literal(ends, UTCDateTime()).label("ends"),
        )
        for index, (starts, ends) in enumerate(bounds)
    ]
    query = selects[0] if len(selects) == 1 else sa.union_all(*selects)
    return query.cte("buckets")


def in_bucket(
    buckets: sa.CTE, column: Any, span: tuple[datetime, datetime]
) -> sa.ColumnElement[bool]:
    """`column` falls in a bucket. The whole span repeated as constants lets each database
    narrow the rows by the column's index before joining: PostgreSQL guesses an inline
    table holds one row and would otherwise join everything once per bucket."""
    return sa.and_(
        column >= buckets.c.starts,
        column < buckets.c.ends,
        column >= sa.literal(span[0], UTCDateTime()),
        column < sa.literal(span[1], UTCDateTime()),
    )


def medians(query: sa.Subquery, value: str, partition: Sequence[str]) -> sa.Select[Any]:
    """`partition..., median(value)` per partition, by window functions (no MEDIAN on
    SQLite): the middle row, or the mean of the two middle rows."""
    keys = [query.c[name] for name in partition]
    ranked = sa.select(
        *keys,
        query.c[value].label("value"),
        sa.func.row_number().over(partition_by=keys, order_by=query.c[value]).label("position"),
        sa.func.count().over(partition_by=keys).label("total"),
    ).subquery("ranked")
    outer_keys = [ranked.c[name] for name in partition]
    return (
        sa.select(*outer_keys, sa.func.avg(ranked.c.value))
        .where(ranked.c.position.in_([(ranked.c.total + 1) // 2, (ranked.c.total + 2) // 2]))
        .group_by(*outer_keys)
    )


def status_old() -> sa.ColumnElement[str]:
    return AuditEvent.changes[("status", 0)].as_string()


def status_new() -> sa.ColumnElement[str]:
    return AuditEvent.changes[("status", 1)].as_string()


def is_resolve(old: Any, new: Any) -> sa.ColumnElement[bool]:
    """A move into resolved/closed from an open status (resolved -> closed is not one)."""
    return sa.and_(new.in_(DONE_STATUSES), sa.or_(old.is_(None), old.not_in(DONE_STATUSES)))


def is_transition(old: Any, new: Any) -> sa.ColumnElement[bool]:
    """A resolve, or a reopen (out of resolved/closed into an open status)."""
    reopen = sa.and_(old.in_(DONE_STATUSES), new.not_in(DONE_STATUSES))
    return sa.or_(is_resolve(old, new), reopen)
