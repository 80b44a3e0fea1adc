"""Results computed once for every web worker and host (`helpdesk.db.shared_results`), when
no Redis is configured: one row per key, with the data version it was computed from and
who is computing it now."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.models.base import Base


class SharedResult(Base):
    __tablename__ = "shared_results"

    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    version: Mapped[str | None] = mapped_column(sa.String(200))
    computed_at: Mapped[datetime | None]
    payload: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    # A worker's claim to compute it: its token, and when the claim lapses (a worker that
    # died while computing holds it no longer than that).
    claim_token: Mapped[str | None] = mapped_column(sa.String(32))
    claimed_until: Mapped[datetime | None]
    # How many times it was computed (every host together): the shared cache's own check.
    computations: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
