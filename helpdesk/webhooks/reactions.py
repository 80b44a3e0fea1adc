"""What webhooks do when tickets change: queue `ticket.created`, `message.created` and
`ticket.updated` deliveries for the subscriptions that listen (outbox rows in the use
case's transaction; the delivery job sends them)."""

from __future__ import annotations

from helpdesk.tickets.events import CustomerReplied, StaffReplied, TicketCreated, TicketUpdated
from helpdesk.webhooks.events import (
    message_created_event,
    ticket_created_event,
    ticket_updated_event,
)


def ticket_created(event: TicketCreated) -> None:
    ticket_created_event(event.ticket, event.message)


def message_created(event: StaffReplied | CustomerReplied) -> None:
    message_created_event(event.message)
    ticket_updated_event(event.ticket, event.changes)


def ticket_updated(event: TicketUpdated) -> None:
    ticket_updated_event(event.ticket, event.changes)


REACTIONS = (
    (TicketCreated, ticket_created),
    (StaffReplied, message_created),
    (CustomerReplied, message_created),
    (TicketUpdated, ticket_updated),
)
