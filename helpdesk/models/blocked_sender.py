"""Blocked senders: an email address or a whole domain whose new mail and widget messages
open no ticket (helpdesk/tickets/spam.py decides; mail and the widget ask it)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.clock import now
from helpdesk.models.base import Base, str_enum

BLOCK_KINDS = ("email", "domain")


class BlockedSender(Base):
    __tablename__ = "blocked_senders"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A normalised address ("someone@example.com") or a domain ("example.com").
    pattern: Mapped[str] = mapped_column(sa.String(254), unique=True)
    kind: Mapped[str] = mapped_column(str_enum("kind", *BLOCK_KINDS))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # The ticket marked as spam with it: "Not spam" there lifts this block too.
    ticket_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("tickets.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=now)
    # Messages refused since the block (mail dropped, widget messages not kept).
    dropped_count: Mapped[int] = mapped_column(default=0, server_default="0")
    last_dropped_at: Mapped[datetime | None]
