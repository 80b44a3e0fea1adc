"""Exporting what the helpdesk holds about one customer (a GDPR / PDPA / UU PDP access
request) as a ZIP: JSON files plus the files on their conversations.

- `customer.json`: the customer record.
- `tickets.json`: their tickets with every public message (internal notes are the team's
  working notes and are left out), each message's files named by their path in the ZIP.
- `promises.json`, `ratings.json`, `nps.json`, `recoveries.json`: what concerns their
  tickets (or, for NPS, them).
- `audit.json`: the audit entries about the customer and their tickets.
- `files/<message id>/<attachment id>-<name>`: the files on public messages, read through
  the attachments storage (local or S3); a file whose object is missing is listed in
  `manifest.json`, which also gives the counts and when the export was made.

The ZIP is written to a temporary file (spilled to disk past a few MB) one part at a time,
so a large export is never held in memory twice; the caller streams it and closes it.
"""

from __future__ import annotations

import json
import re
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import datetime
from typing import IO, Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from helpdesk.attachments.queries import attachments_by_message
from helpdesk.attachments.storage import storage
from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.errors import NotAllowed
from helpdesk.extensions import db
from helpdesk.models import (
    Attachment,
    AuditEvent,
    Customer,
    Message,
    NpsResponse,
    Promise,
    Rating,
    Recovery,
    Ticket,
    User,
)

SPOOL_BYTES = 8 * 1024 * 1024
_UNSAFE = re.compile(r"[^\w.\- ]+")


def export_filename(customer: Customer) -> str:
    return f"customer-{customer.id}-export.zip"


@use_case
def customer_export(*, actor: User, customer: Customer) -> IO[bytes]:
    """The export as an open file positioned at its start (audited as `privacy.export`,
    with counts only); admins only."""
    if not actor.can("admin"):
        raise NotAllowed(_("Only admins can export a customer's data."))
    handle: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    try:
        counts = _write(handle, customer)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    audit(actor=actor, action="privacy.export", obj=customer, changes=counts)
    return handle


def _write(handle: IO[bytes], customer: Customer) -> dict[str, int]:
    tickets = list(
        db.session.scalars(
            sa.select(Ticket)
            .where(Ticket.customer_id == customer.id)
            .order_by(Ticket.created_at, Ticket.id)
            .options(selectinload(Ticket.messages).selectinload(Message.author_user))
        )
    )
    ticket_ids = [ticket.id for ticket in tickets]
    numbers = {ticket.id: ticket.number for ticket in tickets}
    public = [message for ticket in tickets for message in ticket.messages if not message.internal]
    files = attachments_by_message([m.id for m in public if m.has_attachments])
    missing: list[str] = []
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _json(archive, "customer.json", _customer(customer))
        _json(archive, "tickets.json", [_ticket(ticket, files) for ticket in tickets])
        _json(archive, "promises.json", [_promise(p, numbers) for p in _rows(Promise, ticket_ids)])
        _json(
            archive, "ratings.json", [_rating(r, numbers) for r in _ratings(customer, ticket_ids)]
        )
        _json(archive, "nps.json", [_nps(r) for r in _nps_responses(customer)])
        _json(
            archive,
            "recoveries.json",
            [
                _recovery(r, numbers)
                for r in _rows(Recovery, ticket_ids, selectinload(Recovery.steps))
            ],
        )
        events = _audit_events(customer, ticket_ids)
        _json(archive, "audit.json", [_event(e) for e in events])
        store = storage()
        count = 0
        for message_id, attachments in files.items():
            for attachment in attachments:
                data = store.get(attachment.sha256)
                if data is None:
                    missing.append(_file_path(message_id, attachment))
                    continue
                archive.writestr(_file_path(message_id, attachment), data)
                count += 1
        counts = {
            "tickets": len(tickets),
            "messages": len(public),
            "files": count,
            "audit_entries": len(events),
        }
        _json(
            archive,
            "manifest.json",
            {
                "customer_id": customer.id,
                "made_at": _iso(now()),
                **counts,
                "missing_files": missing,
            },
        )
    return counts


def _json(archive: zipfile.ZipFile, name: str, value: Any) -> None:
    archive.writestr(name, json.dumps(value, ensure_ascii=False, indent=2))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _file_path(message_id: int, attachment: Attachment) -> str:
    name = _UNSAFE.sub("_", attachment.filename).strip(". ") or "file"
    return f"files/{message_id}/{attachment.id}-{name[:120]}"


def _rows(model: Any, ticket_ids: list[int], *options: Any) -> list[Any]:
    if not ticket_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(model)
            .where(model.ticket_id.in_(ticket_ids))
            .order_by(model.id)
            .options(*options)
        )
    )


def _ratings(customer: Customer, ticket_ids: list[int]) -> Iterable[Rating]:
    condition = Rating.customer_id == customer.id
    if ticket_ids:
        condition = sa.or_(condition, Rating.ticket_id.in_(ticket_ids))
    return db.session.scalars(sa.select(Rating).where(condition).order_by(Rating.id))


def _nps_responses(customer: Customer) -> Iterable[NpsResponse]:
    return db.session.scalars(
        sa.select(NpsResponse)
        .where(NpsResponse.customer_id == customer.id)
        .order_by(NpsResponse.id)
    )


def _audit_events(customer: Customer, ticket_ids: list[int]) -> list[AuditEvent]:
    about = sa.and_(
        AuditEvent.object_type == Customer.__tablename__,
        AuditEvent.object_id == str(customer.id),
    )
    if ticket_ids:
        about = sa.or_(
            about,
            sa.and_(
                AuditEvent.object_type == Ticket.__tablename__,
                AuditEvent.object_id.in_([str(ticket_id) for ticket_id in ticket_ids]),
            ),
        )
    return list(db.session.scalars(sa.select(AuditEvent).where(about).order_by(AuditEvent.id)))


def _customer(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.id,
        "email": customer.email,
        "name": customer.name,
        "external_id": customer.external_id,
        "plan": customer.plan,
        "lifetime_value_cents": customer.lifetime_value_cents,
        "vip": customer.vip,
        "language": customer.language,
        "timezone": customer.timezone,
        "last_seen_at": _iso(customer.last_seen_at),
        "created_at": _iso(customer.created_at),
    }


def _ticket(ticket: Ticket, files: dict[int, list[Attachment]]) -> dict[str, Any]:
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status,
        "channel": ticket.channel,
        "created_at": _iso(ticket.created_at),
        "resolved_at": _iso(ticket.resolved_at),
        "messages": [
            {
                "id": message.id,
                "from": message.author_type,
                "staff_name": message.author_user.name if message.author_user else None,
                "body": message.body_source,
                "created_at": _iso(message.created_at),
                "files": [
                    {
                        "path": _file_path(message.id, attachment),
                        "filename": attachment.filename,
                        "content_type": attachment.content_type,
                        "size": attachment.size,
                    }
                    for attachment in files.get(message.id, [])
                ],
            }
            for message in ticket.messages
            if not message.internal
        ],
    }


def _promise(promise: Promise, numbers: dict[int, int]) -> dict[str, Any]:
    return {
        "ticket": numbers.get(promise.ticket_id),
        "text": promise.text,
        "due_at": _iso(promise.due_at),
        "status": promise.status,
        "created_at": _iso(promise.created_at),
        "fulfilled_at": _iso(promise.fulfilled_at),
    }


def _rating(rating: Rating, numbers: dict[int, int]) -> dict[str, Any]:
    return {
        "ticket": numbers.get(rating.ticket_id),
        "score": rating.score,
        "comment": rating.comment,
        "channel": rating.channel,
        "created_at": _iso(rating.created_at),
        "updated_at": _iso(rating.updated_at),
    }


def _nps(response: NpsResponse) -> dict[str, Any]:
    return {
        "score": response.score,
        "reason": response.reason,
        "created_at": _iso(response.created_at),
        "updated_at": _iso(response.updated_at),
    }


def _recovery(recovery: Recovery, numbers: dict[int, int]) -> dict[str, Any]:
    return {
        "ticket": numbers.get(recovery.ticket_id),
        "state": recovery.state,
        "started_at": _iso(recovery.started_at),
        "ended_at": _iso(recovery.ended_at),
        "problem_summary": recovery.problem_summary,
        "resolution": recovery.resolution,
        "steps": [
            {"step": step.step, "done_at": _iso(step.done_at), "skipped": step.skipped}
            for step in recovery.steps
        ],
    }


def _event(event: AuditEvent) -> dict[str, Any]:
    return {
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "changes": event.changes,
        "actor": event.actor_label,
        "created_at": _iso(event.created_at),
    }
