"""HEARD recovery: one Recovery per complaint ticket, a row per completed step, and the
root-cause categories founders manage (the phrase library is in `saved_reply.py`)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.clock import now
from helpdesk.models.base import Base, str_enum

if TYPE_CHECKING:
    from helpdesk.models.ticket import Ticket
    from helpdesk.models.user import User

STEPS = ("hear", "empathize", "apologize", "resolve", "diagnose")
# The steps a phrase of the HEARD panel belongs to (plus the promise sentence and closing
# words); the phrases themselves are team saved replies with `heard_step` set.
PHRASE_STEPS = (*STEPS, "promise", "closing")
RECOVERY_STATES = ("active", "completed", "ended")


class RootCause(Base):
    __tablename__ = "root_causes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)


class Recovery(Base):
    __tablename__ = "recoveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(
        sa.ForeignKey("tickets.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[str] = mapped_column(str_enum("state", *RECOVERY_STATES), default="active")
    # The first step not yet done; "done" once all five are.
    current_step: Mapped[str] = mapped_column(str_enum("step", *STEPS, "done"), default="hear")
    started_at: Mapped[datetime] = mapped_column(default=now)
    started_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    ended_at: Mapped[datetime | None]
    ended_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    end_reason: Mapped[str | None] = mapped_column(sa.Text)
    # Hear: when an agent last read the conversation to the end, and the problem as the
    # customer put it.
    last_read_at: Mapped[datetime | None]
    last_read_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    problem_summary: Mapped[str | None] = mapped_column(sa.Text)
    resolution: Mapped[str | None] = mapped_column(sa.Text)
    root_cause_id: Mapped[int | None] = mapped_column(sa.ForeignKey("root_causes.id"))
    process_gap: Mapped[str | None] = mapped_column(sa.Text)
    process_fix: Mapped[str | None] = mapped_column(sa.Text)
    diagnose_skip_reason: Mapped[str | None] = mapped_column(sa.Text)
    # Outcome, filled in as it becomes known.
    reopened_within_14_days: Mapped[bool | None]

    ticket: Mapped[Ticket] = relationship(back_populates="recovery")
    steps: Mapped[list[RecoveryStep]] = relationship(
        back_populates="recovery", cascade="all, delete-orphan", order_by="RecoveryStep.id"
    )
    root_cause: Mapped[RootCause | None] = relationship()
    last_read_by: Mapped[User | None] = relationship(foreign_keys=[last_read_by_id])

    __table_args__ = (
        sa.Index("ix_recoveries_state", "state"),
        # Trends: recoveries by the week they started.
        sa.Index("ix_recoveries_started_at", "started_at"),
    )

    def step_record(self, step: str) -> RecoveryStep | None:
        return next((record for record in self.steps if record.step == step), None)


class RecoveryStep(Base):
    """A completed step: who marked it done, when, and an optional note."""

    __tablename__ = "recovery_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    recovery_id: Mapped[int] = mapped_column(sa.ForeignKey("recoveries.id", ondelete="CASCADE"))
    step: Mapped[str] = mapped_column(str_enum("step", *STEPS))
    done_at: Mapped[datetime] = mapped_column(default=now)
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(sa.Text)
    skipped: Mapped[bool] = mapped_column(default=False)

    recovery: Mapped[Recovery] = relationship(back_populates="steps")
    done_by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("recovery_id", "step"),
        # Trends: Diagnose steps (root causes) by the week they were done.
        sa.Index("ix_recovery_steps_step_done_at", "step", "done_at"),
    )
