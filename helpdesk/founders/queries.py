"""Read-side selects for the founders' queue and the ticket page's founder panel, each
loading everything its template shows in a fixed number of statements (no N+1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload

from helpdesk.clock import now
from helpdesk.extensions import db
from helpdesk.founders.escalations import ACTIVE_STATES, SEVERITY
from helpdesk.models import AuditEvent, Escalation, Ticket, User

QUEUE_LIMIT = 200
STATUS_FILTERS = ("active", "open", "claimed", "done")


@dataclass(frozen=True)
class QueueItem:
    escalation: Escalation
    claimed_by: User | None
    overdue: bool

    @property
    def id(self) -> int:
        return self.escalation.id


def severity_rank() -> sa.Case[int]:
    """The reason's severity as SQL, so the database orders the queue."""
    return sa.case(SEVERITY, value=Escalation.reason, else_=len(SEVERITY))


def queue_items(
    *,
    status: str = "active",
    reason: str | None = None,
    attention_hours: int,
    limit: int = QUEUE_LIMIT,
) -> list[QueueItem]:
    """Escalations by status ("active" = open and claimed) and reason: the active ones by
    severity then age (oldest first), done ones newest first; ticket, customer and
    claimer come in the same statement."""
    claimer = aliased(User)
    query = (
        sa.select(Escalation, claimer)
        .outerjoin(claimer, claimer.id == Escalation.claimed_by_id)
        .options(joinedload(Escalation.ticket).joinedload(Ticket.customer))
    )
    if status == "active":
        query = query.where(Escalation.status.in_(ACTIVE_STATES))
    else:
        query = query.where(Escalation.status == status)
    if reason:
        query = query.where(Escalation.reason == reason)
    if status == "done":
        query = query.order_by(Escalation.updated_at.desc(), Escalation.id.desc())
    else:
        query = query.order_by(severity_rank(), Escalation.created_at, Escalation.id)
    cutoff = now() - timedelta(hours=attention_hours)
    return [
        QueueItem(
            escalation=escalation,
            claimed_by=user,
            overdue=escalation.status != "done" and escalation.created_at < cutoff,
        )
        for escalation, user in db.session.execute(query.limit(limit)).unique()
    ]


def queue_item(escalation_id: int, *, attention_hours: int) -> QueueItem | None:
    """One item, loaded as the queue loads it (for the htmx swap after an action)."""
    escalation = db.session.scalar(
        sa.select(Escalation)
        .where(Escalation.id == escalation_id)
        .options(joinedload(Escalation.ticket).joinedload(Ticket.customer))
    )
    if escalation is None:
        return None
    claimed_by = (
        db.session.get(User, escalation.claimed_by_id) if escalation.claimed_by_id else None
    )
    cutoff = now() - timedelta(hours=attention_hours)
    return QueueItem(
        escalation=escalation,
        claimed_by=claimed_by,
        overdue=escalation.status != "done" and escalation.created_at < cutoff,
    )


def ticket_escalations(ticket: Ticket, limit: int = 10) -> list[Escalation]:
    """The ticket's escalations, newest first, for its founder panel."""
    return list(
        db.session.scalars(
            sa.select(Escalation)
            .where(Escalation.ticket_id == ticket.id)
            .order_by(Escalation.created_at.desc(), Escalation.id.desc())
            .limit(limit)
        )
    )


def founder_message_ids(ticket: Ticket) -> set[int]:
    """Ids of the ticket's messages a founder sent from the queue (from the audit trail)."""
    changes = db.session.scalars(
        sa.select(AuditEvent.changes).where(
            AuditEvent.object_type == "tickets",
            AuditEvent.object_id == str(ticket.id),
            AuditEvent.action == "ticket.founder_reply",
        )
    )
    return {
        int(item["message_id"])
        for item in changes
        if isinstance(item, dict) and isinstance(item.get("message_id"), int)
    }
