"""The wake sweep: snoozed tickets whose time has come lose their snooze, move to the top of
the inbox (`last_activity_at`) and get a history line — each exactly once, however many
scheduler processes run it.

Each batch is one transaction that claims its rows with a conditional UPDATE (`... WHERE
snoozed_until <= :now`, re-checked by the UPDATE itself, so a ticket unsnoozed or
re-snoozed a moment earlier is not touched), acts only on the rows it returned, and
commits once; on PostgreSQL the candidates are first locked `FOR UPDATE SKIP LOCKED`
(`db.locking.claimable`), the pattern of `promises/sweeps.py`.

Nobody is notified: there is no notification kind for it, and the ticket's return to the
top of its views (and `TicketWoke`, for a feature that wants to react) says enough.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm.util import identity_key

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.batches import BATCH, drain
from helpdesk.db.locking import claimable
from helpdesk.events import publish
from helpdesk.extensions import db
from helpdesk.models import Ticket
from helpdesk.tickets.events import TicketWoke


def sweep_snoozed(*, batch: int = BATCH) -> int:
    """Wake every ticket whose snooze has ended; returns how many this call woke."""
    return drain(_wake_batch, cutoff=now(), batch=batch)


def _wake_batch(*, cutoff: datetime, batch: int) -> int:
    due = sa.and_(Ticket.snoozed_until.is_not(None), Ticket.snoozed_until <= cutoff)
    candidates = (
        sa.select(Ticket.id).where(due).order_by(Ticket.snoozed_until, Ticket.id).limit(batch)
    )
    target = claimable(candidates)
    if target is None:
        return 0
    # The wake time is read in the same statement that clears it (a CTE of the old rows
    # would not be portable), so it is taken from the candidates first.
    wakes = dict(
        db.session.execute(
            sa.select(Ticket.id, Ticket.snoozed_until).where(Ticket.id.in_(target), due)
        ).all()
    )
    claimed = list(
        db.session.scalars(
            sa.update(Ticket)
            .where(Ticket.id.in_(list(wakes)), due)
            .values(snoozed_until=None, last_activity_at=cutoff)
            .returning(Ticket.id)
            .execution_options(synchronize_session=False)
        )
    )
    for ticket_id in claimed:
        loaded = db.session.identity_map.get(identity_key(Ticket, ticket_id))
        if loaded is not None:
            db.session.expire(loaded)
    tickets = list(db.session.scalars(sa.select(Ticket).where(Ticket.id.in_(claimed))))
    for ticket in tickets:
        audit(
            actor="system",
            action="ticket.wake",
            obj=ticket,
            changes={"wakes_at": [wakes.get(ticket.id), None]},
        )
        publish(TicketWoke(ticket=ticket))
    return len(claimed)
