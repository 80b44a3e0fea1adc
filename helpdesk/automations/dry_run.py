"""What a rule would have done in the last 30 days: its trigger replayed over the tickets
and customer messages of that window, its conditions checked, and its actions listed per
ticket. Read-only (nothing is written, nothing is claimed) and bounded: at most
`MAX_LOOKED_AT` triggers are looked at, newest first, and `MAX_SHOWN` listed, with the
total.

An approximation, said on the page: the conditions are checked against each ticket as it
is now (its current priority, tags, customer), not as it was at the time; a status rule
looks at each ticket's latest status change only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from helpdesk.automations.describe import action_phrase
from helpdesk.automations.engine import facts_for
from helpdesk.automations.matching import conditions_hold
from helpdesk.automations.rules import RuleSpec
from helpdesk.automations.sweep import TIME_COLUMNS
from helpdesk.clock import now
from helpdesk.extensions import db
from helpdesk.models import Message, Ticket
from helpdesk.models.ticket import OPEN_STATUSES

DAYS = 30
MAX_LOOKED_AT = 2000
MAX_SHOWN = 200


@dataclass(frozen=True)
class DryRunItem:
    ticket_number: int
    subject: str
    at: datetime
    actions: list[str]


@dataclass
class DryRun:
    since: datetime
    items: list[DryRunItem] = field(default_factory=list)
    total: int = 0
    looked_at: int = 0

    @property
    def capped(self) -> bool:
        return self.looked_at >= MAX_LOOKED_AT


@dataclass(frozen=True)
class _Candidate:
    ticket: Ticket
    at: datetime
    text: str | None  # None: the ticket's latest customer message


def _messages(since: datetime, *, first: bool | None) -> list[_Candidate]:
    """Customer messages since `since`, newest first; `first`: only each ticket's first
    message (True), only later ones (False), or all (None)."""
    firsts = (
        sa.select(sa.func.min(Message.id))
        .where(Message.author_type == "customer")
        .group_by(Message.ticket_id)
        .scalar_subquery()
    )
    statement = sa.select(Message).where(
        Message.author_type == "customer", Message.created_at >= since
    )
    if first is True:
        statement = statement.where(Message.id.in_(firsts))
    elif first is False:
        statement = statement.where(Message.id.not_in(firsts))
    messages = db.session.scalars(
        statement.order_by(Message.created_at.desc(), Message.id.desc())
        .limit(MAX_LOOKED_AT)
        .options(selectinload(Message.ticket).selectinload(Ticket.tags))
        .options(selectinload(Message.ticket).selectinload(Ticket.customer))
    )
    return [_Candidate(m.ticket, m.created_at, m.body_source) for m in messages]


def _candidates(spec: RuleSpec, since: datetime, current: datetime) -> list[_Candidate]:
    trigger = spec.trigger
    if trigger.type == "ticket_created":
        return _messages(since, first=True)
    if trigger.type == "customer_replied":
        return _messages(since, first=False)
    if trigger.type == "customer_writes":
        return _messages(since, first=None)
    options = (selectinload(Ticket.tags), selectinload(Ticket.customer))
    if trigger.type == "status_changed":
        statement = sa.select(Ticket).where(Ticket.status_changed_at >= since)
        if trigger.status:
            statement = statement.where(Ticket.status == trigger.status)
        tickets = db.session.scalars(
            statement.order_by(Ticket.status_changed_at.desc(), Ticket.id.desc())
            .limit(MAX_LOOKED_AT)
            .options(*options)
        )
        return [_Candidate(t, t.status_changed_at or since, None) for t in tickets]
    column = TIME_COLUMNS[trigger.time_field or "status_since"]
    wait = trigger.wait
    statuses = spec.conditions.statuses or OPEN_STATUSES
    tickets = db.session.scalars(
        sa.select(Ticket)
        .where(
            Ticket.status.in_(statuses),
            column >= since - wait,
            column <= current - wait,
        )
        .order_by(column.desc(), Ticket.id.desc())
        .limit(MAX_LOOKED_AT)
        .options(*options)
    )
    return [_Candidate(t, getattr(t, column.key) + wait, None) for t in tickets]


def _latest_texts(ticket_ids: set[int]) -> dict[int, str]:
    if not ticket_ids:
        return {}
    latest = (
        sa.select(sa.func.max(Message.id))
        .where(Message.ticket_id.in_(ticket_ids), Message.author_type == "customer")
        .group_by(Message.ticket_id)
    )
    return dict(
        db.session.execute(
            sa.select(Message.ticket_id, Message.body_source).where(Message.id.in_(latest))
        ).all()
    )


def dry_run(spec: RuleSpec, *, people: Mapping[int, str], replies: Mapping[int, str]) -> DryRun:
    """What `spec` (saved or not) would have done over the last 30 days."""
    current = now()
    result = DryRun(since=current - timedelta(days=DAYS))
    candidates = _candidates(spec, result.since, current)
    result.looked_at = len(candidates)
    texts: dict[int, str] = {}
    if spec.conditions.words:
        texts = _latest_texts({c.ticket.id for c in candidates if c.text is None})
    phrases = [action_phrase(action, people, replies) for action in spec.actions]
    for candidate in candidates:
        ticket = candidate.ticket
        text = candidate.text if candidate.text is not None else texts.get(ticket.id, "")
        if not conditions_hold(spec.conditions, facts_for(ticket, text)):
            continue
        result.total += 1
        if len(result.items) < MAX_SHOWN:
            result.items.append(DryRunItem(ticket.number, ticket.subject, candidate.at, phrases))
    return result
