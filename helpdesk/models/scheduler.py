"""The scheduler's own bookkeeping: one row per job, the last run of each (the heartbeat)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.models.base import Base


class SchedulerRun(Base):
    """The latest run of one scheduled job, whichever scheduler process ran it.

    Written around every run, so staff pages and `/healthz` can tell a silently dead
    scheduler from a working one.
    """

    __tablename__ = "scheduler_runs"

    job: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    last_started_at: Mapped[datetime]
    last_finished_at: Mapped[datetime | None]
    last_duration_ms: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    runs: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    host: Mapped[str] = mapped_column(sa.String(120))  # hostname:pid of the process
