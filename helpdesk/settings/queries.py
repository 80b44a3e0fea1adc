"""Read-side selects for the settings pages."""

from __future__ import annotations

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import User


def team_members() -> list[User]:
    """Every staff account, active people first, by name."""
    return list(db.session.scalars(sa.select(User).order_by(User.active.desc(), User.name)))
