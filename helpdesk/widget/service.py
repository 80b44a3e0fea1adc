"""What the widget and the customer page may see and do: find a conversation by its token
(or by a verified identity), list a verified customer's conversations (and read their
stored language), start one. (Writing on one and rating it are `tickets.intake` and
`feedback.service` use cases.)

Access is never wider than the credential: a conversation token opens exactly its own
ticket; a verified identity (the host site signed the email with the widget secret) opens
that customer's tickets; an unverified email opens nothing. Internal notes never leave the
staff side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from helpdesk.attachments.uploads import Upload
from helpdesk.auth.service import normalise_email
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.i18n import supported_language
from helpdesk.models import Message, Ticket
from helpdesk.settings.hours import business_hours, is_known_zone
from helpdesk.tickets.customer_lookup import customer_by_email
from helpdesk.tickets.intake import CustomerContact, ticket_create_by_customer
from helpdesk.tickets.merge import merge_target
from helpdesk.tickets.spam import blocked_sender_count_drop, blocked_sender_for
from helpdesk.tickets.tokens import ticket_by_token
from helpdesk.widget.settings import identity_verified

MAX_LISTED = 20


@dataclass(frozen=True)
class Visitor:
    """Who the host page says is there; `email` is set only when the signature checks."""

    email: str | None = None
    name: str | None = None

    @property
    def verified(self) -> bool:
        return self.email is not None


def visitor_from(email: str | None, name: str | None, signature: str | None) -> Visitor:
    """A verified visitor when `signature` is the identity hash of `email`, else anonymous
    (a wrong hash is treated as no identity at all, never as the claimed customer)."""
    email = (email or "").strip()
    if not email or not identity_verified(email, signature or ""):
        return Visitor()
    try:
        canonical = normalise_email(email)
    except ValidationError:
        return Visitor()
    return Visitor(email=canonical, name=" ".join((name or "").split())[:120] or None)


def conversation_find(*, number: int, token: str | None, visitor: Visitor) -> Ticket | None:
    """The ticket `number` if the token opens it or it belongs to the verified visitor;
    None otherwise (callers answer 404 alike for unknown numbers and wrong tokens)."""
    ticket = db.session.scalar(
        sa.select(Ticket).where(Ticket.number == number).options(selectinload(Ticket.customer))
    )
    if ticket is None:
        return None
    # A conversation merged into another opens that one (tickets/merge.py).
    if token and ticket_by_token(token, follow_merges=False) is ticket:  # first or email's
        return merge_target(ticket)
    if visitor.verified and ticket.customer.email == visitor.email:
        return merge_target(ticket)
    return None


def last_public_staff_message_id(ticket: Ticket) -> int | None:
    """The id of our newest public reply on `ticket` (None before we answered)."""
    return db.session.scalar(
        sa.select(sa.func.max(Message.id)).where(
            Message.ticket_id == ticket.id,
            Message.author_type == "staff",
            Message.internal.is_(False),
        )
    )


def conversation_refused(email: str) -> bool:
    """True when `email` is a blocked sender's (the refusal is counted on the block); the
    widget then answers as if it had accepted the conversation, so a spammer learns
    nothing."""
    blocked = blocked_sender_for(email)
    if blocked is None:
        return False
    blocked_sender_count_drop(blocked=blocked)
    return True


def conversations_of(visitor: Visitor) -> list[Ticket]:
    """A verified visitor's most recent conversations (none for an anonymous one)."""
    if visitor.email is None:
        return []
    customer = customer_by_email(visitor.email)
    if customer is None:
        return []
    return list(
        db.session.scalars(
            sa.select(Ticket)
            .where(Ticket.customer_id == customer.id)
            .order_by(Ticket.last_activity_at.desc(), Ticket.id.desc())
            .limit(MAX_LISTED)
        )
    )


def visitor_language(visitor: Visitor) -> str | None:
    """The language stored on a verified visitor's customer record, so a panel opened on a
    new device can switch to it; None for an anonymous visitor, whatever email they claim
    (an unverified visitor learns nothing about a customer record)."""
    if visitor.email is None:
        return None
    customer = customer_by_email(visitor.email)
    return supported_language(customer.language if customer else None)


def conversation_zone(ticket: Ticket) -> ZoneInfo:
    """The time zone a conversation's times are shown to its customer in: theirs when their
    record has one (as for promise times), else the workspace's (business hours)."""
    zone = ticket.customer.timezone
    return ZoneInfo(zone if zone and is_known_zone(zone) else business_hours().timezone)


def public_messages(ticket: Ticket) -> list[Message]:
    """The conversation as the customer sees it: no internal notes, authors loaded."""
    return list(
        db.session.scalars(
            sa.select(Message)
            .where(Message.ticket_id == ticket.id, Message.internal.is_(False))
            .order_by(Message.created_at, Message.id)
            .options(selectinload(Message.author_user), selectinload(Message.author_customer))
        )
    )


def conversation_start(
    *,
    visitor: Visitor,
    name: str,
    email: str,
    message: str,
    subject: str | None = None,
    page_url: str | None = None,
    language: str | None = None,
    uploads: Sequence[Upload] = (),
) -> tuple[Ticket, str]:
    """Start a conversation from the widget (with checked files); returns the ticket and its
    token."""
    verified = False
    if visitor.verified:
        try:
            verified = normalise_email(email) == visitor.email
        except ValidationError:
            verified = False
    contact = CustomerContact(
        name=(visitor.name or name) if verified else name,
        email=email,
        verified=verified,
        language=language,
    )
    return ticket_create_by_customer(
        contact=contact,
        body=message,
        subject=subject,
        channel="widget",
        page_url=page_url,
        uploads=uploads,
    )
