"""Emails about a staff member's own account (a password reset link), in their language,
through the outbox like every other email."""

from __future__ import annotations

from flask_babel import lazy_gettext

from helpdesk.auth.events import PasswordResetRequested
from helpdesk.mail.compose import external_url, mail_language
from helpdesk.mail.events import AUTOMATIC_HEADERS, queue_email


def mail_password_reset(event: PasswordResetRequested) -> None:
    user = event.user
    queue_email(
        "password_reset",
        to_address=user.email,
        subject=lazy_gettext("Set a new password for the helpdesk"),
        language=mail_language(user.language),
        headers=AUTOMATIC_HEADERS,
        user_id=user.id,
        name=user.first_name,
        link=external_url("auth.password_reset", token=event.secret),
    )
