"""The REST API's credentials and webhook subscriptions.

A webhook delivery is an `Outbox` row of kind `webhook` (see `helpdesk.models.mail`), so
the one `send_outbox` job sends emails and webhooks alike and its rows are the delivery
log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.clock import now
from helpdesk.models.base import Base, str_enum
from helpdesk.models.user import User

API_SCOPES = ("read", "read-write")
WEBHOOK_EVENTS = (
    "ticket.created",
    "ticket.updated",
    "message.created",
    "promise.missed",
    "escalation.raised",
    "rating.received",
)


class ApiToken(Base):
    """A staff user's API token. Only the SHA-256 of the secret is kept; `prefix` (the first
    characters of the secret) lets the owner tell tokens apart."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(100))
    scope: Mapped[str] = mapped_column(str_enum("scope", *API_SCOPES))
    prefix: Mapped[str] = mapped_column(sa.String(16))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now)

    user: Mapped[User] = relationship()

    __table_args__ = (sa.Index("ix_api_tokens_user_id", "user_id"),)

    def usable_at(self, moment: datetime) -> bool:
        """Not revoked, not expired, and its owner still active."""
        return (
            self.revoked_at is None
            and (self.expires_at is None or self.expires_at > moment)
            and self.user.active
        )


class Webhook(Base):
    """A subscription: events in `events` are POSTed to `url`, signed with `secret`."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    description: Mapped[str] = mapped_column(sa.String(200), default="")
    events: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    # The signing secret must be readable to sign with; it is shown to admins once.
    secret: Mapped[str] = mapped_column(sa.String(64))
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=now)
