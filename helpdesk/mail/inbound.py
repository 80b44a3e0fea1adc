"""Inbound email: `mail_receive(raw)` turns one raw RFC 822 message into a ticket or a reply
on one, a recorded bounce, or nothing (with the reason). The HTTP endpoint and the IMAP
poll both call it; it is idempotent on the Message-ID.

Order of decisions:
1. Too large (INBOUND_MAX_MESSAGE_BYTES) → rejected, logged.
2. A bounce (a delivery-status report, or mail from mailer-daemon/postmaster) → an
   `EmailBounce` per failed recipient, against the customer with that address; no ticket.
3. No sender address → ValidationError (the endpoint answers 422).
4. A Message-ID already stored → duplicate, nothing written.
5. From our own address (HELPDESK_MAIL_FROM, any +tag) → dropped: it is our own mail
   coming back, and a ticket for it could start a loop.
6. From a blocked sender (its address or domain, `tickets/spam.py`) → dropped, logged and
   counted on the block.
7. More than INBOUND_SENDER_LIMIT_PER_HOUR messages from this sender in the past hour →
   dropped, logged.
8. Threading: a Message-ID in In-Reply-To/References that is a stored message's or one of
   our outbox rows' → that ticket; else a signed reply address (`support+t42-…@`) in
   To/Cc/Delivered-To → that ticket. A reply address whose signature does not match is
   forged: ignored (logged), never attached. The ticket is used only when the sender is its
   customer (anyone else writing into the thread starts their own ticket), and a ticket
   closed more than 30 days ago (`REOPEN_WINDOW`) is history: a new ticket starts. A ticket
   merged into another stands for that one (`merge_target`).
9. Otherwise a new ticket (channel "email"); a new sender becomes a customer named by the
   From display name, else the address's local part.

Auto-replies: `auto_reply_allowed` is False for mail marked `Auto-Submitted` (other than
"no"), `Precedence: bulk/junk/list`, `List-Id`, `X-Autoreply`, or from mailer-daemon,
postmaster or no-reply addresses; such a new ticket gets no "we got your message" email.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from helpdesk.audit import audit
from helpdesk.auth.service import normalise_email
from helpdesk.clock import now
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.mail.addresses import mail_from_address, parse_reply_address
from helpdesk.mail.attachments import SkippedFile, attachments_store
from helpdesk.mail.parse import ParsedEmail, not_mime, parse_email
from helpdesk.models import Attachment, EmailBounce, Message, Outbox, Ticket
from helpdesk.tickets.customer_lookup import customer_by_email
from helpdesk.tickets.intake import (
    CustomerContact,
    ticket_create_by_customer,
    ticket_customer_reply,
)
from helpdesk.tickets.intake_steps import MAX_NAME_CHARS
from helpdesk.tickets.merge import merge_target
from helpdesk.tickets.spam import blocked_sender_count_drop, blocked_sender_for
from helpdesk.tickets.steps import MAX_BODY_CHARS, MAX_SUBJECT_CHARS

logger = logging.getLogger(__name__)

ROBOT_LOCAL_PARTS = ("mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply")


@dataclass(frozen=True)
class InboundResult:
    """What became of a message: `created`, `replied`, `duplicate`, `bounce`, `dropped` or
    `rejected`, with a reason code for the last two."""

    action: str
    reason: str = ""
    ticket_number: int | None = None
    auto_reply_allowed: bool = False


def auto_reply_allowed(parsed: ParsedEmail) -> bool:
    """False for automated or list mail, to which an automatic answer could loop."""
    headers = parsed.headers
    if headers.get("auto-submitted", "no").strip().lower().split(";")[0] != "no":
        return False
    if headers.get("precedence", "").strip().lower() in ("bulk", "junk", "list"):
        return False
    if "list-id" in headers or "x-autoreply" in headers:
        return False
    return parsed.from_address.partition("@")[0] not in ROBOT_LOCAL_PARTS


def _is_our_address(address: str) -> bool:
    ours_local, _at, ours_domain = mail_from_address().lower().rpartition("@")
    local, _at, domain = address.lower().rpartition("@")
    return domain == ours_domain and local.split("+", 1)[0] == ours_local.split("+", 1)[0]


def _record_bounce(parsed: ParsedEmail) -> InboundResult:
    """One EmailBounce per failed recipient (we only learn of our own customers here)."""
    for failure in parsed.failures:
        customer = customer_by_email(failure.email)
        bounce = EmailBounce(
            customer_id=customer.id if customer else None,
            email=failure.email[:254],
            reason=failure.reason or parsed.subject[:300],
        )
        db.session.add(bounce)
        db.session.flush()
        audit(
            actor="email",
            action="email.bounce",
            obj=bounce,
            changes={"email": bounce.email, "customer_id": bounce.customer_id},
        )
    db.session.commit()
    if not parsed.failures:
        logger.info("Bounce from %s named no failed recipient", parsed.from_address)
    return InboundResult("bounce")


def _already_stored(message_id: str) -> bool:
    return (
        db.session.scalar(sa.select(Message.id).where(Message.email_message_id == message_id))
        is not None
    )


def _over_sender_limit(address: str) -> bool:
    limit = int(current_app.config["INBOUND_SENDER_LIMIT_PER_HOUR"])
    customer = customer_by_email(address)
    if customer is None:
        return False
    recent = db.session.scalar(
        sa.select(sa.func.count(Message.id)).where(
            Message.author_customer_id == customer.id,
            Message.email_message_id.is_not(None),
            Message.created_at > now() - timedelta(hours=1),
        )
    )
    return (recent or 0) >= limit


def _thread_ticket_id(parsed: ParsedEmail) -> int | None:
    """The ticket this message answers, by its references or by a signed reply address."""
    if parsed.references:
        found = db.session.scalar(
            sa.select(Message.ticket_id)
            .where(Message.email_message_id.in_(parsed.references))
            .order_by(Message.id.desc())
            .limit(1)
        ) or db.session.scalar(
            sa.select(Outbox.ticket_id)
            .where(Outbox.message_id.in_(parsed.references), Outbox.ticket_id.is_not(None))
            .order_by(Outbox.id.desc())
            .limit(1)
        )
        if found:
            return found
    for address in parsed.recipients:
        if not _is_our_address(address) or "+" not in address.partition("@")[0]:
            continue
        ticket_id = parse_reply_address(address)
        if ticket_id is not None:
            return ticket_id
        logger.warning("Forged or damaged reply address %r from %s", address, parsed.from_address)
    return None


def _thread_ticket(parsed: ParsedEmail) -> Ticket | None:
    ticket_id = _thread_ticket_id(parsed)
    ticket = db.session.get(Ticket, ticket_id) if ticket_id else None
    if ticket is None:
        return None
    ticket = merge_target(ticket)
    if ticket.customer.email != parsed.from_address:
        logger.info(
            "Mail from %s threads onto ticket #%s of another customer: new ticket instead",
            parsed.from_address,
            ticket.number,
        )
        return None
    return ticket


def _body(parsed: ParsedEmail, skipped: list[SkippedFile]) -> str:
    """The message text as stored: trimmed reply, a placeholder when there is none, a note
    for each file not kept, shortened to the message limit (the original has it all)."""
    body = parsed.body.strip() or parsed.text.strip()
    if not body:
        body = _("(The email had no text.)")
    notes = [
        _(
            "(The attachment “%(name)s”, %(size)d KB, was not kept: it is over the size limit.)",
            name=file.filename,
            size=file.size // 1024,
        )
        for file in skipped
    ]
    room = MAX_BODY_CHARS - sum(len(note) + 2 for note in notes) - 100
    if len(body) > room:
        body = body[:room].rstrip() + "\n\n" + _("(Shortened: the full email is attached.)")
    return "\n\n".join([body, *notes])


def _sender_name(parsed: ParsedEmail) -> str:
    name = parsed.from_name.strip().strip("'\"").strip()
    if not name or "@" in name:
        name = parsed.from_address.partition("@")[0]
    return name[:MAX_NAME_CHARS]


def _reply(ticket: Ticket, parsed: ParsedEmail, body: str, stored: list[Attachment]) -> bool:
    """Add the message to `ticket`; False when the ticket is closed for good (more than
    30 days ago), so the caller starts a new one."""
    try:
        ticket_customer_reply(
            ticket=ticket,
            body=body,
            field="body",
            email_message_id=parsed.message_id,
            attachments=stored,
        )
    except NotAllowed:
        return False
    return True


def mail_receive(raw: bytes) -> InboundResult:
    """Take one raw message from the mail server (see the module docstring)."""
    limit = int(current_app.config["INBOUND_MAX_MESSAGE_BYTES"])
    if len(raw) > limit:
        logger.warning("Inbound email of %d bytes refused (limit %d)", len(raw), limit)
        return InboundResult("rejected", "too_large")
    if not_mime(raw):
        raise ValidationError(
            "message",
            _(
                "This is not an email message but a file (an Outlook .msg, say). Send the "
                "raw message as the mail server received it."
            ),
        )
    parsed = parse_email(raw)
    if parsed.is_bounce:
        return _record_bounce(parsed)
    if not parsed.from_address:
        raise ValidationError("from", _("The email has no sender address."))
    # The same canonical form customers are stored in (an IDN domain in Unicode, say), so
    # threading and the per-sender limit recognise the sender. An address the validator
    # refuses stays as it came and is refused, clearly, where a customer would be created.
    try:
        parsed.from_address = normalise_email(parsed.from_address)
    except ValidationError:
        pass
    if _already_stored(parsed.message_id):
        return InboundResult("duplicate")
    if _is_our_address(parsed.from_address):
        logger.warning("Inbound email from our own address %s dropped", parsed.from_address)
        return InboundResult("dropped", "own_address")
    blocked = blocked_sender_for(parsed.from_address)
    if blocked is not None:
        logger.info(
            "Inbound email from %s dropped: blocked (%s)", parsed.from_address, blocked.pattern
        )
        blocked_sender_count_drop(blocked=blocked)
        return InboundResult("dropped", "blocked_sender")
    if _over_sender_limit(parsed.from_address):
        logger.warning("Inbound email from %s dropped: over the hourly limit", parsed.from_address)
        return InboundResult("dropped", "rate_limited")
    allowed = auto_reply_allowed(parsed)
    ticket = _thread_ticket(parsed)
    stored, skipped = attachments_store(parsed.attachments, raw)
    body = _body(parsed, skipped)
    try:
        if ticket is not None and _reply(ticket, parsed, body, stored):
            return InboundResult("replied", ticket_number=ticket.number, auto_reply_allowed=allowed)
        created, _token = ticket_create_by_customer(
            contact=CustomerContact(
                name=_sender_name(parsed), email=parsed.from_address, language=parsed.language
            ),
            body=body,
            subject=parsed.subject[:MAX_SUBJECT_CHARS],
            channel="email",
            email_message_id=parsed.message_id,
            attachments=stored,
            acknowledge=allowed,
        )
    except IntegrityError:
        # The same message delivered twice at the same moment: the other copy won.
        db.session.rollback()
        if _already_stored(parsed.message_id):
            return InboundResult("duplicate")
        raise
    return InboundResult("created", ticket_number=created.number, auto_reply_allowed=allowed)
