"""The founders' weekly digest, stored when it is made (and emailed once email exists)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.clock import now
from helpdesk.models.base import Base


class Digest(Base):
    __tablename__ = "digests"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The Monday (in the workspace's zone) the digest's week starts on; one digest per week.
    week_start: Mapped[date] = mapped_column(sa.Date, unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
