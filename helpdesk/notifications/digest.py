"""The daily digest: for each person who chose it, one email a day (from DIGEST_HOUR in
their own time zone) with the unread notifications since the previous digest (at most a
week back; the last day for a first digest), of the kinds they want by email, so a day the
job could not run is caught up rather than skipped. Exactly once per person and local
day, however many schedulers run the job: the person's `digest_sent_on` is claimed with
a conditional UPDATE in the same transaction that queues the email, so a second claimer
finds it taken (PostgreSQL re-checks the WHERE after waiting on the row; SQLite serialises
the writers). Each person's digest is its own transaction (claim, render, commit), so on
SQLite the write lock is never held across rendering everyone's digests."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from helpdesk.clock import now
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


def notifications_send_digests(*, at: datetime | None = None) -> int:
    """Queue today's digest for everyone due one, each in its own committed transaction;
    returns how many emails were queued."""
    at = at or now()
    people = list(
        db.session.execute(
            sa.select(User, NotificationPreference.digest_sent_on)
            .join(NotificationPreference, NotificationPreference.user_id == User.id)
            .where(NotificationPreference.digest.is_(True), User.active.is_(True))
            .order_by(User.id)
        )
    )
    wanted = preferences_of(user.id for user, _ in people)
    db.session.rollback()  # end the read: each digest below is its own transaction
    queued = 0
    for user, sent_on in people:
        local = at.astimezone(_zone(user.timezone))
        if local.hour < DIGEST_HOUR or sent_on == local.date():
            continue
        try:
            queued += _send_digest(user, sent_on, at=at, kinds=wanted[user.id].email)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
    return queued


def _send_digest(user: User, sent_on: date | None, *, at: datetime, kinds: dict[str, bool]) -> int:
    """Claim today's digest of `user` and queue it (in the caller's transaction); 1 when
    queued, 0 when another scheduler had it or nothing is unread."""
    local = at.astimezone(_zone(user.timezone))
    today = local.date()
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
        return 0
    since = at - WINDOW
    if sent_on is not None:
        previous = datetime.combine(sent_on, time(DIGEST_HOUR), tzinfo=local.tzinfo)
        since = max(min(previous, since), at - LONGEST_WINDOW)
    wanted = [kind for kind, on in kinds.items() if on]
    items = list(
        db.session.scalars(
            sa.select(Notification)
            .where(
                Notification.user_id == user.id,
                Notification.read_at.is_(None),
                Notification.created_at > since,
                Notification.kind.in_(wanted),
            )
            .options(joinedload(Notification.ticket), joinedload(Notification.actor))
            .order_by(Notification.id)
            .limit(MAX_ITEMS)
        )
    )
    if not items:
        return 0
    email_digest(user, items)
    return 1
