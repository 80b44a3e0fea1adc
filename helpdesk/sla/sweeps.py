"""The breach sweep: mark every service-level clock whose due time passed unmet as
breached, and escalate it as its policy says (the assignee's bell, the founders' queue) —
each exactly once, however many scheduler processes run it and wherever one dies.

The same claim as the promise sweep (`promises/sweeps.py`): each batch is one transaction
that sets `breached_at` with a conditional UPDATE (`... WHERE met_at IS NULL AND
breached_at IS NULL AND cancelled_at IS NULL AND due_at <= now`), acts only on the rows
that UPDATE returned, and commits once. On PostgreSQL the candidates are first locked with
`FOR UPDATE SKIP LOCKED` (`db/locking.py`), so concurrent sweepers take disjoint batches;
on SQLite the UPDATE with its subquery is atomic. A clock met a moment earlier no longer
matches the WHERE; a paused clock has no due time. A process killed mid-batch commits
nothing and the next sweep does the work. At most `db.batches.MAX_BATCHES` batches per call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm.util import identity_key

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.batches import BATCH, drain
from helpdesk.db.locking import claimable
from helpdesk.extensions import db
from helpdesk.founders.escalations import escalation_raise
from helpdesk.models import SlaPolicy, SlaTarget, Ticket
from helpdesk.notifications.steps import NewNotification, notify

DETAILS = {
    "first_reply": "First reply target missed (due {due} UTC, policy “{policy}”).",
    "next_reply": "Reply target missed (due {due} UTC, policy “{policy}”).",
    "resolution": "Resolution target missed (due {due} UTC, policy “{policy}”).",
}


@dataclass(frozen=True)
class _Claimed:
    target_id: int
    ticket_id: int
    policy_id: int | None
    kind: str
    due_at: datetime | None  # never None once claimed (the claim needs a due time)


def sweep_breaches(*, batch: int = BATCH) -> int:
    """Breach and escalate every overdue clock, in due order; returns how many this call
    breached (other sweepers may have done the rest)."""
    return drain(_breach_batch, cutoff=now(), batch=batch)


def _due(cutoff: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        SlaTarget.met_at.is_(None),
        SlaTarget.breached_at.is_(None),
        SlaTarget.cancelled_at.is_(None),
        SlaTarget.due_at <= cutoff,
    )


def _claim(cutoff: datetime, batch: int) -> list[int]:
    due = _due(cutoff)
    candidates = (
        sa.select(SlaTarget.id).where(due).order_by(SlaTarget.due_at, SlaTarget.id).limit(batch)
    )
    target = claimable(candidates)
    if target is None:
        return []
    claim = (
        sa.update(SlaTarget)
        .where(SlaTarget.id.in_(target), due)
        .values(breached_at=cutoff)
        .returning(SlaTarget.id)
        .execution_options(synchronize_session=False)
    )
    ids = list(db.session.scalars(claim))
    for target_id in ids:
        loaded = db.session.identity_map.get(identity_key(SlaTarget, target_id))
        if loaded is not None:
            db.session.expire(loaded)
    return ids


def _breach_batch(*, cutoff: datetime, batch: int) -> int:
    ids = _claim(cutoff, batch)
    if not ids:
        return 0
    claimed = [
        _Claimed(*row)
        for row in db.session.execute(
            sa.select(
                SlaTarget.id,
                SlaTarget.ticket_id,
                SlaTarget.policy_id,
                SlaTarget.kind,
                SlaTarget.due_at,
            )
            .where(SlaTarget.id.in_(ids))
            .order_by(SlaTarget.due_at, SlaTarget.id)
        )
    ]
    tickets = {
        ticket.id: ticket
        for ticket in db.session.scalars(
            sa.select(Ticket).where(Ticket.id.in_({item.ticket_id for item in claimed}))
        )
    }
    policy_ids = {item.policy_id for item in claimed if item.policy_id is not None}
    policies = {
        policy.id: policy
        for policy in db.session.scalars(sa.select(SlaPolicy).where(SlaPolicy.id.in_(policy_ids)))
    }
    bells: list[NewNotification] = []
    for item in claimed:
        ticket = tickets[item.ticket_id]
        policy = policies.get(item.policy_id) if item.policy_id is not None else None
        escalation = None
        if policy is not None and policy.escalate_to_founders:
            escalation = escalation_raise(
                ticket=ticket,
                reason="sla_breach",
                detail=DETAILS[item.kind].format(
                    due=f"{item.due_at:%Y-%m-%d %H:%M}" if item.due_at else "?",
                    policy=policy.name,
                ),
                actor="system",
            )
        if policy is not None and policy.escalate_to_assignee and ticket.assignee_id:
            bells.append(
                NewNotification(
                    user_id=ticket.assignee_id,
                    kind="sla_breached",
                    ticket_id=ticket.id,
                    sla_target_id=item.target_id,
                )
            )
        audit(
            actor="system",
            action="sla.breached",
            obj=ticket,
            changes={
                "sla_kind": item.kind,
                "due_at": item.due_at,
                "sla_policy": policy.name if policy is not None else None,
                "escalation_id": escalation.id if escalation is not None else None,
            },
        )
    # A breach changes no due time, so the tickets' soonest-due columns stay as they are.
    notify(bells)
    return len(claimed)
