"""The steps a customer's conversation is made of: opening a ticket with the first
message, and the customer writing again. They join the caller's transaction and never
commit; `intake.py` wraps them as use cases, and other features (NPS answers) compose them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _

from helpdesk.attachments.storing import attach, store_uploads
from helpdesk.attachments.uploads import Upload
from helpdesk.audit import audit
from helpdesk.auth.service import normalise_email
from helpdesk.clock import now
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.events import publish
from helpdesk.extensions import db
from helpdesk.models import Attachment, Customer, Message, Ticket, User
from helpdesk.models.ticket import CHANNELS, DONE_STATUSES
from helpdesk.rendering import markdown_to_html
from helpdesk.settings.service import settings_read
from helpdesk.tickets.assignment import assign_round_robin
from helpdesk.tickets.customer_lookup import customer_by_email
from helpdesk.tickets.events import (
    CustomerReplied,
    CustomerWriting,
    TicketCreated,
    TicketOpening,
)
from helpdesk.tickets.numbers import next_ticket_number
from helpdesk.tickets.steps import (
    MAX_SUBJECT_CHARS,
    apply_status,
    check_priority,
    clean_body,
    record_message,
)
from helpdesk.tickets.tokens import new_token

MAX_NAME_CHARS = 120
MAX_PAGE_URL_CHARS = 2000
SUBJECT_FROM_BODY_CHARS = 80
# A customer writing again this long after the ticket was closed starts a new ticket (the
# old conversation is history; email threading follows the same rule).
REOPEN_WINDOW = timedelta(days=30)


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


def contact_problems(*, name: str | None, email: str, body: str) -> dict[str, str]:
    """Every problem with what a customer typed to start a conversation, by field ("name",
    "email", "message"), so a form can show them all at once instead of one per attempt."""
    checks = (
        lambda: normalise_email(email or ""),
        lambda: _clean_name(name, "name"),
        lambda: clean_body(body, "message"),
    )
    found: dict[str, str] = {}
    for check in checks:
        try:
            check()
        except ValidationError as error:
            found.setdefault(error.field or "body", error.message)
    return found


def _open_ticket(
    *,
    customer: Customer,
    subject: str,
    body: str,
    priority: str,
    channel: str,
    access_token_hash: str | None = None,
    prepared: dict[str, object] | None = None,
) -> tuple[Ticket, Message]:
    """A new ticket with the customer's first message, inserted and assigned (round robin);
    `TicketOpening` lets handlers fill columns first from what they `prepared`."""
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
    message = Message(
        ticket=ticket,
        author_type="customer",
        author_customer=customer,
        body_source=body,
        body_html=markdown_to_html(body),
        created_at=at,
    )
    if prepared is not None:
        publish(TicketOpening(ticket=ticket, message=message, prepared=prepared))
    db.session.add(ticket)
    db.session.add(message)
    record_message(ticket, message)
    db.session.flush()
    assign_round_robin(ticket)
    return ticket, message


def open_ticket_for_customer(
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
    customer = customer_by_email(email)
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
    publish(TicketCreated(ticket=ticket, message=message, actor=actor))
    return ticket


@dataclass(frozen=True)
class CustomerContact:
    """Who is writing: what they typed, and whether the host site vouched for the email."""

    name: str
    email: str
    verified: bool = False
    language: str | None = None


def open_conversation(
    *,
    contact: CustomerContact,
    body: str,
    subject: str | None = None,
    channel: str = "widget",
    page_url: str | None = None,
    email_message_id: str | None = None,
    attachments: Sequence[Attachment] = (),
    acknowledge: bool = True,
    uploads: Sequence[Upload] = (),
) -> tuple[Ticket, str]:
    """A customer starts a conversation; returns the ticket and its access token (the only
    time the token exists in clear). See `intake.ticket_create_by_customer`."""
    email = normalise_email(contact.email)
    name = _clean_name(contact.name, "name")
    body = clean_body(body, "message")
    subject = _clean_subject(subject, body, required=False)
    if channel not in CHANNELS:
        raise ValidationError("channel", _("Unknown channel."))
    page_url = _clean_page_url(page_url)
    # Reads first: SQLite writes one transaction at a time, from its first write to commit.
    settings_read()
    customer = customer_by_email(email)
    writing = CustomerWriting(
        email=email,
        customer=customer,
        body=body,
        language=customer.language if customer else contact.language,
        verified=contact.verified,
        acknowledge=acknowledge,
        at=now(),
    )
    publish(writing)
    if customer is None:
        customer = Customer(email=email, name=name, language=contact.language)
        db.session.add(customer)
    elif contact.verified:
        customer.name = name
    if contact.verified:
        customer.last_seen_at = now()
    token, digest = new_token()
    ticket, message = _open_ticket(
        customer=customer,
        subject=subject,
        body=body,
        priority="normal",
        channel=channel,
        access_token_hash=digest,
        prepared=writing.prepared,
    )
    _add_email_details(message, email_message_id, [*attachments, *store_uploads(uploads)])
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
    publish(TicketCreated(ticket=ticket, message=message, actor=None, prepared=writing.prepared))
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


def _add_email_details(
    message: Message, email_message_id: str | None, attachments: Sequence[Attachment]
) -> None:
    """An emailed message's Message-ID (unique: a redelivery cannot store it twice) and its
    stored files, in the caller's transaction (the message must be flushed)."""
    if email_message_id is not None:
        message.email_message_id = email_message_id
    attach(message, attachments)


def customer_writes(
    *,
    ticket: Ticket,
    body: str,
    field: str = "message",
    email_message_id: str | None = None,
    attachments: Sequence[Attachment] = (),
    uploads: Sequence[Upload] = (),
) -> Message:
    """The customer writes on their conversation (see `intake.ticket_customer_reply`)."""
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
    # A ticket closed as spam stays closed (its sender may not be blocked, or not yet).
    if ticket.status in (*DONE_STATUSES, "pending") and ticket.spam_at is None:
        changes["status"] = [ticket.status, "open"]
        apply_status(ticket, "open")
    if ticket.snoozed_until is not None:  # the customer wrote: the snooze ends now
        changes["wakes_at"] = [ticket.snoozed_until, None]
        ticket.snoozed_until = None
    record_message(ticket, message)
    db.session.flush()
    _add_email_details(message, email_message_id, [*attachments, *store_uploads(uploads)])
    changes["message_id"] = message.id
    audit(
        actor=f"customer:{customer.id}", action="ticket.customer_reply", obj=ticket, changes=changes
    )
    publish(CustomerReplied(ticket=ticket, message=message, changes=changes))
    return message
