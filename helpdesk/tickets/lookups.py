"""The ticket a URL names, or 404 (every view of a ticket, HTML or JSON, starts here)."""

from __future__ import annotations

from flask import abort

from helpdesk.forms import MAX_ID
from helpdesk.models import Ticket
from helpdesk.tickets.queries import ticket_by_number


def ticket_or_404(number: int, *, description: str | None = None) -> Ticket:
    """The ticket with this number (loaded for the ticket page), or 404 — with
    `description` as the reason when given (the JSON API's message). A number beyond the
    database's integers (a URL read with plain `<int:…>`) is simply not found."""
    ticket = ticket_by_number(number) if number <= MAX_ID else None
    if ticket is None:
        abort(404, description=description)
    return ticket
