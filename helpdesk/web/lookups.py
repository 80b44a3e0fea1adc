"""Lookups views repeat: the row a URL names, or 404."""

from __future__ import annotations

from typing import TypeVar

from flask import abort

from helpdesk.extensions import db
from helpdesk.models import Ticket
from helpdesk.tickets.queries import ticket_by_number

M = TypeVar("M")


def ticket_or_404(number: int) -> Ticket:
    ticket = ticket_by_number(number)
    if ticket is None:
        abort(404)
    return ticket


def row_or_404(model: type[M], row_id: int) -> M:
    """The `model` row with this primary key, or the 404 page."""
    return db.get_or_404(model, row_id)
