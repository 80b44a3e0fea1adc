"""Reads of customers for the API."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from helpdesk.extensions import db
from helpdesk.models import Customer, Ticket


def customer_by_id(customer_id: int) -> Customer | None:
    return db.session.get(Customer, customer_id)


def customer_recent_tickets(customer: Customer, limit: int) -> list[Ticket]:
    """The customer's newest tickets, with assignee and tags loaded."""
    return list(
        db.session.scalars(
            sa.select(Ticket)
            .where(Ticket.customer_id == customer.id)
            .order_by(Ticket.created_at.desc(), Ticket.id.desc())
            .limit(limit)
            .options(selectinload(Ticket.assignee), selectinload(Ticket.tags))
        )
    )
