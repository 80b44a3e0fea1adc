"""`OneOf(column, "ids")`: a column is one of the integer ids given at execution as
`{"ids": [...]}`, for statements built once at import.

On PostgreSQL the ids go as one array parameter (`column = ANY(%(ids)s)`): psycopg sends
each value of an IN list as a parameter of its own, and binding them cost 1 ms for an
inbox page's 51 ids and 6 ms for a search probe's 500. Elsewhere it is an expanding
`IN (...)`, which SQLite binds cheaply.

The construct holds no values: a statement keeps the name only, so a kept statement can
never run with an earlier request's ids (a missing value is an error).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement, coercions, roles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal


class OneOf(ColumnElement[Any]):
    """`column` is one of the ids bound as `name` (for `where`)."""

    inherit_cache = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("name", InternalTraversal.dp_string),
    ]
    # Not Boolean: SQLite would compare a boolean expression in WHERE with 1.
    type = sa.types.NullType()

    def __init__(self, column: Any, name: str) -> None:
        self.column = coercions.expect(roles.ExpressionElementRole, column)
        self.name = name

    @property
    def _from_objects(self) -> list[Any]:  # the column's table goes into FROM
        return self.column._from_objects


@compiles(OneOf)
def _expanding_in(element: OneOf, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column.in_(sa.bindparam(element.name, expanding=True)), **kw)


@compiles(OneOf, "postgresql")
def _any_of_array(element: OneOf, compiler: SQLCompiler, **kw: Any) -> str:
    ids = sa.bindparam(element.name, type_=postgresql.ARRAY(element.column.type))
    return compiler.process(element.column == sa.any_(ids), **kw)
