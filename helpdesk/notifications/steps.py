"""Writing notifications (non-committing steps, in the transaction of whatever caused
them): one INSERT of the new rows that skips any already there (the unique keys make a
repeated event harmless), then the emails their recipients asked for, in the same
transaction through the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from helpdesk.clock import now
from helpdesk.db.upsert import insert_on_conflict
from helpdesk.extensions import db
from helpdesk.models import Notification
from helpdesk.notifications.emails import email_now


@dataclass(frozen=True)
class NewNotification:
    user_id: int
    kind: str
    ticket_id: int
    promise_id: int | None = None
    message_id: int | None = None
    escalation_id: int | None = None
    sla_target_id: int | None = None
    actor_id: int | None = None


def notify(items: Sequence[NewNotification]) -> list[int]:
    """Insert `items` (duplicates of existing rows are skipped) and queue the emails their
    recipients want now; returns the ids of the rows inserted."""
    if not items:
        return []
    at = now()
    unique = list(dict.fromkeys(items))
    statement = (
        insert_on_conflict(Notification)
        .values([{**asdict(item), "created_at": at} for item in unique])
        .on_conflict_do_nothing()
        .returning(Notification.id)
    )
    ids = sorted(db.session.scalars(statement))
    email_now(ids)
    return ids
