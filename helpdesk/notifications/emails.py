"""Notifications by email, through the outbox (rows written in the caller's transaction):
one email each when the recipient wants that kind and no digest, or the daily digest.
A promise reminder and a missed promise have their own emails (mail's `promise_reminder`
and `promise_missed` templates); the other kinds share `mail/notification`. A promise that
was overdue before any reminder went out (the scheduler was down) is reported once, by
its miss: that email goes to whoever wants the reminder's email too. Each email is in its
recipient's language."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import force_locale, lazy_gettext
from sqlalchemy.orm import joinedload

from helpdesk.extensions import db
from helpdesk.mail.compose import external_url, mail_language
from helpdesk.mail.events import (
    AUTOMATIC_HEADERS,
    mail_promise_reminders,
    mail_promises_missed,
    queue_email,
)
from helpdesk.models import Notification, Promise, User
from helpdesk.notifications.preferences import preferences_of
from helpdesk.notifications.texts import describe


def email_now(ids: Sequence[int]) -> int:
    """Queue the emails for the new notifications `ids` whose recipients want one each;
    returns how many were queued."""
    if not ids:
        return 0
    notifications = list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.id.in_(ids))
            .options(joinedload(Notification.ticket), joinedload(Notification.actor))
            .order_by(Notification.id)
        )
    )
    users = {
        user.id: user
        for user in db.session.scalars(
            sa.select(User).where(
                User.id.in_({n.user_id for n in notifications}), User.active.is_(True)
            )
        )
    }
    preferences = preferences_of(users)
    never_reminded = _never_reminded(
        [n.promise_id for n in notifications if n.kind == "promise_missed" and n.promise_id]
    )
    reminders: list[int] = []
    misses: list[int] = []
    found_at = None
    queued = 0
    for notification in notifications:
        user = users.get(notification.user_id)
        if user is None:
            continue
        wanted = preferences[user.id]
        if notification.kind == "promise_missed" and notification.promise_id is not None:
            # The miss stands in for a reminder that never went out (a time already gone).
            instead = notification.promise_id in never_reminded
            if not wanted.digest and (
                wanted.emails("promise_missed") or (instead and wanted.emails("promise_reminder"))
            ):
                misses.append(notification.promise_id)
                found_at = notification.created_at
            continue
        if wanted.digest or not wanted.emails(notification.kind):
            continue
        if notification.kind == "promise_reminder" and notification.promise_id is not None:
            reminders.append(notification.promise_id)
            continue
        _email_one(notification, user)
        queued += 1
    queued += mail_promise_reminders(promise_ids=reminders)
    if found_at is not None:
        queued += mail_promises_missed(promise_ids=misses, found_at=found_at)
    return queued


def _never_reminded(promise_ids: Sequence[int]) -> set[int]:
    """Those of `promise_ids` whose reminder never went out."""
    if not promise_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Promise.id).where(Promise.id.in_(promise_ids), Promise.reminded_at.is_(None))
        )
    )


def _email_one(notification: Notification, user: User) -> None:
    language = mail_language(user.language)
    with force_locale(language):
        sentence = describe(notification)
    ticket = notification.ticket
    queue_email(
        "notification",
        to_address=user.email,
        subject=sentence,
        language=language,
        headers=AUTOMATIC_HEADERS,
        ticket_id=ticket.id,
        user_id=user.id,
        name=user.first_name,
        sentence=sentence,
        ticket=ticket,
        link=external_url("tickets.ticket", number=ticket.number),
    )


def email_digest(user: User, notifications: Sequence[Notification]) -> None:
    """Queue one digest email listing `notifications` (already loaded with their tickets)."""
    language = mail_language(user.language)
    with force_locale(language):
        items = [
            (
                describe(notification),
                notification.ticket,
                external_url("tickets.ticket", number=notification.ticket.number),
            )
            for notification in notifications
        ]
    queue_email(
        "notification_digest",
        to_address=user.email,
        subject=lazy_gettext(
            "Your helpdesk notifications: %(count)d unread", count=len(notifications)
        ),
        language=language,
        headers=AUTOMATIC_HEADERS,
        user_id=user.id,
        name=user.first_name,
        items=items,
        link=external_url("tickets.inbox"),
    )
