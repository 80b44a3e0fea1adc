"""In-app notifications for staff (promise reminders and misses): the bell's data."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.extensions import db
from helpdesk.models import User
from helpdesk.models.promise import Notification


@dataclass(frozen=True)
class Bell:
    unread: int
    items: list[Notification]


def bell_for(user: User, limit: int = 10) -> Bell:
    """The newest notifications of `user`, and how many are unread (two queries)."""
    unread = db.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )
    items = list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == user.id)
            .options(joinedload(Notification.ticket))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )
    return Bell(unread=int(unread or 0), items=items)


@use_case
def notifications_mark_read(*, user: User) -> int:
    """Mark every unread notification of `user` read; returns how many."""
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
