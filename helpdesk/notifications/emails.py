"""Notifications by email, through the outbox (rows written in the caller's transaction):
one email each when the recipient wants that kind and no digest, or the daily digest.
A promise reminder keeps its own email (mail's `promise_reminder` template); the other
kinds share `mail/notification`. Each email is in its recipient's language."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import force_locale, lazy_gettext
from sqlalchemy.orm import joinedload

from helpdesk.extensions import db
from helpdesk.mail.compose import external_url, mail_language
from helpdesk.mail.events import AUTOMATIC_HEADERS, mail_promise_reminders, queue_email
from helpdesk.models import Notification, User
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
    reminders: list[int] = []
    queued = 0
    for notification in notifications:
        user = users.get(notification.user_id)
        if user is None:
            continue
        wanted = preferences[user.id]
        if wanted.digest or not wanted.emails(notification.kind):
            continue
        if notification.kind == "promise_reminder" and notification.promise_id is not None:
            reminders.append(notification.promise_id)
            continue
        _email_one(notification, user)
        queued += 1
    return queued + mail_promise_reminders(promise_ids=reminders)


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
