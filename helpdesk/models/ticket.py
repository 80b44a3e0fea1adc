"""Tickets, their messages and tags, who has them open, and the further customer access
tokens minted for email links: the conversation aggregate."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from helpdesk.clock import now
from helpdesk.models.base import Base, str_enum

if TYPE_CHECKING:
    from helpdesk.models.customer import Customer
    from helpdesk.models.detector import ComplaintLabel
    from helpdesk.models.recovery import Recovery
    from helpdesk.models.user import User

STATUSES = ("new", "open", "pending", "resolved", "closed")
OPEN_STATUSES = ("new", "open", "pending")
DONE_STATUSES = ("resolved", "closed")  # a ticket someone can rate, that trends count done
PRIORITIES = ("low", "normal", "high", "urgent")
PRIORITY_RANKS = {name: rank for rank, name in enumerate(PRIORITIES)}
SNIPPET_LENGTH = 160
KINDS = ("question", "problem", "complaint", "feature_request")
CHANNELS = ("widget", "email", "api", "agent", "outreach")
AUTHOR_TYPES = ("customer", "staff", "system")

ticket_tags = sa.Table(
    "ticket_tags",
    Base.metadata,
    sa.Column("ticket_id", sa.ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_ticket_tags_tag_id", "tag_id"),
)


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50), unique=True)

    tickets: Mapped[list[Ticket]] = relationship(secondary=ticket_tags, back_populates="tags")


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    subject: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(str_enum("status", *STATUSES), default="new")
    priority: Mapped[str] = mapped_column(str_enum("priority", *PRIORITIES), default="normal")
    kind: Mapped[str] = mapped_column(str_enum("kind", *KINDS), default="question")
    channel: Mapped[str] = mapped_column(str_enum("channel", *CHANNELS))
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    sentiment_score: Mapped[float | None]
    sentiment_reasons: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    # Kept in step with `priority` (see `_rank`) so the inbox can sort and page by it.
    priority_rank: Mapped[int] = mapped_column(sa.SmallInteger, default=1, server_default="1")
    access_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    last_activity_at: Mapped[datetime] = mapped_column(default=now)
    # When the customer started waiting for us (their message still unanswered), else None.
    waiting_since: Mapped[datetime | None]
    first_staff_reply_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    # When the status last changed (set by `tickets.steps.apply_status`): how long a ticket
    # has been waiting on the customer, for time-based automation rules.
    status_changed_at: Mapped[datetime | None] = mapped_column(default=now)
    # Set when a customer message here was strongly negative: founders should look.
    founder_flagged_at: Mapped[datetime | None]
    # Bumped by each reply with a guarded UPDATE, so two replies racing from pages that
    # saw the same state cannot both pass the stale-page check.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    # The start of the newest public message, shown in the inbox row.
    last_message_snippet: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    # The soonest running service-level clock (helpdesk/sla), kept in step by its steps so
    # the inbox can show and sort by it without a join; None: no running clock.
    sla_due_at: Mapped[datetime | None]
    sla_due_kind: Mapped[str | None] = mapped_column(sa.String(20))
    # When that soonest clock enters its policy's warning window ("Breaching soon").
    sla_warn_at: Mapped[datetime | None]
    # Snoozed until then: out of the working views, back by itself (tickets/snooze.py).
    snoozed_until: Mapped[datetime | None]
    # Merged into the ticket with this id (the same customer's); links to this one lead
    # there (tickets/merge.py). No foreign key: adding one rebuilds `tickets` on SQLite
    # (and its search triggers), and tickets are never deleted.
    merged_into_id: Mapped[int | None]
    # Closed as spam, and the status "Not spam" gives back (tickets/spam.py).
    spam_at: Mapped[datetime | None]
    status_before_spam: Mapped[str | None] = mapped_column(sa.String(20))

    customer: Mapped[Customer] = relationship(back_populates="tickets")
    assignee: Mapped[User | None] = relationship(back_populates="assigned_tickets")
    tags: Mapped[list[Tag]] = relationship(
        secondary=ticket_tags, back_populates="tickets", order_by="Tag.name"
    )
    messages: Mapped[list[Message]] = relationship(
        back_populates="ticket", order_by="Message.created_at, Message.id"
    )
    recovery: Mapped[Recovery | None] = relationship(back_populates="ticket")
    # The team's answer to "is this a complaint?", if given.
    complaint_label: Mapped[ComplaintLabel | None] = relationship(back_populates="ticket")

    __table_args__ = (
        sa.Index("ix_tickets_status_last_activity_at", "status", "last_activity_at", "id"),
        sa.Index("ix_tickets_kind_last_activity_at", "kind", "last_activity_at", "id"),
        sa.Index("ix_tickets_last_activity_at", "last_activity_at", "id"),
        sa.Index("ix_tickets_status_waiting_since", "status", "waiting_since", "id"),
        sa.Index("ix_tickets_status_priority", "status", "priority_rank", "last_activity_at", "id"),
        # The complaints, "mine" and "unassigned" views, each status in order (0013).
        sa.Index(
            "ix_tickets_status_kind_last_activity_at", "status", "kind", "last_activity_at", "id"
        ),
        sa.Index(
            "ix_tickets_assignee_id_status_last_activity_at",
            "assignee_id",
            "status",
            "last_activity_at",
            "id",
        ),
        # Covers the view counts: one grouped scan of this index, not of the table.
        sa.Index("ix_tickets_status_kind_assignee_id", "status", "kind", "assignee_id"),
        # Trends: weekly buckets by creation, complaints by week, repeat contacts per customer.
        sa.Index("ix_tickets_created_at", "created_at", "id"),
        sa.Index("ix_tickets_kind_created_at", "kind", "created_at"),
        sa.Index("ix_tickets_customer_id_created_at", "customer_id", "created_at"),
        # The "due soonest" sort and the "Breaching soon" view.
        sa.Index("ix_tickets_status_sla_due_at", "status", "sla_due_at", "id"),
        sa.Index("ix_tickets_status_sla_warn_at", "status", "sla_warn_at", "id"),
        # Time-based automation rules: "waiting on the customer for 7 days".
        sa.Index("ix_tickets_status_status_changed_at", "status", "status_changed_at", "id"),
        # The "Snoozed" view (wake time order), its counts and the wake sweep; the "Spam"
        # view and its count. Both columns are NULL on almost every row.
        sa.Index("ix_tickets_snoozed_until", "snoozed_until", "id"),
        sa.Index("ix_tickets_spam_at", "spam_at", "id"),
    )

    @validates("priority")
    def _rank(self, _key: str, value: str) -> str:
        self.priority_rank = PRIORITY_RANKS.get(value, 1)
        return value

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def __repr__(self) -> str:
        return f"<Ticket #{self.number}>"


class Message(Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"))
    author_type: Mapped[str] = mapped_column(str_enum("author_type", *AUTHOR_TYPES))
    author_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    author_customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id"))
    body_source: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    internal: Mapped[bool] = mapped_column(default=False)
    email_message_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    # Set when files are linked (helpdesk/attachments/storing.py `attach`), so a
    # conversation without any never queries the attachments table.
    has_attachments: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(default=now)
    # A customer message: the complaint detector's score when it arrived.
    complaint_score: Mapped[float | None]

    ticket: Mapped[Ticket] = relationship(back_populates="messages")
    author_user: Mapped[User | None] = relationship()
    author_customer: Mapped[Customer | None] = relationship()

    __table_args__ = (
        sa.Index("ix_messages_ticket_id_created_at", "ticket_id", "created_at"),
        # Trends: customers active in a week (who wrote then).
        sa.Index("ix_messages_created_at", "created_at"),
        sa.CheckConstraint(
            "(author_type = 'staff' AND author_user_id IS NOT NULL AND author_customer_id IS NULL)"
            " OR (author_type = 'customer' AND author_customer_id IS NOT NULL"
            " AND author_user_id IS NULL AND internal = false)"
            " OR (author_type = 'system' AND author_user_id IS NULL"
            " AND author_customer_id IS NULL)",
            name="author_matches_type",
        ),
    )


class TicketPresence(Base):
    """Who has a ticket open right now, and whether they are typing a reply."""

    __tablename__ = "ticket_presence"

    ticket_id: Mapped[int] = mapped_column(
        sa.ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    seen_at: Mapped[datetime]
    typing_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class TicketAccessToken(Base):
    """A further customer access token for a ticket (each email's `/c/<token>` link gets its
    own), stored only as its SHA-256 hash; the first token is `tickets.access_token_hash`."""

    __tablename__ = "ticket_access_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now)

    __table_args__ = (sa.Index("ix_ticket_access_tokens_ticket_id", "ticket_id"),)
