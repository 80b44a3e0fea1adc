"""Read-side selects for the ticket page, each loading what the page shows up front (no
lazy loads from templates)."""

from __future__ import annotations

from typing import Any, NamedTuple

import sqlalchemy as sa
from flask import g
from sqlalchemy.orm import joinedload, selectinload

from helpdesk.db.rows import read_rows
from helpdesk.extensions import db
from helpdesk.models import (
    AuditEvent,
    ComplaintLabel,
    Customer,
    Message,
    Recovery,
    RecoveryStep,
    Tag,
    Ticket,
    User,
    ticket_tags,
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
        g.staff_directory = [StaffMember(*row) for row in read_rows(_STAFF)]
    directory: list[StaffMember] = g.staff_directory
    return directory


def assignable_users() -> list[StaffMember]:
    """Active staff, for assignee pickers."""
    return [member for member in staff_directory() if member.active]


# What the ticket page shows of a ticket and its conversation, built once: making the
# loader options again for every request cost about 0.5 ms of its CPU (issue 25). The
# ticket, its people and its recovery (at most one) come in one statement, the recovery's
# steps in a second when there is one. Its tags are not loaded with it: the page shows
# their names (`ticket_tag_names`), and a `selectinload` of them cost 0.2 ms (joining them
# made SQLite plan a nested join at 36 ms); a view that changes them loads them then.
TICKET_PAGE_LOAD = (
    joinedload(Ticket.customer),
    joinedload(Ticket.assignee),
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
    """The whole conversation, notes included, oldest first, with authors loaded (as ORM
    objects, for the API; the ticket page reads `conversation`)."""
    return list(db.session.scalars(_MESSAGES, {"ticket_id": ticket.id}))


# The conversation as the ticket page shows it: plain rows with the authors' names (the
# ORM's objects for thirty messages and their authors cost about 0.35 ms more, issue 25).
_MESSAGE = Message.__table__
_AUTHOR_USER = User.__table__.alias("author_user")
_AUTHOR_CUSTOMER = Customer.__table__.alias("author_customer")
_CONVERSATION = (
    sa.select(
        _MESSAGE.c.id,
        _MESSAGE.c.author_type,
        _MESSAGE.c.internal,
        _MESSAGE.c.created_at,
        _MESSAGE.c.body_html,
        _MESSAGE.c.has_attachments,
        _AUTHOR_USER.c.name.label("author_user_name"),
        _AUTHOR_CUSTOMER.c.name.label("author_customer_name"),
    )
    .outerjoin(_AUTHOR_USER, _AUTHOR_USER.c.id == _MESSAGE.c.author_user_id)
    .outerjoin(_AUTHOR_CUSTOMER, _AUTHOR_CUSTOMER.c.id == _MESSAGE.c.author_customer_id)
    .where(_MESSAGE.c.ticket_id == sa.bindparam("ticket_id"))
    .order_by(_MESSAGE.c.created_at, _MESSAGE.c.id)
)


def conversation(ticket: Ticket) -> list[sa.Row[Any]]:
    """The whole conversation for the ticket page, notes included, oldest first: of each
    message its id, `author_type`, `internal`, `created_at`, `body_html`,
    `has_attachments`, and its author's name (`author_user_name` or
    `author_customer_name`)."""
    return list(read_rows(_CONVERSATION, {"ticket_id": ticket.id}))


_TAG_NAMES = (
    sa.select(Tag.name)
    .join(ticket_tags, ticket_tags.c.tag_id == Tag.id)
    .where(ticket_tags.c.ticket_id == sa.bindparam("ticket_id"))
    .order_by(Tag.name)
)


def ticket_tag_names(ticket: Ticket) -> list[str]:
    """The ticket's tags' names, alphabetically (as the properties panel shows them)."""
    return list(read_rows(_TAG_NAMES, {"ticket_id": ticket.id}).scalars())


_OTHER_TICKETS = (
    sa.select(
        Ticket.id,
        Ticket.number,
        Ticket.subject,
        Ticket.status,
        Ticket.merged_into_id,
        Ticket.spam_at,
    )
    .where(
        Ticket.customer_id == sa.bindparam("customer_id"), Ticket.id != sa.bindparam("ticket_id")
    )
    .order_by(Ticket.last_activity_at.desc(), Ticket.id.desc())
    .limit(10)
)


def customer_other_tickets(ticket: Ticket) -> list[sa.Row[Any]]:
    """The customer's ten other latest tickets, latest activity first, as rows of their
    id, number, subject, status, `merged_into_id` and `spam_at`; read once per request
    (the customer panel and the merge picker both show them)."""
    key = f"customer_other_tickets:{ticket.id}"
    if key not in g:
        given = {"customer_id": ticket.customer_id, "ticket_id": ticket.id}
        setattr(g, key, list(read_rows(_OTHER_TICKETS, given)))
    return list(getattr(g, key))


# Plain rows (no ORM objects, no joined actor: the trail names people from the staff
# directory): the ORM's per-statement setup of an event and its user cost several times
# the query (issue 25).
_AUDIT = AuditEvent.__table__
_AUDIT_EVENTS = (
    sa.select(
        _AUDIT.c.created_at,
        _AUDIT.c.action,
        _AUDIT.c.changes,
        _AUDIT.c.actor_user_id,
        _AUDIT.c.actor_label,
    )
    .where(_AUDIT.c.object_type == "tickets", _AUDIT.c.object_id == sa.bindparam("object_id"))
    .order_by(_AUDIT.c.created_at.desc(), _AUDIT.c.id.desc())
    .limit(100)
)


def ticket_audit_events(ticket: Ticket) -> list[sa.Row[Any]]:
    """The ticket's latest hundred audit events, newest first: when, the action, the
    changes, and who (`actor_user_id`, or the `actor_label` of a customer or the helpdesk)."""
    return list(read_rows(_AUDIT_EVENTS, {"object_id": str(ticket.id)}))


def ticket_refresh(ticket: Ticket) -> None:
    """Read the ticket's columns again, as stored now (after a use case changed or refused
    a change to it)."""
    db.session.refresh(ticket)
