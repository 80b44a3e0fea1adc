"""What the founders' queue does when tickets change: a customer's new ticket that makes
a pattern of repeated contact is escalated."""

from __future__ import annotations

from helpdesk.founders.escalations import escalate_repeat_contact
from helpdesk.tickets.events import TicketCreated


def repeat_contact(event: TicketCreated) -> None:
    escalate_repeat_contact(ticket=event.ticket)


REACTIONS = ((TicketCreated, repeat_contact),)
