"""New tickets and customers' own messages: the ways a conversation starts or continues
from the customer's side (an agent taking it down, the widget, later email and the API).

A ticket a customer can reach without logging in carries an access token: at least 128
random bits, handed to the customer once and stored only as its SHA-256 hash.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.auth.service import normalise_email
from helpdesk.clock import now
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.founders.escalations import escalate_repeat_contact
from helpdesk.mail.events import acknowledgement_for, mail_ticket_received
from helpdesk.models import Attachment, Customer, Message, Ticket, TicketAccessToken, User
from helpdesk.models.ticket import CHANNELS
from helpdesk.recovery.detection import Detection
from helpdesk.recovery.service import complaint_detection, detect_complaint, prefill_detection
from helpdesk.rendering import markdown_to_html
from helpdesk.settings.service import settings_read
from helpdesk.tickets.assignment import assign_round_robin
from helpdesk.tickets.numbers import next_ticket_number
from helpdesk.tickets.service import (
    MAX_SUBJECT_CHARS,
    apply_status,
    check_priority,
    clean_body,
    record_message,
)
from helpdesk.webhooks.events import (
    message_created_event,
    ticket_created_event,
    ticket_updated_event,
)

MAX_NAME_CHARS = 120
MAX_PAGE_URL_CHARS = 2000
SUBJECT_FROM_BODY_CHARS = 80


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def ticket_by_token(token: str) -> Ticket | None:
    """The ticket a customer's access token opens (the ticket's first token or one minted
    for an email link), or None (for any malformed token too)."""
    if not token or len(token) > 200:
        return None
    digest = token_hash(token)
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.access_token_hash == digest))
    if ticket is None:
        ticket = db.session.scalar(
            sa.select(Ticket)
            .join(TicketAccessToken, TicketAccessToken.ticket_id == Ticket.id)
            .where(TicketAccessToken.token_hash == digest)
        )
    return ticket


def ticket_link_token(ticket: Ticket) -> str:
    """A new access token for a link to `/c/<token>` (an email's), in the caller's
    transaction; the customer's earlier tokens keep working."""
    token = secrets.token_urlsafe(32)
    db.session.add(TicketAccessToken(ticket_id=ticket.id, token_hash=token_hash(token)))
    return token


def _clean_subject(subject: str | None, body: str, *, required: bool) -> str:
    subject = " ".join((subject or "").split())
    if not subject and required:
        raise ValidationError("subject", _("Give the ticket a subject."))
    if len(subject) > MAX_SUBJECT_CHARS:
        raise ValidationError(
            "subject", _("Use at most %(count)d characters.", count=MAX_SUBJECT_CHARS)
        )
    if subject:
        return subject
    first_line = " ".join(body.split())
    if len(first_line) <= SUBJECT_FROM_BODY_CHARS:
        return first_line
    return first_line[: SUBJECT_FROM_BODY_CHARS - 1].rstrip() + "…"


def _clean_name(name: str | None, field: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(field, _("Enter a name."))
    if len(name) > MAX_NAME_CHARS:
        raise ValidationError(field, _("Use at most %(count)d characters.", count=MAX_NAME_CHARS))
    return name


def _open_ticket(
    *,
    customer: Customer,
    subject: str,
    body: str,
    priority: str,
    channel: str,
    access_token_hash: str | None = None,
    detection: Detection | None = None,
) -> tuple[Ticket, Message]:
    """A new ticket with the customer's first message, checked for a complaint (unless the
    caller scored it already) and assigned; part of the caller's transaction."""
    at = now()
    ticket = Ticket(
        number=next_ticket_number(),
        subject=subject,
        status="new",
        priority=priority,
        channel=channel,
        customer=customer,
        access_token_hash=access_token_hash,
        created_at=at,
        last_activity_at=at,
    )
    if detection is not None:
        prefill_detection(ticket, detection)
    db.session.add(ticket)
    message = Message(
        ticket=ticket,
        author_type="customer",
        author_customer=customer,
        body_source=body,
        body_html=markdown_to_html(body),
        created_at=at,
        complaint_score=detection.score if detection is not None else None,
    )
    db.session.add(message)
    record_message(ticket, message)
    db.session.flush()
    detect_complaint(ticket=ticket, message=message, detection=detection)
    escalate_repeat_contact(ticket=ticket)
    assign_round_robin(ticket)
    return ticket, message


def ticket_create(
    *,
    actor: User,
    customer_email: str,
    customer_name: str,
    subject: str,
    body: str,
    priority: str = "normal",
    channel: str = "agent",
) -> Ticket:
    """Open a ticket on a customer's behalf (finding or creating the customer); the first
    message is the customer's words as the agent took them down."""
    email = normalise_email(customer_email)
    subject = _clean_subject(subject, "", required=True)
    body = clean_body(body)
    check_priority(priority)
    if channel not in CHANNELS:
        raise ValidationError("channel", _("Unknown channel."))
    if not actor.can("agent"):
        raise NotAllowed(_("Only staff can open tickets for customers."))
    customer = db.session.scalar(sa.select(Customer).where(Customer.email == email))
    if customer is None:
        name = " ".join((customer_name or "").split())
        if not name:
            raise ValidationError("customer_name", _("Enter the customer's name."))
        customer = Customer(email=email, name=name[:MAX_NAME_CHARS])
        db.session.add(customer)
    ticket, message = _open_ticket(
        customer=customer, subject=subject, body=body, priority=priority, channel=channel
    )
    audit(
        actor=actor,
        action="ticket.create",
        obj=ticket,
        changes={"channel": channel, "customer_id": customer.id, "assignee": ticket.assignee_id},
    )
    ticket_created_event(ticket, message)
    db.session.commit()
    return ticket


@dataclass(frozen=True)
class CustomerContact:
    """Who is writing: what they typed, and whether the host site vouched for the email."""

    name: str
    email: str
    verified: bool = False
    language: str | None = None


def ticket_create_by_customer(
    *,
    contact: CustomerContact,
    body: str,
    subject: str | None = None,
    channel: str = "widget",
    page_url: str | None = None,
    email_message_id: str | None = None,
    attachments: Sequence[Attachment] = (),
    acknowledge: bool = True,
    before_commit: Callable[[Ticket], None] | None = None,
) -> tuple[Ticket, str]:
    """A customer starts a conversation; returns the ticket and its access token (the only
    time the token exists in clear). `before_commit` lets a calling use case record more
    in the same transaction.

    The email finds or creates the `Customer`. Only a verified contact (the host site
    signed the email) may update that customer's name or mark them seen: an unverified
    form cannot rename somebody else's customer record. The page the customer wrote from
    is kept as an internal note for the agent. Email passes its Message-ID and stored
    attachments, and `acknowledge=False` for automated mail (no "we got it" reply to it).
    """
    email = normalise_email(contact.email)
    name = _clean_name(contact.name, "name")
    body = clean_body(body, "message")
    subject = _clean_subject(subject, body, required=False)
    if channel not in CHANNELS:
        raise ValidationError("channel", _("Unknown channel."))
    page_url = _clean_page_url(page_url)
    # Reads first: SQLite writes one transaction at a time, from its first write to commit.
    settings_read()
    customer = db.session.scalar(sa.select(Customer).where(Customer.email == email))
    expectation = (
        acknowledgement_for(
            email,
            verified=contact.verified,
            language=customer.language if customer else contact.language,
            zone=customer.timezone if customer else None,
        )
        if acknowledge
        else None
    )
    # Scored before the first write too (the model is the costliest read).
    detection = complaint_detection(
        body=body,
        customer_id=customer.id if customer else None,
        language=customer.language if customer else contact.language,
        at=now(),
    )
    if customer is None:
        customer = Customer(email=email, name=name, language=contact.language)
        db.session.add(customer)
    elif contact.verified:
        customer.name = name
    if contact.verified:
        customer.last_seen_at = now()
    token = secrets.token_urlsafe(32)  # 256 bits
    ticket, message = _open_ticket(
        customer=customer,
        subject=subject,
        body=body,
        priority="normal",
        channel=channel,
        access_token_hash=token_hash(token),
        detection=detection,
    )
    _add_email_details(message, email_message_id, attachments)
    if expectation is not None:
        mail_ticket_received(ticket, expectation=expectation)
    if page_url:
        db.session.add(
            Message(
                ticket=ticket,
                author_type="system",
                body_source=_("Sent from %(url)s", url=page_url),
                body_html=markdown_to_html(_("Sent from %(url)s", url=page_url)),
                internal=True,
                created_at=ticket.created_at,
            )
        )
    db.session.flush()
    audit(
        actor=f"customer:{customer.id}",
        action="ticket.create",
        obj=ticket,
        changes={
            "channel": channel,
            "customer_id": customer.id,
            "verified": contact.verified,
            "assignee": ticket.assignee_id,
        },
    )
    if before_commit is not None:
        before_commit(ticket)
    ticket_created_event(ticket, message)
    db.session.commit()
    return ticket, token


def _clean_page_url(page_url: str | None) -> str | None:
    """The host page's address if it is a plausible http(s) URL, else nothing (it is
    context for the agent, not worth refusing a customer's message over)."""
    page_url = (page_url or "").strip()
    if not page_url or len(page_url) > MAX_PAGE_URL_CHARS:
        return None
    if not page_url.startswith(("http://", "https://")) or any(c.isspace() for c in page_url):
        return None
    return page_url


# A customer writing again this long after the ticket was closed starts a new ticket (the
# old conversation is history; email threading follows the same rule).
REOPEN_WINDOW = timedelta(days=30)


def _add_email_details(
    message: Message, email_message_id: str | None, attachments: Sequence[Attachment]
) -> None:
    """An emailed message's Message-ID (unique: a redelivery cannot store it twice) and its
    stored files, in the caller's transaction (the message must be flushed)."""
    if email_message_id is not None:
        message.email_message_id = email_message_id
    for attachment in attachments:
        attachment.message_id = message.id
        db.session.add(attachment)


def ticket_customer_reply(
    *,
    ticket: Ticket,
    body: str,
    field: str = "message",
    email_message_id: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> Message:
    """The customer writes on their conversation. A resolved ticket, or one closed less
    than 30 days ago, reopens; an older closed ticket refuses (the caller starts a new one)."""
    body = clean_body(body, field)
    if (
        ticket.status == "closed"
        and ticket.resolved_at
        and now() - ticket.resolved_at > (REOPEN_WINDOW)
    ):
        raise NotAllowed(_("This conversation was closed a while ago. Please start a new one."))
    customer = ticket.customer
    message = Message(
        ticket=ticket,
        author_type="customer",
        author_customer=customer,
        body_source=body,
        body_html=markdown_to_html(body),
        created_at=now(),
    )
    db.session.add(message)
    changes: dict[str, object] = {}
    if ticket.status in ("resolved", "closed", "pending"):
        changes["status"] = [ticket.status, "open"]
        apply_status(ticket, "open")
    record_message(ticket, message)
    db.session.flush()
    _add_email_details(message, email_message_id, attachments)
    changes["message_id"] = message.id
    detect_complaint(ticket=ticket, message=message)
    audit(
        actor=f"customer:{customer.id}", action="ticket.customer_reply", obj=ticket, changes=changes
    )
    message_created_event(message)
    ticket_updated_event(ticket, changes)
    db.session.commit()
    return message
