"""Lookups views repeat: the row a URL names, or 404."""

from __future__ import annotations

from typing import TypeVar

from flask import abort

from helpdesk.extensions import db
from helpdesk.forms import MAX_ID
from helpdesk.models import Ticket
from helpdesk.tickets.queries import ticket_by_number

M = TypeVar("M")


def ticket_or_404(number: int, *, description: str | None = None) -> Ticket:
    """The ticket with this number (loaded for the ticket page), or 404 — with
    `description` as the reason when given (the JSON API's message). A number beyond the
    database's integers (a URL read with plain `<int:…>`) is simply not found."""
    ticket = ticket_by_number(number) if number <= MAX_ID else None
    if ticket is None:
        abort(404, description=description)
    return ticket


def row_or_404(model: type[M], row_id: int) -> M:
    """The `model` row with this primary key, or the 404 page."""
    return db.get_or_404(model, row_id)
