"""Customers: the people who write to support, identified by a normalised email."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.clock import now
from helpdesk.models.base import Base

if TYPE_CHECKING:
    from helpdesk.models.ticket import Ticket

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
    last_seen_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now)
    # Erasure is refused while set (helpdesk/privacy): records kept for a legal claim.
    legal_hold: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # When the personal data was erased (helpdesk/privacy/erase.py); None: never.
    erased_at: Mapped[datetime | None]

    tickets: Mapped[list[Ticket]] = relationship(back_populates="customer")

    __table_args__ = (
        sa.CheckConstraint("lifetime_value_cents >= 0", name="lifetime_value_not_negative"),
        sa.Index("ix_customers_created_at_id", "created_at", "id"),  # the API's list
    )

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else self.name

    def __repr__(self) -> str:
        return f"<Customer {self.id}>"
