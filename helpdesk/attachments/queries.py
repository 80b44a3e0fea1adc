"""Finding attachments: who may open which, and a conversation's files in one query."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import Attachment, Message, Ticket


def attachment_for_staff(*, number: int, attachment_id: int) -> Attachment | None:
    """Any attachment of ticket `number` (staff may open every one, originals included)."""
    return db.session.scalar(
        sa.select(Attachment)
        .join(Message, Message.id == Attachment.message_id)
        .join(Ticket, Ticket.id == Message.ticket_id)
        .where(Attachment.id == attachment_id, Ticket.number == number)
    )


def attachment_for_customer(*, ticket: Ticket, attachment_id: int) -> Attachment | None:
    """A file on a public message of the customer's own ticket (never a raw original, never
    anything on an internal note)."""
    return db.session.scalar(
        sa.select(Attachment)
        .join(Message, Message.id == Attachment.message_id)
        .where(
            Attachment.id == attachment_id,
            Attachment.kind == "file",
            Message.ticket_id == ticket.id,
            Message.internal.is_(False),
        )
    )


def attachments_by_message(message_ids: Sequence[int]) -> dict[int, list[Attachment]]:
    """The attachments of these messages in one query, keyed by message id."""
    found: dict[int, list[Attachment]] = {}
    if not message_ids:
        return found
    rows = db.session.scalars(
        sa.select(Attachment)
        .where(Attachment.message_id.in_(list(message_ids)))
        .order_by(Attachment.kind, Attachment.id)  # files first, then the original
    )
    for attachment in rows:
        found.setdefault(attachment.message_id, []).append(attachment)
    return found


def message_files(message_id: int) -> list[Attachment]:
    """A message's files (not its raw original), in the order they were attached."""
    return list(
        db.session.scalars(
            sa.select(Attachment)
            .where(Attachment.message_id == message_id, Attachment.kind == "file")
            .order_by(Attachment.id)
        )
    )
