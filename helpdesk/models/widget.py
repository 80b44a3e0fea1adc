"""Idempotency records for the widget API: a retried create returns the first answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.clock import now
from helpdesk.models.base import Base


class IdempotencyRecord(Base):
    """One `Idempotency-Key` seen on an endpoint: the request's fingerprint and, once the
    first request finished, its response (no response yet: still in flight)."""

    __tablename__ = "idempotency_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(sa.String(60))
    key: Mapped[str] = mapped_column(sa.String(255))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    status_code: Mapped[int | None]
    response: Mapped[Any | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=now)

    __table_args__ = (
        sa.UniqueConstraint("scope", "key"),
        sa.Index("ix_idempotency_records_created_at", "created_at"),
    )
