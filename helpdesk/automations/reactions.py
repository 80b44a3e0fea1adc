"""Event rules react to ticket events, inside the event's own transaction (see
`engine.py`): a new ticket, a customer's reply, a status change. Each event's run key is
its message (or, for a status change, the new status and the time it changed), so a
replayed event runs nothing twice."""

from __future__ import annotations

from helpdesk.automations.engine import run_event_rules
from helpdesk.tickets.events import CustomerReplied, StatusChanged, TicketCreated


def on_ticket_created(event: TicketCreated) -> None:
    run_event_rules(
        ticket=event.ticket,
        triggers=("ticket_created", "customer_writes"),
        key=f"m{event.message.id}",
        text=event.message.body_source,
    )


def on_customer_replied(event: CustomerReplied) -> None:
    run_event_rules(
        ticket=event.ticket,
        triggers=("customer_replied", "customer_writes"),
        key=f"m{event.message.id}",
        text=event.message.body_source,
    )


def on_status_changed(event: StatusChanged) -> None:
    changed_at = event.ticket.status_changed_at
    run_event_rules(
        ticket=event.ticket,
        triggers=("status_changed",),
        key=f"{event.new}:{changed_at.isoformat() if changed_at else ''}",
        text=None,
        new_status=event.new,
    )


REACTIONS = (
    (TicketCreated, on_ticket_created),
    (CustomerReplied, on_customer_replied),
    (StatusChanged, on_status_changed),
)
