"""Read-side selects for the founders' queue and the ticket page's founder panel, each
loading everything its template shows in a fixed number of statements (no N+1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload, selectinload

from helpdesk.clock import now
from helpdesk.db.rows import read_rows
from helpdesk.extensions import db
from helpdesk.founders.escalations import ACTIVE_STATES, SEVERITY
from helpdesk.models import AuditEvent, Digest, Escalation, Ticket, User

QUEUE_LIMIT = 200
STATUS_FILTERS = ("active", "open", "claimed", "done")


# Each founder note starts with a line "<name> · YYYY-MM-DD HH:MM UTC" (service._append_note).
_NOTE_HEAD = re.compile(r"(?P<author>[^\n]+) · (?P<at>\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC\n")


@dataclass(frozen=True)
class NoteEntry:
    """One founder note: who wrote it and when (None for text without that first line)."""

    author: str | None
    at: datetime | None
    text: str


def note_entries(notes: str | None) -> list[NoteEntry]:
    """An item's accumulated notes, one entry each, with the time read back as UTC so the
    page can show it in the reader's zone like every other time."""
    entries = []
    for chunk in (notes or "").split("\n\n"):
        if not chunk.strip():
            continue
        head = _NOTE_HEAD.match(chunk)
        if head is None:
            entries.append(NoteEntry(None, None, chunk))
            continue
        at = datetime.strptime(head["at"], "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
        entries.append(NoteEntry(head["author"], at, chunk[head.end() :]))
    return entries


@dataclass(frozen=True)
class QueueItem:
    escalation: Escalation
    claimed_by: User | None
    overdue: bool

    @property
    def id(self) -> int:
        return self.escalation.id

    @property
    def notes(self) -> list[NoteEntry]:
        return note_entries(self.escalation.founder_note)


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


@dataclass(frozen=True)
class TicketEscalation:
    reason: str
    status: str
    outcome: str | None
    created_at: datetime


@dataclass(frozen=True)
class TicketFounderView:
    escalations: list[TicketEscalation]
    founder_message_ids: set[int]


def _founder_view_statement() -> sa.CompoundSelect:
    text = sa.String(20)
    escalations = sa.select(
        sa.literal("e", text).label("kind"),
        sa.cast(Escalation.reason, text).label("reason"),
        sa.cast(Escalation.status, text).label("status"),
        Escalation.outcome.label("outcome"),
        sa.cast(sa.null(), sa.Integer).label("message_id"),
        Escalation.created_at.label("created_at"),
    ).where(Escalation.ticket_id == sa.bindparam("ticket_id"))
    replies = sa.select(
        sa.literal("m", text),
        sa.cast(sa.null(), text),
        sa.cast(sa.null(), text),
        sa.cast(sa.null(), text),
        AuditEvent.changes["message_id"].as_integer(),
        AuditEvent.created_at,
    ).where(
        AuditEvent.object_type == "tickets",
        AuditEvent.object_id == sa.bindparam("object_id"),
        AuditEvent.action == "ticket.founder_reply",
    )
    return sa.union_all(escalations, replies)


_FOUNDER_VIEW = _founder_view_statement()  # built once: building it cost as much as running it


def ticket_founder_view(ticket: Ticket) -> TicketFounderView:
    """The ticket's escalations (newest first) and the ids of its messages a founder sent
    from the queue (from the audit trail), in one statement: the ticket page keeps a fixed
    query budget."""
    given = {"ticket_id": ticket.id, "object_id": str(ticket.id)}
    rows = read_rows(_FOUNDER_VIEW, given).all()
    items = [
        TicketEscalation(reason=row.reason, status=row.status, outcome=row.outcome, created_at=at)
        for row in rows
        if row.kind == "e"
        for at in [_aware(row.created_at)]
    ]
    items.sort(key=lambda item: item.created_at, reverse=True)
    ids = {int(row.message_id) for row in rows if row.kind == "m" and row.message_id is not None}
    return TicketFounderView(escalations=items, founder_message_ids=ids)


def _aware(value: datetime | str) -> datetime:
    """A UNION loses the column type on SQLite: read the stored UTC timestamp back."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def digests_recent(limit: int) -> list[Digest]:
    """The newest weekly digests, newest week first."""
    return list(
        db.session.scalars(sa.select(Digest).order_by(Digest.week_start.desc()).limit(limit))
    )


def escalations_with_tickets() -> sa.Select[Escalation]:
    """Escalations with their ticket, its customer, assignee and tags loaded (the API's)."""
    return sa.select(Escalation).options(
        joinedload(Escalation.ticket).options(
            joinedload(Ticket.customer), joinedload(Ticket.assignee), selectinload(Ticket.tags)
        )
    )


def escalation_with_ticket(escalation_id: int) -> Escalation | None:
    return db.session.scalar(escalations_with_tickets().where(Escalation.id == escalation_id))


def users_by_id(ids: set[int]) -> dict[int, User]:
    """These users by id, in one statement."""
    if not ids:
        return {}
    return {user.id: user for user in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}
