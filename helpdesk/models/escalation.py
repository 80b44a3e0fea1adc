"""Escalations: the items in the founders' review queue (a missed promise, a bad rating, a
detractor, strongly negative words, a VIP or repeat contact, or a person asking)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.clock import now
from helpdesk.models.base import Base, str_enum

if TYPE_CHECKING:
    from helpdesk.models.ticket import Ticket

ESCALATION_REASONS = (
    "missed_promise",
    "bad_rating",
    "detractor",
    "negative_sentiment",
    "vip",
    "repeat_contact",
    "manual",
    "sla_breach",  # a service-level target passed unmet (helpdesk/sla)
    "complaint",  # a complaint an automation rule sent to founders (helpdesk/automations)
    "automation",  # any other automation rule's "escalate to founders"
)
ESCALATION_STATES = ("open", "claimed", "done")


class Escalation(Base):
    """An item in the founders' review queue."""

    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(str_enum("reason", *ESCALATION_REASONS))
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(str_enum("status", *ESCALATION_STATES), default="open")
    promise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("promises.id"))
    claimed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    founder_note: Mapped[str | None] = mapped_column(sa.Text)
    outcome: Mapped[str | None] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)

    ticket: Mapped[Ticket] = relationship()

    __table_args__ = (
        sa.Index("ix_escalations_status_created_at", "status", "created_at"),
        sa.Index("ix_escalations_created_at_id", "created_at", "id"),
        # The ticket page lists a ticket's escalations.
        sa.Index("ix_escalations_ticket_id", "ticket_id", "created_at"),
        # One open escalation per ticket and reason.
        sa.Index(
            "uq_escalations_open_ticket_reason",
            "ticket_id",
            "reason",
            unique=True,
            sqlite_where=sa.text("status != 'done'"),
            postgresql_where=sa.text("status != 'done'"),
        ),
    )
