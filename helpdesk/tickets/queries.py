"""Read-side selects for the ticket page, each loading what the page shows up front (no
lazy loads from templates)."""

from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa
from flask import g
from sqlalchemy.orm import joinedload, selectinload

from helpdesk.extensions import db
from helpdesk.models import (
    AuditEvent,
    ComplaintLabel,
    Message,
    Recovery,
    RecoveryStep,
    Ticket,
    User,
)


class StaffMember(NamedTuple):
    id: int
    name: str
    active: bool


_STAFF = sa.select(User.id, User.name, User.active).order_by(User.name, User.id)


def staff_directory() -> list[StaffMember]:
    """Every staff member, by name, read once a request: the assignee pickers and the
    audit trail's names both come from it."""
    if "staff_directory" not in g:
        g.staff_directory = [StaffMember(*row) for row in db.session.execute(_STAFF)]
    directory: list[StaffMember] = g.staff_directory
    return directory


def assignable_users() -> list[StaffMember]:
    """Active staff, for assignee pickers."""
    return [member for member in staff_directory() if member.active]


# What the ticket page shows of a ticket and its conversation, built once: making the
# loader options again for every request cost about 0.5 ms of its CPU (issue 25). The
# ticket, its people and its recovery (at most one) come in one statement; its tags in a
# second (joined too, SQLite planned the nested join at 36 ms), the recovery's steps in a
# third when there is one.
TICKET_PAGE_LOAD = (
    joinedload(Ticket.customer),
    joinedload(Ticket.assignee),
    selectinload(Ticket.tags),
    joinedload(Ticket.complaint_label).joinedload(ComplaintLabel.labelled_by),
    joinedload(Ticket.recovery).options(
        selectinload(Recovery.steps).joinedload(RecoveryStep.done_by),
        joinedload(Recovery.root_cause),
        joinedload(Recovery.last_read_by),
    ),
)
MESSAGE_AUTHORS = (joinedload(Message.author_user), joinedload(Message.author_customer))
_TICKET_BY_NUMBER = (
    sa.select(Ticket).where(Ticket.number == sa.bindparam("number")).options(*TICKET_PAGE_LOAD)
)


def ticket_by_number(number: int) -> Ticket | None:
    found = db.session.execute(_TICKET_BY_NUMBER, {"number": number})
    return found.unique().scalar_one_or_none()


_MESSAGES = (
    sa.select(Message)
    .where(Message.ticket_id == sa.bindparam("ticket_id"))
    .options(*MESSAGE_AUTHORS)
    .order_by(Message.created_at, Message.id)
)


def ticket_messages(ticket: Ticket) -> list[Message]:
    """The whole conversation, notes included, oldest first, with authors loaded."""
    return list(db.session.scalars(_MESSAGES, {"ticket_id": ticket.id}))


_OTHER_TICKETS = (
    sa.select(Ticket)
    .where(
        Ticket.customer_id == sa.bindparam("customer_id"), Ticket.id != sa.bindparam("ticket_id")
    )
    .order_by(Ticket.last_activity_at.desc(), Ticket.id.desc())
    .limit(10)
)


def customer_other_tickets(ticket: Ticket) -> list[Ticket]:
    """The customer's ten other latest tickets, latest activity first; read once per
    request (the customer panel and the merge picker both show them)."""
    key = f"customer_other_tickets:{ticket.id}"
    if key not in g:
        given = {"customer_id": ticket.customer_id, "ticket_id": ticket.id}
        setattr(g, key, list(db.session.scalars(_OTHER_TICKETS, given)))
    return list(getattr(g, key))


_AUDIT_EVENTS = (
    sa.select(AuditEvent)
    .where(AuditEvent.object_type == "tickets", AuditEvent.object_id == sa.bindparam("object_id"))
    .options(joinedload(AuditEvent.actor))
    .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    .limit(100)
)


def ticket_audit_events(ticket: Ticket) -> list[AuditEvent]:
    """The ticket's latest hundred audit events, newest first."""
    return list(db.session.scalars(_AUDIT_EVENTS, {"object_id": str(ticket.id)}))


def ticket_refresh(ticket: Ticket) -> None:
    """Read the ticket's columns again, as stored now (after a use case changed or refused
    a change to it)."""
    db.session.refresh(ticket)
