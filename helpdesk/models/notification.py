"""Notifications: what a staff member is told in the app's bell (and, by their
preferences, by email), and each person's choice of what reaches their inbox."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.clock import now
from helpdesk.models.base import Base, str_enum

if TYPE_CHECKING:
    from helpdesk.models.ticket import Ticket
    from helpdesk.models.user import User

NOTIFICATION_KINDS = (
    "assigned",
    "customer_replied",
    "mentioned",
    "escalated",
    "promise_reminder",
    "promise_missed",
    "sla_breached",
)


class Notification(Base):
    """One thing one person is told about one ticket. The optional promise, message and
    escalation say what caused it; each is unique with the person and the kind, so an event
    handled twice (a sweep rerun, a redelivered email) tells nobody twice."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(str_enum("kind", *NOTIFICATION_KINDS))
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"))
    promise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("promises.id", ondelete="CASCADE"))
    message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("messages.id", ondelete="CASCADE"))
    escalation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("escalations.id", ondelete="CASCADE")
    )
    # A breached service-level target (helpdesk/sla): its assignee is told once.
    sla_target_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("sla_targets.id", ondelete="CASCADE")
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    read_at: Mapped[datetime | None]

    ticket: Mapped[Ticket] = relationship()
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])

    __table_args__ = (
        sa.Index("ix_notifications_user_id_read_at", "user_id", "read_at", "created_at"),
        # The bell's ETag reads the newest id of one person: one index seek.
        sa.Index("ix_notifications_user_id_id", "user_id", "id"),
        # A reminder or a miss is told once per promise and person, however many sweeps.
        sa.UniqueConstraint("promise_id", "user_id", "kind"),
        # A reply or a note is told once per person (a mention, a customer's reply).
        sa.UniqueConstraint("message_id", "user_id", "kind"),
        # An escalation reaches each founder once.
        sa.UniqueConstraint("escalation_id", "user_id", "kind"),
        # A breached target reaches its assignee once, however many sweeps run.
        sa.UniqueConstraint("sla_target_id", "user_id", "kind"),
    )


class NotificationPreference(Base):
    """What one person wants by email; no row means the defaults (`EMAIL_DEFAULTS`)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    email_assigned: Mapped[bool] = mapped_column(default=True)
    email_customer_replied: Mapped[bool] = mapped_column(default=True)
    email_mentioned: Mapped[bool] = mapped_column(default=True)
    email_escalated: Mapped[bool] = mapped_column(default=True)
    email_promise_reminder: Mapped[bool] = mapped_column(default=True)
    email_promise_missed: Mapped[bool] = mapped_column(default=False)
    email_sla_breached: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # One email a day with the day's unread notifications instead of one email each.
    digest: Mapped[bool] = mapped_column(default=False)
    # The recipient's local date of the last digest: claimed once per day.
    digest_sent_on: Mapped[date | None] = mapped_column(sa.Date)
    updated_at: Mapped[datetime] = mapped_column(default=now)


# Email for each kind when a person has not chosen: today's behaviour for promises (the
# reminder is emailed, a miss is not), the rest on.
EMAIL_DEFAULTS: dict[str, bool] = {
    "assigned": True,
    "customer_replied": True,
    "mentioned": True,
    "escalated": True,
    "promise_reminder": True,
    "promise_missed": False,
    "sla_breached": False,
}
