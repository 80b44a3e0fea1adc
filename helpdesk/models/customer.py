"""Customers: the people who write to support, identified by a normalised email (or by an
alias: the address of a record merged into theirs), with the team's notes about them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.clock import now
from helpdesk.models.base import Base

if TYPE_CHECKING:
    from helpdesk.models.ticket import Ticket
    from helpdesk.models.user import User

# The largest lifetime value a customer (or the VIP threshold) may be given, in cents.
MAX_LIFETIME_VALUE_CENTS = 100_000_000_000  # 1 billion in the main currency unit


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    external_id: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    plan: Mapped[str | None] = mapped_column(sa.String(60))
    lifetime_value_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    vip: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str | None] = mapped_column(sa.String(8))
    timezone: Mapped[str | None] = mapped_column(sa.String(64))
    # The organisation they belong to, as staff typed it (the directory searches it).
    company: Mapped[str | None] = mapped_column(sa.String(120))
    last_seen_at: Mapped[datetime | None]
    # When they last wrote to us (kept by `tickets.steps.record_message`): the directory's
    # "last contact" sort reads it through an index instead of grouping every message.
    last_contact_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now)
    # Erasure is refused while set (helpdesk/privacy): records kept for a legal claim.
    legal_hold: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # When the personal data was erased (helpdesk/privacy/erase.py); None: never.
    erased_at: Mapped[datetime | None]
    # When staff marked them as having left (helpdesk/outreach): no automated messages since.
    left_at: Mapped[datetime | None]

    tickets: Mapped[list[Ticket]] = relationship(back_populates="customer")

    __table_args__ = (
        sa.CheckConstraint("lifetime_value_cents >= 0", name="lifetime_value_not_negative"),
        sa.Index("ix_customers_created_at_id", "created_at", "id"),  # the API's list
        # The directory's sorts (helpdesk/customers/directory.py).
        sa.Index("ix_customers_last_contact_at_id", "last_contact_at", "id"),
        sa.Index("ix_customers_lifetime_value_cents_id", "lifetime_value_cents", "id"),
    )

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else self.name

    def __repr__(self) -> str:
        return f"<Customer {self.id}>"


class CustomerAlias(Base):
    """Another address of a customer: the email of a record merged into theirs, so mail or
    the widget from it finds the kept customer (`tickets.customer_lookup`)."""

    __tablename__ = "customer_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    customer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    # The id the merged record had (no foreign key: that row is gone), so the kept
    # customer's history can still show the audit events recorded against it.
    merged_from_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=now)


class CustomerNote(Base):
    """An internal note about a customer (never shown to them), with its author."""

    __tablename__ = "customer_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=now)

    author: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.Index("ix_customer_notes_customer_id_created_at", "customer_id", "created_at", "id"),
    )
