"""`INSERT ... ON CONFLICT` on either database: SQLAlchemy's generic insert has no
conflict clause, so the dialect's own construct is picked here."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from helpdesk.extensions import db


def insert_on_conflict(entity: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into `entity` (a model or table) that accepts `on_conflict_do_nothing()`
    and `on_conflict_do_update(...)`, for the app's database."""
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    return insert(entity)
