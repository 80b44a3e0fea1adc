"""Proactive outreach: a message the team starts (a playbook's draft, a feature's
"it shipped" note), its state and its outcome; and feature requests, with the tickets that
asked for them (helpdesk/outreach)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.clock import now
from helpdesk.models.base import Base, str_enum

if TYPE_CHECKING:
    from helpdesk.models.customer import Customer
    from helpdesk.models.ticket import Ticket
    from helpdesk.models.user import User

# Why an outreach was made: a playbook's trigger, a shipped feature, or a person's choice.
OUTREACH_KINDS = ("slipping", "onboarding", "left", "feature_shipped", "manual")
OUTREACH_STATES = ("draft", "sent", "suppressed", "dismissed")
FEATURE_STATUSES = ("open", "planned", "shipped")


class Outreach(Base):
    """One proactive message to one customer: drafted, then sent (it opens a ticket whose
    first message is the staff member's), suppressed (with the reason) or dismissed."""

    __tablename__ = "outreaches"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(str_enum("outreach_kind", *OUTREACH_KINDS))
    state: Mapped[str] = mapped_column(str_enum("outreach_state", *OUTREACH_STATES))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    # The language the draft was written in (the customer's, else the workspace default).
    language: Mapped[str] = mapped_column(sa.String(8))
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # A code of `outreach.suppression.REASONS` while suppressed, else None.
    suppressed_reason: Mapped[str | None] = mapped_column(sa.String(30))
    # The conversation sending opened.
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id", ondelete="SET NULL"))
    # A shipped feature's note: the request, and the customer's ticket that asked for it.
    feature_request_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("feature_requests.id", ondelete="SET NULL")
    )
    source_ticket_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("tickets.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=now)
    sent_at: Mapped[datetime | None]
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    dismissed_at: Mapped[datetime | None]
    # Outcome: the customer wrote on the conversation; their usage became "active" again
    # within 30 days of sending.
    replied_at: Mapped[datetime | None]
    came_back_at: Mapped[datetime | None]

    customer: Mapped[Customer] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    ticket: Mapped[Ticket | None] = relationship(foreign_keys=[ticket_id])
    source_ticket: Mapped[Ticket | None] = relationship(foreign_keys=[source_ticket_id])
    feature_request: Mapped[FeatureRequest | None] = relationship(back_populates="outreaches")

    __table_args__ = (
        sa.Index("ix_outreaches_state_assignee_id", "state", "assignee_id", "id"),
        sa.Index("ix_outreaches_customer_id_sent_at", "customer_id", "sent_at"),
        sa.Index("ix_outreaches_ticket_id", "ticket_id"),
        sa.Index("ix_outreaches_sent_at", "sent_at"),
        sa.Index("ix_outreaches_feature_request_id", "feature_request_id"),
    )


class FeatureRequest(Base):
    """Something customers asked the product to do; the tickets that asked are linked."""

    __tablename__ = "feature_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200), unique=True)
    status: Mapped[str] = mapped_column(str_enum("feature_status", *FEATURE_STATUSES))
    created_at: Mapped[datetime] = mapped_column(default=now)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    shipped_at: Mapped[datetime | None]

    links: Mapped[list[FeatureRequestTicket]] = relationship(
        back_populates="feature_request", cascade="all, delete-orphan"
    )
    outreaches: Mapped[list[Outreach]] = relationship(back_populates="feature_request")


class FeatureRequestTicket(Base):
    """A ticket in which a customer asked for a feature (the requester is its customer)."""

    __tablename__ = "feature_request_tickets"

    feature_request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("feature_requests.id", ondelete="CASCADE"), primary_key=True
    )
    ticket_id: Mapped[int] = mapped_column(
        sa.ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now)

    feature_request: Mapped[FeatureRequest] = relationship(back_populates="links")
    ticket: Mapped[Ticket] = relationship()

    __table_args__ = (sa.Index("ix_feature_request_tickets_ticket_id", "ticket_id"),)
