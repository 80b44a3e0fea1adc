"""What the team teaches the complaint detector: a label per ticket ("this is a complaint",
"not a complaint") on the customer message it judged, and the workspace adaptations learned
from those labels (the newest one is in use)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.clock import now
from helpdesk.models.base import Base

if TYPE_CHECKING:
    from helpdesk.models.ticket import Message, Ticket
    from helpdesk.models.user import User


class ComplaintLabel(Base):
    """One ticket's answer to "was this a complaint?", given by a person. `score` is what
    the detector said about the labelled message when it arrived, and `flagged` whether
    that made the ticket a complaint (the threshold then), so the detector can be measured
    against the team's answers."""

    __tablename__ = "complaint_labels"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(
        sa.ForeignKey("tickets.id", ondelete="CASCADE"), unique=True
    )
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("messages.id", ondelete="CASCADE"))
    is_complaint: Mapped[bool]
    score: Mapped[float | None]
    flagged: Mapped[bool]
    labelled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    labelled_at: Mapped[datetime] = mapped_column(default=now)

    ticket: Mapped[Ticket] = relationship(back_populates="complaint_label")
    message: Mapped[Message] = relationship()
    labelled_by: Mapped[User | None] = relationship()

    __table_args__ = (
        # Trends and the adaptation read labels by when they were given.
        sa.Index("ix_complaint_labels_labelled_at", "labelled_at"),
    )


class DetectorAdaptation(Base):
    """The workspace's corrections to the shipped model, fitted on its labels."""

    __tablename__ = "detector_adaptations"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    model_version: Mapped[str] = mapped_column(sa.String(40))
    # The newest label it was fitted on, and how many of each kind.
    last_label_id: Mapped[int]
    complaints: Mapped[int]
    not_complaints: Mapped[int]
    bias: Mapped[float]
    # Feature bucket (as a string: JSON keys) -> weight added to the shipped model's.
    weights: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # Precision and recall on the labels, shipped model vs adapted, by cross-validation.
    figures: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
