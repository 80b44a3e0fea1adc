"""The audit trail: one row for every state change, who made it and what changed."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.clock import now
from helpdesk.models.base import Base

if TYPE_CHECKING:
    from helpdesk.models.user import User


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # Who acted when it was not a logged-in user: "cli", "system", "customer:<id>".
    actor_label: Mapped[str] = mapped_column(sa.String(80))
    action: Mapped[str] = mapped_column(sa.String(60))
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[str] = mapped_column(sa.String(40))
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)

    actor: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.Index("ix_audit_events_object", "object_type", "object_id"),
        # The audit log page filters by action or subject type and pages newest first by id.
        sa.Index("ix_audit_events_action", "action", "id"),
        sa.Index("ix_audit_events_object_type", "object_type", "id"),
    )
