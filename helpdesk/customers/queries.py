"""Reads of customers: for the API, and the customer page's lists."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from helpdesk.extensions import db
from helpdesk.models import (
    AuditEvent,
    Customer,
    CustomerAlias,
    CustomerNote,
    NpsResponse,
    Promise,
    Rating,
    Recovery,
    Ticket,
)


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


@dataclass
class CustomerRecord:
    """Everything the customer page shows about one customer, newest first."""

    tickets: list[Ticket]
    promises: list[Promise]
    ratings: list[Rating]
    nps_answers: list[NpsResponse]
    recoveries: list[Recovery]
    notes: list[CustomerNote]
    aliases: list[CustomerAlias]
    history: list[AuditEvent]


HISTORY_LIMIT = 100


def customer_record(customer: Customer) -> CustomerRecord:
    """The customer page's lists: one statement each, whatever the customer's size."""
    of_customer = sa.select(Ticket.id).where(Ticket.customer_id == customer.id)
    aliases = list(
        db.session.scalars(
            sa.select(CustomerAlias)
            .where(CustomerAlias.customer_id == customer.id)
            .order_by(CustomerAlias.created_at.desc(), CustomerAlias.id.desc())
        )
    )
    # The audit events about this customer, and about the records merged into it.
    subject_ids = [str(customer.id)] + [
        str(alias.merged_from_id) for alias in aliases if alias.merged_from_id is not None
    ]
    return CustomerRecord(
        tickets=list(
            db.session.scalars(
                sa.select(Ticket)
                .where(Ticket.customer_id == customer.id)
                .order_by(Ticket.created_at.desc(), Ticket.id.desc())
                .options(selectinload(Ticket.assignee))
            )
        ),
        promises=list(
            db.session.scalars(
                sa.select(Promise)
                .where(Promise.ticket_id.in_(of_customer))
                .order_by(Promise.created_at.desc(), Promise.id.desc())
                .options(joinedload(Promise.ticket), joinedload(Promise.agent))
            )
        ),
        ratings=list(
            db.session.scalars(
                sa.select(Rating)
                .where(Rating.customer_id == customer.id)
                .order_by(Rating.created_at.desc(), Rating.id.desc())
                .options(joinedload(Rating.ticket))
            )
        ),
        nps_answers=list(
            db.session.scalars(
                sa.select(NpsResponse)
                .where(NpsResponse.customer_id == customer.id)
                .order_by(NpsResponse.created_at.desc(), NpsResponse.id.desc())
            )
        ),
        recoveries=list(
            db.session.scalars(
                sa.select(Recovery)
                .where(Recovery.ticket_id.in_(of_customer))
                .order_by(Recovery.started_at.desc(), Recovery.id.desc())
                .options(joinedload(Recovery.ticket))
            )
        ),
        notes=list(
            db.session.scalars(
                sa.select(CustomerNote)
                .where(CustomerNote.customer_id == customer.id)
                .order_by(CustomerNote.created_at.desc(), CustomerNote.id.desc())
                .options(joinedload(CustomerNote.author))
            )
        ),
        aliases=aliases,
        history=list(
            db.session.scalars(
                sa.select(AuditEvent)
                .where(
                    AuditEvent.object_type == "customers",
                    AuditEvent.object_id.in_(subject_ids),
                )
                .order_by(AuditEvent.id.desc())
                .limit(HISTORY_LIMIT)
                .options(joinedload(AuditEvent.actor))
            )
        ),
    )
