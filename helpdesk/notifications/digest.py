"""The daily digest: for each person who chose it, one email a day (from DIGEST_HOUR in
their own time zone) with the unread notifications since the previous digest (at most a
week back; the last day for a first digest), of the kinds they want by email, so a day the
job could not run is caught up rather than skipped. Exactly once per person and local
day, however many schedulers run the job: the person's `digest_sent_on` is claimed with
a conditional UPDATE in the same transaction that queues the email, so a second claimer
finds it taken (PostgreSQL re-checks the WHERE after waiting on the row; SQLite serialises
the writers, and the transaction takes its turn before the first read)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from helpdesk.clock import now
from helpdesk.db.locking import begin_transaction_now
from helpdesk.db.transaction import use_case
from helpdesk.extensions import db
from helpdesk.models import Notification, NotificationPreference, User
from helpdesk.notifications.emails import email_digest
from helpdesk.notifications.preferences import preferences_of

DIGEST_HOUR = 8
WINDOW = timedelta(days=1)
LONGEST_WINDOW = timedelta(days=7)
MAX_ITEMS = 100


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@use_case
def notifications_send_digests(*, at: datetime | None = None) -> int:
    """Queue today's digest for everyone due one; returns how many emails were queued."""
    at = at or now()
    begin_transaction_now()
    people = list(
        db.session.execute(
            sa.select(User, NotificationPreference.digest_sent_on)
            .join(NotificationPreference, NotificationPreference.user_id == User.id)
            .where(NotificationPreference.digest.is_(True), User.active.is_(True))
            .order_by(User.id)
        )
    )
    wanted = preferences_of(user.id for user, _ in people)
    queued = 0
    for user, sent_on in people:
        local = at.astimezone(_zone(user.timezone))
        today = local.date()
        if local.hour < DIGEST_HOUR or sent_on == today:
            continue
        claimed = db.session.execute(
            sa.update(NotificationPreference)
            .where(
                NotificationPreference.user_id == user.id,
                NotificationPreference.digest.is_(True),
                sa.or_(
                    NotificationPreference.digest_sent_on.is_(None),
                    NotificationPreference.digest_sent_on != today,
                ),
            )
            .values(digest_sent_on=today)
            .execution_options(synchronize_session=False)
        )
        if not claimed.rowcount:  # type: ignore[attr-defined]
            continue
        since = at - WINDOW
        if sent_on is not None:
            previous = datetime.combine(sent_on, time(DIGEST_HOUR), tzinfo=local.tzinfo)
            since = max(min(previous, since), at - LONGEST_WINDOW)
        kinds = [kind for kind, on in wanted[user.id].email.items() if on]
        items = list(
            db.session.scalars(
                sa.select(Notification)
                .where(
                    Notification.user_id == user.id,
                    Notification.read_at.is_(None),
                    Notification.created_at > since,
                    Notification.kind.in_(kinds),
                )
                .options(joinedload(Notification.ticket), joinedload(Notification.actor))
                .order_by(Notification.id)
                .limit(MAX_ITEMS)
            )
        )
        if items:
            email_digest(user, items)
            queued += 1
    return queued
