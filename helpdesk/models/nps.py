"""Net Promoter surveys: rounds, the customers invited in each, and their answers."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.clock import now
from helpdesk.models.base import Base

if TYPE_CHECKING:
    from helpdesk.models.customer import Customer


class NpsRound(Base):
    """One survey round: the customers active in [period_start, period_end) were invited."""

    __tablename__ = "nps_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    invited_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=now)

    surveys: Mapped[list[NpsSurvey]] = relationship(back_populates="round")

    __table_args__ = (sa.Index("ix_nps_rounds_created_at", "created_at"),)


class NpsSurvey(Base):
    """An invitation of one customer in one round; the signed survey link names it."""

    __tablename__ = "nps_surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("nps_rounds.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id", ondelete="CASCADE"))
    sent_at: Mapped[datetime] = mapped_column(default=now)
    responded_at: Mapped[datetime | None]

    round: Mapped[NpsRound] = relationship(back_populates="surveys")
    customer: Mapped[Customer] = relationship()
    response: Mapped[NpsResponse | None] = relationship(back_populates="survey")

    __table_args__ = (
        sa.UniqueConstraint("round_id", "customer_id"),
        # "surveyed in the last 90 days" looks customers up by when they were last asked.
        sa.Index("ix_nps_surveys_customer_id_sent_at", "customer_id", "sent_at"),
    )


class NpsResponse(Base):
    """The two answers: 0-10 "would you recommend us?" and "why?"."""

    __tablename__ = "nps_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        sa.ForeignKey("nps_surveys.id", ondelete="CASCADE"), unique=True
    )
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("nps_rounds.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id", ondelete="CASCADE"))
    score: Mapped[int] = mapped_column(sa.SmallInteger)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)

    survey: Mapped[NpsSurvey] = relationship(back_populates="response")
    customer: Mapped[Customer] = relationship()

    __table_args__ = (
        sa.CheckConstraint("score >= 0 AND score <= 10", name="score_0_to_10"),
        sa.Index("ix_nps_responses_created_at_score", "created_at", "score"),
        sa.Index("ix_nps_responses_created_at_id", "created_at", "id"),  # the API's list
    )

    @property
    def group(self) -> str:
        """promoter (9-10), passive (7-8) or detractor (0-6)."""
        return "promoter" if self.score >= 9 else "passive" if self.score >= 7 else "detractor"


class SurveyOptOut(Base):
    """A customer who asked for no more survey emails (from the link in one)."""

    __tablename__ = "survey_opt_outs"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("customers.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(default=now)
