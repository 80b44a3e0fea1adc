"""The bell: a person's newest notifications, their state as one cheap row (for the
poll's ETag), and marking them read. Everything is per person: nobody reads or marks
another's."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.extensions import db
from helpdesk.models import Notification, Ticket, User


@dataclass(frozen=True)
class Bell:
    unread: int
    items: list[Notification]
    newest_id: int


@dataclass(frozen=True)
class BellState:
    """What the bell shows changes only when one of these does: a new notification
    (a higher id) or one read (fewer unread)."""

    newest_id: int
    unread: int


def bell_state(user_id: int) -> BellState:
    """One query of two index seeks: the newest id (ix_notifications_user_id_id) and the
    unread count (ix_notifications_user_id_read_at)."""
    newest = (
        sa.select(sa.func.max(Notification.id))
        .where(Notification.user_id == user_id)
        .scalar_subquery()
    )
    unread = (
        sa.select(sa.func.count(Notification.id))
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )
    row = db.session.execute(sa.select(newest, unread)).one()
    return BellState(newest_id=int(row[0] or 0), unread=int(row[1] or 0))


def bell_for(user: User, limit: int = 10, state: BellState | None = None) -> Bell:
    """The newest notifications of `user`, and how many are unread (`state`: already read
    by the caller)."""
    state = state or bell_state(user.id)
    items = list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == user.id)
            .options(joinedload(Notification.ticket), joinedload(Notification.actor))
            .order_by(Notification.id.desc())
            .limit(limit)
        )
    )
    return Bell(unread=state.unread, items=items, newest_id=state.newest_id)


@use_case
def notifications_mark_read(*, user: User) -> int:
    """Mark every unread notification of `user` read; returns how many."""
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


@use_case
def notification_open(*, user: User, notification_id: int) -> Ticket | None:
    """Mark one of `user`'s notifications read (it stays read if it was) and return its
    ticket; None for another person's notification, as for a missing one."""
    notification = db.session.scalar(
        sa.select(Notification).where(
            Notification.id == notification_id, Notification.user_id == user.id
        )
    )
    if notification is None:
        return None
    if notification.read_at is None:
        notification.read_at = now()
    return notification.ticket
