"""Customer feedback: the one-click rating of a resolved ticket."""

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

RATING_SCORES = ("good", "okay", "bad")
RATING_CHANNELS = ("widget", "page", "email")


class Rating(Base):
    """How the customer felt about the help on one ticket; changing one's mind updates it."""

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(
        sa.ForeignKey("tickets.id", ondelete="CASCADE"), unique=True
    )
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"))
    score: Mapped[str] = mapped_column(str_enum("score", *RATING_SCORES))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    channel: Mapped[str] = mapped_column(str_enum("channel", *RATING_CHANNELS))
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)

    ticket: Mapped[Ticket] = relationship()
    customer: Mapped[Customer] = relationship()

    __table_args__ = (
        sa.Index("ix_ratings_created_at_score", "created_at", "score"),
        sa.Index("ix_ratings_created_at_id", "created_at", "id"),  # the API's list
    )
