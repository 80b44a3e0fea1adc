"""Service levels: the team's own targets (a policy: first reply, next reply and resolution
within so much business time, for tickets of some priorities and customer plans), and each
ticket's running clocks against them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.clock import now
from helpdesk.models.base import Base, str_enum

if TYPE_CHECKING:
    from helpdesk.models.ticket import Ticket

SLA_KINDS = ("first_reply", "next_reply", "resolution")


class SlaPolicy(Base):
    """Targets for the tickets it matches; the first enabled policy in `position` order
    that matches a ticket applies to it."""

    __tablename__ = "sla_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    position: Mapped[int] = mapped_column(default=0)
    enabled: Mapped[bool] = mapped_column(default=True)
    # Conditions; an empty list matches any value.
    priorities: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    plans: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    vip_only: Mapped[bool] = mapped_column(default=False)
    # Targets in minutes of business time; None: no target of that kind.
    first_reply_minutes: Mapped[int | None]
    next_reply_minutes: Mapped[int | None]
    resolution_minutes: Mapped[int | None]
    # "Breaching soon" starts this many business minutes before a target is due.
    warn_minutes: Mapped[int] = mapped_column(default=60)
    # On a breach: notify the assignee (their bell), and/or raise a founders' queue item.
    escalate_to_assignee: Mapped[bool] = mapped_column(default=True)
    escalate_to_founders: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)


class SlaTarget(Base):
    """One clock on one ticket: started when the target began (ticket created, customer
    wrote again), due `due_at`, met when staff replied or the ticket was resolved.

    While the ticket waits on the customer the clock is paused: `due_at` is None and
    `remaining_seconds` holds the business time that was left; on resuming `due_at` is
    computed again from it. `breached_at` is set once, by the sweep, when `due_at` passes
    unmet; a breached target can still be met later (late). `cancelled_at`: the clock
    stopped without a verdict (policy no longer applies, ticket merged or marked spam).
    Reports count a target as attained when `met_at` is set and `breached_at` is not.
    """

    __tablename__ = "sla_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"))
    policy_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("sla_policies.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(str_enum("kind", *SLA_KINDS))
    started_at: Mapped[datetime] = mapped_column(default=now)
    due_at: Mapped[datetime | None]
    # When "Breaching soon" starts (the policy's warn window before `due_at`); None
    # while paused or stopped.
    warn_at: Mapped[datetime | None]
    paused_at: Mapped[datetime | None]
    remaining_seconds: Mapped[int | None]
    met_at: Mapped[datetime | None]
    breached_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    ticket: Mapped[Ticket] = relationship()

    __table_args__ = (
        # The ticket page lists a ticket's targets; reports join from tickets.
        sa.Index("ix_sla_targets_ticket_id", "ticket_id", "kind"),
        # Reports: targets started in a date range.
        sa.Index("ix_sla_targets_started_at", "started_at"),
        # The breach sweep: running, unbreached clocks in due order.
        sa.Index(
            "ix_sla_targets_due_running",
            "due_at",
            sqlite_where=sa.text("met_at IS NULL AND breached_at IS NULL AND cancelled_at IS NULL"),
            postgresql_where=sa.text(
                "met_at IS NULL AND breached_at IS NULL AND cancelled_at IS NULL"
            ),
        ),
    )
