"""Plain rows of a column select, read on the session's connection.

`db.session.execute` sends every statement through the ORM's execution path (its compile
state, loader setup and autoflush), which costs about 30 µs a statement even when the
select names only columns, as much as SQLite takes to run a small indexed query (issue
25). A select of columns gains nothing from that path: run it here instead, in the same
transaction. There is no autoflush, so use it for reads with nothing pending in the
session (page reads, and reads after a use case has committed); a select of ORM entities
does not belong here (it would give plain rows, not objects).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVarTuple, overload

import sqlalchemy as sa
from sqlalchemy.sql.selectable import TypedReturnsRows

from helpdesk.extensions import db

_Ts = TypeVarTuple("_Ts")


@overload
def read_rows(
    statement: TypedReturnsRows[*_Ts], params: Mapping[str, Any] | None = None
) -> sa.CursorResult[*_Ts]: ...


@overload
def read_rows(
    statement: sa.Executable, params: Mapping[str, Any] | None = None
) -> sa.CursorResult[*tuple[Any, ...]]: ...


def read_rows(
    statement: sa.Executable, params: Mapping[str, Any] | None = None
) -> sa.CursorResult[*tuple[Any, ...]]:
    """The rows `statement` (a select of columns) returns for `params`."""
    return db.session.connection().execute(statement, params)
