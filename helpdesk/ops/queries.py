"""The database reads the health check and the scheduler warning make."""

from __future__ import annotations

import sqlalchemy as sa

from helpdesk.extensions import db


def database_ping() -> None:
    """One trivial statement: raises SQLAlchemyError when the database cannot answer."""
    db.session.execute(sa.text("SELECT 1"))


def database_error_cleared() -> None:
    """Roll back the transaction a failed read left broken, so the session works again (for
    the error page, or the rest of the request)."""
    db.session.rollback()
