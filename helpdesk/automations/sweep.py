"""The time sweep: run each enabled time rule ("waiting on the customer for 7 days") on the
tickets whose wait has reached the rule's amount — each (rule, ticket, wait) exactly once,
however many scheduler processes sweep at the same time.

A wait is named by the timestamp that started it (the ticket's status change, its
creation, its last activity, or the customer's unanswered message), so a ticket that waits
again later is looked at again. For each rule the sweep takes a batch of candidate tickets
(index-backed: status plus the timestamp, oldest first, leaving out those already run for
this wait), locks them on PostgreSQL with `FOR UPDATE SKIP LOCKED` so concurrent sweepers
take different ones, and claims each by inserting its run row with ON CONFLICT DO NOTHING
before acting: whoever inserted the row acts, anyone else skips it. A ticket whose other
conditions do not hold when its wait is reached gets a "skipped" run (so it is not looked
at again for this wait, and the batch moves on). One transaction per batch.

Time rules look at open tickets (new, open, waiting on the customer) unless their
conditions name statuses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from helpdesk.automations.engine import (
    LoadedRule,
    act,
    claim_run,
    enabled_rules,
    facts_for,
    latest_customer_text,
)
from helpdesk.automations.matching import conditions_hold
from helpdesk.clock import now
from helpdesk.db.batches import BATCH
from helpdesk.db.locking import claimable
from helpdesk.extensions import db
from helpdesk.models import AutomationRun, Ticket
from helpdesk.models.ticket import OPEN_STATUSES

MAX_BATCHES = 50
TIME_COLUMNS = {
    "status_since": Ticket.status_changed_at,
    "created": Ticket.created_at,
    "last_activity": Ticket.last_activity_at,
    "customer_waiting": Ticket.waiting_since,
}


def sweep_time_rules(*, batch: int = BATCH) -> int:
    """Run every enabled time rule on every ticket due for it; returns how many runs acted
    (others may have done the rest). Commits once per batch."""
    if batch < 1:
        raise ValueError("batch must be positive")
    cutoff = now()
    acted = 0
    rules = enabled_rules(("time_since",))
    rule_ids = [loaded.rule.id for loaded in rules]
    db.session.commit()  # end the read; each batch below is its own transaction
    for rule_id in rule_ids:
        for _ in range(MAX_BATCHES):
            try:
                loaded = next(
                    (item for item in enabled_rules(("time_since",)) if item.rule.id == rule_id),
                    None,
                )
                if loaded is None:  # switched off or deleted meanwhile
                    db.session.commit()
                    break
                seen, count = _batch(loaded, cutoff=cutoff, batch=batch)
                db.session.commit()
            except BaseException:
                db.session.rollback()
                raise
            acted += count
            if seen < batch:
                break
    return acted


def due_tickets(loaded: LoadedRule, *, cutoff: datetime) -> sa.Select[Any]:
    """Ids of the tickets whose wait for this rule has been reached and not yet run,
    oldest wait first."""
    spec = loaded.spec
    column = TIME_COLUMNS[spec.trigger.time_field or "status_since"]
    statuses = spec.conditions.statuses or OPEN_STATUSES
    already = sa.exists().where(
        AutomationRun.rule_id == loaded.rule.id,
        AutomationRun.ticket_id == Ticket.id,
        AutomationRun.trigger_at == column,
    )
    return (
        sa.select(Ticket.id)
        .where(
            Ticket.status.in_(statuses),
            column.is_not(None),
            column <= cutoff - spec.trigger.wait,
            Ticket.spam_at.is_(None),  # never act on spam, nor on a ticket merged away
            Ticket.merged_into_id.is_(None),
            ~already,
        )
        .order_by(column, Ticket.id)
    )


def _batch(loaded: LoadedRule, *, cutoff: datetime, batch: int) -> tuple[int, int]:
    """Claim and run one batch; returns (tickets looked at, runs that acted)."""
    target = claimable(due_tickets(loaded, cutoff=cutoff).limit(batch))
    if target is None:
        return 0, 0
    tickets = list(
        db.session.scalars(
            sa.select(Ticket)
            .where(Ticket.id.in_(target))
            .options(selectinload(Ticket.tags), selectinload(Ticket.customer))
        )
    )
    spec = loaded.spec
    field = spec.trigger.time_field or "status_since"
    column_name = TIME_COLUMNS[field].key
    tickets.sort(key=lambda ticket: (getattr(ticket, column_name), ticket.id))
    acted = 0
    for ticket in tickets:
        started = getattr(ticket, column_name)
        if started is None or started > cutoff - spec.trigger.wait:
            continue  # changed since the candidates were read
        text = latest_customer_text(ticket.id) if spec.conditions.words else ""
        holds = conditions_hold(spec.conditions, facts_for(ticket, text))
        run_id = claim_run(
            loaded.rule.id,
            ticket.id,
            f"time_since:{field}:{started.isoformat()}",
            trigger_at=started,
            outcome="done" if holds else "skipped",
        )
        if run_id is None or not holds:
            continue
        if act(loaded, ticket, run_id):
            acted += 1
    return len(tickets), acted
