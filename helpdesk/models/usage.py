"""Product usage: what customers did in the company's product, kept compactly (a count per
customer, day and event name), the event ids already taken (so a resent event counts
once), and each customer's usage state as the health sweep last worked it out."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.models.base import Base, str_enum

# Kept in step with helpdesk/usage/events.py (USAGE_STATES); models import no feature.
USAGE_STATE_VALUES = ("new", "active", "slipping", "dormant")


class UsageDaily(Base):
    """How many times a customer did `name` on one UTC day (an upsert adds to `count`)."""

    __tablename__ = "usage_daily"

    customer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    count: Mapped[int] = mapped_column(sa.Integer)
    last_at: Mapped[datetime]

    __table_args__ = (
        sa.CheckConstraint("count > 0", name="count_positive"),
        sa.Index("ix_usage_daily_day", "day"),  # the retention prune
    )


class UsageEventId(Base):
    """An event id already counted, with when it came in (pruned after the retention)."""

    __tablename__ = "usage_event_ids"

    event_id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)


class CustomerUsage(Base):
    """A customer's usage state, recomputed by the health sweep (`helpdesk/usage/health.py`)."""

    __tablename__ = "customer_usage"

    customer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(str_enum("usage_state", *USAGE_STATE_VALUES))
    since: Mapped[datetime]  # when the state last changed
    last_7_days: Mapped[int] = mapped_column(default=0)
    # The median of their weekly event counts over the baseline weeks; None while "new".
    usual_week: Mapped[int | None]
    first_event_on: Mapped[date | None] = mapped_column(sa.Date)
    last_event_on: Mapped[date | None] = mapped_column(sa.Date)
    # Why the state is what it is, in the sweep's words ("below", "key_event", ...).
    reason: Mapped[str | None] = mapped_column(sa.String(30))
    checked_at: Mapped[datetime]

    __table_args__ = (sa.Index("ix_customer_usage_state_checked_at", "state", "checked_at"),)
