"""The promise sweep: send due reminders, mark missed promises and escalate them — each
exactly once, however many scheduler processes run it and wherever one of them dies.

Rows are the source of truth. Each batch is one transaction that claims its rows with a
conditional UPDATE (`... WHERE status = 'pending' AND reminded_at IS NULL`, and for misses
`status = 'pending'`), acts only on the rows that UPDATE returned, and commits once. A
promise kept a moment earlier no longer matches the WHERE, so it is not touched. On
PostgreSQL the candidate ids are first locked with `FOR UPDATE SKIP LOCKED`, so concurrent
sweepers take disjoint batches instead of queueing on each other; on SQLite one statement
(`UPDATE ... WHERE id IN (SELECT ... LIMIT n) ... RETURNING id`) is atomic because writes
are serialised. A process killed mid-batch never commits: its claim rolls back with the
rest and the next sweep does the work. After downtime a sweep catches up in due order,
batch by batch, up to a bound; the next sweep carries on from there.

A sweeper paused mid-batch (SIGSTOP, a debugger, a hung process still connected) holds its
batch's rows: on PostgreSQL they stay locked and the other sweepers skip them until the
server ends the idle transaction (the scheduler's idle-in-transaction timeout,
`scheduling/timeouts.py`, 30 s); the claim rolls back with it and the next sweep of any
sweeper does the batch. On SQLite the paused transaction holds the one write lock until
the process resumes (web writes answer 503 meanwhile, `web/error_handlers.py`). Batches are
small (`db.batches.BATCH`) so that locks are held only for a short stretch of work.

Catch-up reads right: a reminder is for a time still ahead, so a promise whose due time
has passed by the sweep's cutoff is never reminded (its `reminded_at` stays empty, and the
reminder claim's WHERE says `due_at > cutoff`, so no sweeper can send it later either).
It is reported once, as missed, by the miss batch of the same sweep: the miss's email
says when the update was promised and when it was found overdue, and goes to whoever
wanted the reminder's email too (`notifications.emails`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm.util import identity_key

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.batches import BATCH, drain
from helpdesk.db.locking import claimable
from helpdesk.events import publish
from helpdesk.extensions import db
from helpdesk.founders.events import EscalationRaised
from helpdesk.models import Ticket
from helpdesk.models.promise import Escalation, Promise
from helpdesk.promises.events import PromisesMissed, RemindersDue
from helpdesk.webhooks.events import promises_missed_event


@dataclass(frozen=True)
class SweepResult:
    reminded: int
    missed: int


@dataclass(frozen=True)
class _Claimed:
    """A claimed promise with what acting on it needs (read after the claim)."""

    promise_id: int
    ticket_id: int
    due_at: datetime
    text: str


def sweep_promises(*, batch: int = BATCH) -> SweepResult:
    """Send every due reminder, then mark every overdue promise missed and escalate it,
    in due order; returns how many of each this call did (others may have done the rest)."""
    if batch < 1:
        raise ValueError("batch must be positive")
    cutoff = now()
    reminded = drain(_remind_batch, cutoff=cutoff, batch=batch)
    missed = drain(_miss_batch, cutoff=cutoff, batch=batch)
    return SweepResult(reminded=reminded, missed=missed)


def _remind_batch(*, cutoff: datetime, batch: int) -> int:
    due = sa.and_(
        Promise.status == "pending",
        Promise.reminded_at.is_(None),
        Promise.remind_at <= cutoff,
        Promise.due_at > cutoff,  # overdue: no reminder for a time gone; the miss tells
    )
    ids = _claim(due, order=Promise.remind_at, values={"reminded_at": cutoff}, batch=batch)
    publish(RemindersDue(promise_ids=list(ids)))
    return len(ids)


def _miss_batch(*, cutoff: datetime, batch: int) -> int:
    due = sa.and_(Promise.status == "pending", Promise.due_at <= cutoff)
    ids = _claim(
        due,
        order=Promise.due_at,
        values={"status": "missed", "escalated_at": cutoff},
        batch=batch,
    )
    claimed = _load(ids)
    if not claimed:
        return 0
    ticket_ids = {item.ticket_id for item in claimed}
    # One open missed_promise escalation per ticket (a partial unique index guards it too:
    # a racing insert fails this batch, which rolls back and is redone by the next sweep).
    escalated = set(
        db.session.scalars(
            sa.select(Escalation.ticket_id).where(
                Escalation.ticket_id.in_(ticket_ids),
                Escalation.reason == "missed_promise",
                Escalation.status != "done",
            )
        )
    )
    tickets = {
        ticket.id: ticket
        for ticket in db.session.scalars(sa.select(Ticket).where(Ticket.id.in_(ticket_ids)))
    }
    escalations: dict[int, Escalation] = {}
    for item in claimed:
        if item.ticket_id in escalated or item.ticket_id in escalations:
            continue
        escalations[item.ticket_id] = Escalation(
            ticket_id=item.ticket_id,
            reason="missed_promise",
            detail=f"Promised by {item.due_at:%Y-%m-%d %H:%M} UTC: {item.text}",
            status="open",
            promise_id=item.promise_id,
            created_at=cutoff,
            updated_at=cutoff,
        )
    db.session.add_all(escalations.values())
    db.session.flush()
    for item in claimed:
        escalation = escalations.get(item.ticket_id)
        audit(
            actor="system",
            action="promise.missed",
            obj=tickets[item.ticket_id],
            changes={
                "promise_id": item.promise_id,
                "due_at": item.due_at,
                "escalation_id": escalation.id if escalation is not None else None,
            },
        )
    publish(PromisesMissed(promise_ids=[item.promise_id for item in claimed]))
    for escalation in escalations.values():
        publish(EscalationRaised(escalation=escalation))
    promises_missed_event([item.promise_id for item in claimed], escalations.values())
    return len(claimed)


def _claim(
    due: sa.ColumnElement[bool],
    *,
    order: InstrumentedAttribute[datetime],
    values: dict[str, Any],
    batch: int,
) -> list[int]:
    """Set `values` on up to `batch` rows matching `due` (oldest first) and return the ids
    this transaction changed; the UPDATE's own WHERE re-checks the state at fire time."""
    candidates = sa.select(Promise.id).where(due).order_by(order, Promise.id).limit(batch)
    target = claimable(candidates)
    if target is None:
        return []
    claim = (
        sa.update(Promise)
        .where(Promise.id.in_(target), due)
        .values(**values)
        .returning(Promise.id)
        .execution_options(synchronize_session=False)
    )
    ids = list(db.session.scalars(claim))
    # Sessions here keep objects across commits: let loaded copies of these rows reload.
    for promise_id in ids:
        loaded = db.session.identity_map.get(identity_key(Promise, promise_id))
        if loaded is not None:
            db.session.expire(loaded)
    return ids


def _load(ids: Sequence[int]) -> list[_Claimed]:
    """The claimed promises in due order."""
    if not ids:
        return []
    rows = db.session.execute(
        sa.select(
            Promise.id,
            Promise.ticket_id,
            Promise.due_at,
            Promise.text,
        )
        .where(Promise.id.in_(ids))
        .order_by(Promise.due_at, Promise.id)
    )
    return [_Claimed(*row) for row in rows]
