"""What service-level clocks do when tickets change (see `clocks.py` for the rules). Each
handler runs in the transaction of the use case that published the event."""

from __future__ import annotations

import sqlalchemy as sa

from helpdesk.customers.events import CustomerUpdated
from helpdesk.extensions import db
from helpdesk.models import Ticket
from helpdesk.models.ticket import DONE_STATUSES, OPEN_STATUSES
from helpdesk.sla import clocks
from helpdesk.tickets.events import (
    CustomerReplied,
    StaffReplied,
    StatusChanged,
    TicketCreated,
    TicketUpdated,
)

RUNNING_STATUSES = ("new", "open")


def start_on_create(event: TicketCreated) -> None:
    clocks.start_for_new_ticket(event.ticket)


def meet_on_reply(event: StaffReplied) -> None:
    if event.internal:
        return
    clocks.meet_replies(event.ticket, event.message.created_at)


def next_reply_on_customer(event: CustomerReplied) -> None:
    clocks.start_next_reply(event.ticket, event.message.created_at)


def follow_status(event: StatusChanged) -> None:
    old, new = event.old, event.new
    if new in DONE_STATUSES:
        if old not in DONE_STATUSES:
            clocks.finish(event.ticket)
    elif old in DONE_STATUSES:
        clocks.reopen(event.ticket)
    elif new == "pending":
        clocks.pause_all(event.ticket)
    elif old == "pending" and new in RUNNING_STATUSES:
        clocks.resume_all(event.ticket)


def rematch_on_priority(event: TicketUpdated) -> None:
    if "priority" in event.changes:
        clocks.rematch(event.ticket)


def rematch_on_customer(event: CustomerUpdated) -> None:
    """A customer's plan or VIP flag changed: their open tickets may match another policy."""
    if "plan" not in event.changes and "vip" not in event.changes:
        return
    tickets = db.session.scalars(
        sa.select(Ticket)
        .where(Ticket.customer_id == event.customer.id, Ticket.status.in_(OPEN_STATUSES))
        .order_by(Ticket.id)
    )
    for ticket in tickets:
        clocks.rematch(ticket)


REACTIONS = (
    (TicketCreated, start_on_create),
    (StaffReplied, meet_on_reply),
    (CustomerReplied, next_reply_on_customer),
    (StatusChanged, follow_status),
    (TicketUpdated, rematch_on_priority),
    (CustomerUpdated, rematch_on_customer),
)
