"""Email: the outbox of messages waiting to be sent, stored attachments (and raw originals)
of inbound mail, and bounces. (The customer access tokens minted for email links are in
`helpdesk.models.ticket`.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.clock import now
from helpdesk.models.base import Base, str_enum

OUTBOX_KINDS = ("email", "webhook")
OUTBOX_STATES = ("pending", "sent", "failed")
ATTACHMENT_KINDS = ("file", "original")


class Outbox(Base):
    """One outbound email or webhook delivery, written in the same transaction
    as the change that caused it and sent by the `send_outbox` job."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(str_enum("kind", *OUTBOX_KINDS), default="email")
    template: Mapped[str] = mapped_column(sa.String(60))
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    # Extra headers (In-Reply-To, References, Reply-To, List-Unsubscribe, Auto-Submitted...).
    headers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # Stable per row, so a retried send is recognisable as the same message.
    message_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    language: Mapped[str | None] = mapped_column(sa.String(8))
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id", ondelete="SET NULL"))
    customer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("customers.id", ondelete="SET NULL")
    )
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # A staff reply's email: the message whose public files are attached when it is sent.
    source_message_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("messages.id", ondelete="SET NULL")
    )
    # Webhook deliveries: the subscription, and the receiver's last HTTP status.
    webhook_id: Mapped[int | None] = mapped_column(sa.ForeignKey("webhooks.id", ondelete="CASCADE"))
    response_code: Mapped[int | None]
    status: Mapped[str] = mapped_column(str_enum("status", *OUTBOX_STATES), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=now)
    # The claim of the sender holding the row's lease (helpdesk.mail.outbox), None otherwise.
    lease_token: Mapped[str | None] = mapped_column(sa.String(32))
    # Set (committed) by the lease holder just before its SMTP transaction, cleared with the
    # outcome: found set after the lease ran out, the sender was cut off mid-send (0032).
    sending_at: Mapped[datetime | None]
    # Sends made again after such a cut-off: each may have reached the recipient twice.
    possible_duplicates: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now)

    __table_args__ = (
        sa.Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        sa.Index("ix_outbox_ticket_id", "ticket_id"),
        sa.Index("ix_outbox_created_at", "created_at"),
        # The acknowledgements sent to one address in the last hour (0014).
        sa.Index("ix_outbox_to_address_created_at", "to_address", "created_at"),
        sa.Index("ix_outbox_webhook_id_created_at", "webhook_id", "created_at"),
    )


class Attachment(Base):
    """A file on a message (uploaded by staff or a customer, or come with an inbound email),
    or an inbound email's raw original; its bytes are in attachment storage under the
    content hash (`helpdesk/attachments/storage.py`)."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("messages.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(str_enum("kind", *ATTACHMENT_KINDS), default="file")
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(127))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=now)

    __table_args__ = (sa.Index("ix_attachments_message_id", "message_id"),)


class EmailBounce(Base):
    """A delivery failure reported for a customer's address (a bounce or a permanent SMTP
    refusal)."""

    __tablename__ = "email_bounces"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("customers.id", ondelete="CASCADE")
    )
    email: Mapped[str] = mapped_column(sa.String(254))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=now)

    __table_args__ = (sa.Index("ix_email_bounces_email_created_at", "email", "created_at"),)
