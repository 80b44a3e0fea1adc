"""Erasing a customer's personal data (a GDPR / PDPA / UU PDP "delete me"), as one use case:
everything or, when anything refuses or fails, nothing.

What goes: their name, email and external id (the record becomes "Erased customer #<id>",
`erased-<id>@invalid`); every subject and message body of their tickets (staff replies and
notes too: they quote and greet the customer) and the messages' Message-IDs; every file on
those messages (rows now, stored objects and previews once the transaction has committed,
unless another message holds the same bytes); their rating comments and NPS reasons;
the recovery's problem summary and resolution; their product usage (daily counts and
usage state); their words and details in audit entries, outbox rows, digests and
idempotency records; the customer access tokens of their tickets.
Emails to them not yet sent are cancelled. Staff-written text about their tickets (promises,
founders' notes, recovery notes) keeps its words with the customer's name, email and external
id taken out.

What stays, so the trends and reports count the same: the customer row (id, plan, value,
VIP, language), every ticket and message row with its times, authors, status, kind,
priority and complaint scores, ratings' and NPS scores, complaint labels, recoveries with
their steps and root causes, promises, service-level clocks, audit entries with their
non-personal values (status changes, scores, ids), and outreach records without their
subject and body (a draft not sent is held back as "erased").

Refused while the customer is under legal hold, when already erased, and without the
confirmation (their email address, or ERASE). Audited as `privacy.erase` with counts only.

Known limits: audit entries, outbox rows, digests and idempotency records not about the
customer's tickets are found by a case-insensitive substring search for the name, email
and external id (a full scan: erasure is rare); a value shorter than three characters is
not searched for. A blocked-sender rule naming the address is the team's own rule and is
kept (Settings can remove it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.attachments.storing import delete_after_commit, unreferenced_keys
from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.errors import Conflict, NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.models import (
    Attachment,
    AuditEvent,
    Customer,
    CustomerAlias,
    CustomerNote,
    Digest,
    EmailBounce,
    Escalation,
    IdempotencyRecord,
    Message,
    NpsResponse,
    NpsSurvey,
    Outbox,
    Outreach,
    Promise,
    Rating,
    Recovery,
    Ticket,
    TicketAccessToken,
    User,
)
from helpdesk.privacy.scrub import (
    ERASED_TEXT,
    PERSONAL_KEYS,
    Redactor,
    erased_email,
    erased_name,
)
from helpdesk.rendering import markdown_to_html
from helpdesk.usage.steps import usage_forget

CONFIRM_WORD = "ERASE"
CANCELLED = "Cancelled: the customer's personal data was erased."
_CHUNK = 500


@dataclass(frozen=True)
class Erasure:
    """What an erasure changed (counts only: what was erased is not recorded anywhere)."""

    customer_id: int
    tickets: int
    messages: int
    attachments: int
    emails_cancelled: int

    def as_dict(self) -> dict[str, int]:
        return {
            "tickets": self.tickets,
            "messages": self.messages,
            "attachments": self.attachments,
            "emails_cancelled": self.emails_cancelled,
        }


def check_can_erase(customer: Customer) -> None:
    """Refuse an erasure that may not happen now (legal hold, already erased)."""
    if customer.legal_hold:
        raise Conflict(
            _("This customer is under legal hold: lift the hold before erasing their data.")
        )
    if customer.erased_at is not None:
        raise Conflict(_("This customer's personal data has already been erased."))


def confirmation_matches(customer: Customer, typed: str | None) -> bool:
    value = (typed or "").strip()
    return value == CONFIRM_WORD or value.casefold() == customer.email.casefold()


@use_case
def customer_erase(*, actor: User, customer: Customer, confirmation: str | None) -> Erasure:
    """Erase `customer`'s personal data (see the module docstring); admins only."""
    if not actor.can("admin"):
        raise NotAllowed(_("Only admins can erase a customer's data."))
    check_can_erase(customer)
    if not confirmation_matches(customer, confirmation):
        raise ValidationError(
            "confirmation", _("Type the customer's email address, or ERASE, to confirm.")
        )
    aliases = list(
        db.session.scalars(
            sa.select(CustomerAlias.email).where(CustomerAlias.customer_id == customer.id)
        )
    )
    # Their other addresses (kept as aliases by a merge) are theirs too.
    identity = [customer.name, customer.email, customer.external_id, *aliases]
    # `broad` searches every row (full values only); `near` also takes the words of the
    # name out of text about their tickets ("Hi Ana," in a promise).
    broad = Redactor(identity)
    near = Redactor(identity, words=customer.name.split())
    ticket_ids = list(
        db.session.scalars(sa.select(Ticket.id).where(Ticket.customer_id == customer.id))
    )
    numbers = set(
        db.session.scalars(sa.select(Ticket.number).where(Ticket.customer_id == customer.id))
    )
    message_ids = _message_ids(ticket_ids)
    files = _erase_attachments(message_ids)
    _erase_conversations(ticket_ids, message_ids)
    _erase_feedback(customer.id, ticket_ids)
    _redact_staff_text(ticket_ids, near)
    cancelled = _erase_outbox(customer, set(ticket_ids), set(message_ids), numbers, broad)
    _erase_audit(customer.id, ticket_ids, broad, near)
    _erase_digests(numbers, broad, near)
    _erase_idempotency(broad)
    _erase_outreach(customer.id)
    # The staff's notes about them, and their other addresses, go entirely.
    db.session.execute(sa.delete(CustomerNote).where(CustomerNote.customer_id == customer.id))
    db.session.execute(sa.delete(CustomerAlias).where(CustomerAlias.customer_id == customer.id))
    usage_forget(customer_id=customer.id)  # what they did in the product, and their state
    db.session.execute(
        sa.update(EmailBounce)
        .where(
            sa.or_(
                EmailBounce.customer_id == customer.id,
                EmailBounce.email.in_([customer.email, *aliases]),
            )
        )
        .values(email=erased_email(customer.id), reason="")
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    db.session.expire_all()  # the bulk UPDATEs above bypassed the loaded objects
    customer.name = erased_name(customer.id)
    customer.email = erased_email(customer.id)
    customer.external_id = None
    customer.company = None
    customer.erased_at = now()
    result = Erasure(
        customer_id=customer.id,
        tickets=len(ticket_ids),
        messages=len(message_ids),
        attachments=files,
        emails_cancelled=cancelled,
    )
    audit(actor=actor, action="privacy.erase", obj=customer, changes=result.as_dict())
    return result


def _erase_outreach(customer_id: int) -> None:
    """The messages the team started (helpdesk/outreach) lose their words; one not sent
    yet is held back for good. Their kinds, states and times stay (the results count)."""
    db.session.execute(
        sa.update(Outreach)
        .where(Outreach.customer_id == customer_id)
        .values(subject="", body="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(Outreach)
        .where(Outreach.customer_id == customer_id, Outreach.state == "draft")
        .values(state="suppressed", suppressed_reason="erased")
        .execution_options(synchronize_session=False)
    )


def _chunks(ids: list[Any]) -> list[list[Any]]:
    return [ids[start : start + _CHUNK] for start in range(0, len(ids), _CHUNK)]


def _message_ids(ticket_ids: list[int]) -> list[int]:
    """Every message on their tickets (staff replies and notes too), by the ticket index."""
    found: list[int] = []
    for chunk in _chunks(ticket_ids):
        found.extend(db.session.scalars(sa.select(Message.id).where(Message.ticket_id.in_(chunk))))
    return sorted(found)


def _erase_attachments(message_ids: list[int]) -> int:
    """Delete the rows now and the objects no other row refers to after the commit."""
    keys: list[str] = []
    count = 0
    for chunk in _chunks(message_ids):
        rows = list(
            db.session.execute(
                sa.select(Attachment.id, Attachment.sha256).where(Attachment.message_id.in_(chunk))
            )
        )
        count += len(rows)
        keys.extend(key for _id, key in rows)
        db.session.execute(
            sa.delete(Attachment)
            .where(Attachment.message_id.in_(chunk))
            .execution_options(synchronize_session=False)
        )
    delete_after_commit(unreferenced_keys(keys))
    return count


def _erase_conversations(ticket_ids: list[int], message_ids: list[int]) -> None:
    """Subjects and bodies replaced (the search triggers and indexes follow the rows)."""
    erased_html = markdown_to_html(ERASED_TEXT)
    for chunk in _chunks(message_ids):
        db.session.execute(
            sa.update(Message)
            .where(Message.id.in_(chunk))
            .values(
                body_source=ERASED_TEXT,
                body_html=erased_html,
                email_message_id=None,
                has_attachments=False,
            )
            .execution_options(synchronize_session=False)
        )
    for chunk in _chunks(ticket_ids):
        db.session.execute(
            sa.update(Ticket)
            .where(Ticket.id.in_(chunk))
            .values(subject=ERASED_TEXT, last_message_snippet=ERASED_TEXT, access_token_hash=None)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            sa.delete(TicketAccessToken)
            .where(TicketAccessToken.ticket_id.in_(chunk))
            .execution_options(synchronize_session=False)
        )


def _erase_feedback(customer_id: int, ticket_ids: list[int]) -> None:
    """Comments and reasons cleared; the scores stay. (Ratings by their ticket, NPS
    answers through the customer's surveys: both indexed.)"""
    for chunk in _chunks(ticket_ids):
        db.session.execute(
            sa.update(Rating)
            .where(Rating.ticket_id.in_(chunk))
            .values(comment="")
            .execution_options(synchronize_session=False)
        )
    surveys = sa.select(NpsSurvey.id).where(NpsSurvey.customer_id == customer_id)
    db.session.execute(
        sa.update(NpsResponse)
        .where(NpsResponse.survey_id.in_(surveys))
        .values(reason="")
        .execution_options(synchronize_session=False)
    )


def _redact_staff_text(ticket_ids: list[int], redactor: Redactor) -> None:
    """The recovery's summary of the problem and its resolution, and an escalation's detail,
    are the customer's story (replaced); what staff wrote about process, promises and
    founders' notes loses the customer's name."""
    for chunk in _chunks(ticket_ids):
        for recovery in db.session.scalars(
            sa.select(Recovery).where(Recovery.ticket_id.in_(chunk))
        ):
            if recovery.problem_summary is not None:
                recovery.problem_summary = ERASED_TEXT
            if recovery.resolution is not None:
                recovery.resolution = ERASED_TEXT
            for field in ("end_reason", "process_gap", "process_fix", "diagnose_skip_reason"):
                setattr(recovery, field, redactor.optional(getattr(recovery, field)))
            for step in recovery.steps:
                step.note = redactor.optional(step.note)
        for promise in db.session.scalars(sa.select(Promise).where(Promise.ticket_id.in_(chunk))):
            promise.text = redactor.text(promise.text)
        for escalation in db.session.scalars(
            sa.select(Escalation).where(Escalation.ticket_id.in_(chunk))
        ):
            # Details quote the customer (a bad rating's comment, an NPS reason, a message).
            escalation.detail = ERASED_TEXT if escalation.detail else ""
            escalation.founder_note = redactor.optional(escalation.founder_note)
    db.session.flush()


def _mentions(column: Any, redactor: Redactor) -> sa.ColumnElement[bool]:
    patterns = redactor.like_patterns()
    if not patterns:
        return sa.false()
    return sa.or_(*(column.ilike(pattern, escape="\\") for pattern in patterns))


def _erase_outbox(
    customer: Customer,
    ticket_ids: set[int],
    message_ids: set[int],
    numbers: set[int],
    redactor: Redactor,
) -> int:
    """Emails and webhook deliveries about the customer: content replaced, the unsent
    cancelled. Others naming them (a founders' digest email) are redacted."""
    about = [
        Outbox.customer_id == customer.id,
        Outbox.to_address == customer.email,
        _mentions(Outbox.subject, redactor),
        _mentions(Outbox.body_text, redactor),
        _mentions(Outbox.body_html, redactor),
    ]
    rows = {row.id: row for row in db.session.scalars(sa.select(Outbox).where(sa.or_(*about)))}
    for chunk in _chunks(sorted(ticket_ids)):
        rows.update(
            (row.id, row)
            for row in db.session.scalars(sa.select(Outbox).where(Outbox.ticket_id.in_(chunk)))
        )
    for chunk in _chunks(sorted(message_ids)):
        rows.update(
            (row.id, row)
            for row in db.session.scalars(
                sa.select(Outbox).where(Outbox.source_message_id.in_(chunk))
            )
        )
    ordered = sorted(numbers)
    for start in range(0, len(ordered), 100):  # 400 LIKEs: within SQLite's expression depth
        rows.update((row.id, row) for row in _webhook_deliveries(ordered[start : start + 100]))
    cancelled = 0
    for row in rows.values():
        whole = (
            row.kind == "webhook"
            or row.customer_id == customer.id
            or row.ticket_id in ticket_ids
            or row.source_message_id in message_ids
            or row.to_address.casefold() == customer.email.casefold()
        )
        if row.status == "pending" and whole:
            row.status = "failed"
            row.last_error = CANCELLED
            cancelled += 1
        if row.to_address.casefold() == customer.email.casefold():
            row.to_address = erased_email(customer.id)
        if whole:
            row.subject = ERASED_TEXT
            row.body_text = '{"erased":true}' if row.kind == "webhook" else ERASED_TEXT
            row.body_html = ""
            row.headers = {}
        else:
            row.subject = redactor.text(row.subject)
            row.body_text = redactor.text(row.body_text)
            row.body_html = redactor.text(row.body_html)
        row.last_error = redactor.optional(row.last_error)
    return cancelled


def _webhook_deliveries(numbers: list[int]) -> list[Outbox]:
    """Webhook deliveries about these tickets: their JSON names the ticket by `number`
    (a ticket) or `ticket_number` (a message, promise, rating...), written compactly by
    `webhooks.events.delivery_body`."""
    patterns = [
        f'%"{key}":{number}{end}%'
        for number in numbers
        for key in ("number", "ticket_number")
        for end in (",", "}")
    ]
    return list(
        db.session.scalars(
            sa.select(Outbox).where(
                Outbox.kind == "webhook", sa.or_(*(Outbox.body_text.like(p) for p in patterns))
            )
        )
    )


def _erase_audit(customer_id: int, ticket_ids: list[int], broad: Redactor, near: Redactor) -> None:
    """Entries about the customer or their tickets lose every personal value (status
    changes and scores stay); any other entry naming them loses the name."""
    about: dict[int, AuditEvent] = {
        event.id: event
        for event in db.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.object_type == Customer.__tablename__,
                AuditEvent.object_id == str(customer_id),
            )
        )
    }
    for chunk in _chunks([str(ticket_id) for ticket_id in ticket_ids]):
        about.update(
            (event.id, event)
            for event in db.session.scalars(
                sa.select(AuditEvent).where(
                    AuditEvent.object_type == Ticket.__tablename__,
                    AuditEvent.object_id.in_(chunk),
                )
            )
        )
    naming = db.session.scalars(
        sa.select(AuditEvent).where(_mentions(sa.cast(AuditEvent.changes, sa.Text), broad))
    )
    for event in naming:
        if event.id not in about:
            event.changes = broad.json(event.changes)
    for event in about.values():
        changed = near.json(event.changes, personal_keys=PERSONAL_KEYS)
        if changed != event.changes:
            event.changes = changed


def _erase_digests(numbers: set[int], broad: Redactor, near: Redactor) -> None:
    """A digest's rows about their tickets lose subject, name and reason; the name goes
    from the rest."""
    candidates = db.session.scalars(
        sa.select(Digest).where(_mentions(sa.cast(Digest.content, sa.Text), broad))
    )
    for digest in candidates:
        digest.content = _digest_json(digest.content, numbers, broad, near)


def _digest_json(value: Any, numbers: set[int], broad: Redactor, near: Redactor) -> Any:
    """Rows about their tickets, or naming them (an NPS answer), lose subject, name and
    reason whole; the rest loses the customer's full name and email."""
    if isinstance(value, list):
        return [_digest_json(item, numbers, broad, near) for item in value]
    if isinstance(value, dict):
        if value.get("number") in numbers or broad.matches(value.get("customer")):
            return near.json(value, personal_keys=PERSONAL_KEYS | {"customer"})
        return {key: _digest_json(item, numbers, broad, near) for key, item in value.items()}
    return broad.json(value)


def _erase_idempotency(redactor: Redactor) -> None:
    """Stored answers that name the customer (a created ticket's JSON) are only there to
    answer a retried request: deleted."""
    db.session.execute(
        sa.delete(IdempotencyRecord)
        .where(_mentions(sa.cast(IdempotencyRecord.response, sa.Text), redactor))
        .execution_options(synchronize_session=False)
    )
