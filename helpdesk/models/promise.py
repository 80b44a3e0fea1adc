"""Promised updates. (The founder-review escalation a missed promise raises is in
`helpdesk.models.escalation`; the notifications agents get about them in
`helpdesk.models.notification`.)"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.clock import now
from helpdesk.models.base import Base, str_enum

# Escalations and notifications moved to their own modules; re-exported for code that
# still imports them here.
from helpdesk.models.escalation import (  # noqa: F401
    ESCALATION_REASONS,
    ESCALATION_STATES,
    Escalation,
)

if TYPE_CHECKING:
    from helpdesk.models.ticket import Ticket
    from helpdesk.models.user import User

PROMISE_STATES = ("pending", "kept", "missed", "cancelled")


class Promise(Base):
    __tablename__ = "promises"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"))
    agent_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    due_at: Mapped[datetime]
    # When the reminder falls due: the lead before `due_at`, fixed when the promise is made.
    remind_at: Mapped[datetime]
    text: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(str_enum("status", *PROMISE_STATES), default="pending")
    kept_early: Mapped[bool] = mapped_column(default=False)
    reminded_at: Mapped[datetime | None]
    fulfilled_at: Mapped[datetime | None]
    fulfilled_by_message_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("messages.id", ondelete="SET NULL")
    )
    escalated_at: Mapped[datetime | None]

    ticket: Mapped[Ticket] = relationship()
    agent: Mapped[User] = relationship()

    __table_args__ = (
        # The sweeps read only pending promises, in due order.
        sa.Index("ix_promises_status_remind_at", "status", "remind_at"),
        sa.Index("ix_promises_status_due_at", "status", "due_at"),
        sa.Index("ix_promises_ticket_id", "ticket_id"),
        sa.Index("ix_promises_agent_id_created_at", "agent_id", "created_at"),
        # The API lists promises newest first, optionally by status.
        sa.Index("ix_promises_created_at_id", "created_at", "id"),
        sa.Index("ix_promises_status_created_at_id", "status", "created_at", "id"),
        # One pending promise per ticket: a new one replaces (cancels) the old.
        sa.Index(
            "uq_promises_pending_ticket",
            "ticket_id",
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        ),
    )
