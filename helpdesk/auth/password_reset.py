"""Password reset by email.

Anyone may ask for a reset link for an address; the answer is the same whether or not a
staff account has it, and an email goes out only when an active account does. The link
carries a random 256-bit secret; only its SHA-256 is stored (`PasswordReset`), so the
table's contents cannot be turned into links. A link works once and for an hour; a
successful login or a password change uses up every open link of the account, and a reset
ends every session of the account (its session version is bumped). Requests are
rate-limited per address and per client in the view (`auth.views.password_forgot`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.auth.events import PasswordResetRequested
from helpdesk.auth.service import check_password_strength, normalise_email, resets_use_up
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.events import publish
from helpdesk.extensions import db
from helpdesk.models import PasswordReset, User

LIFETIME = timedelta(hours=1)
MAX_SECRET_CHARS = 100


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _invalid_link() -> NotAllowed:
    return NotAllowed(
        _(
            "This reset link is not valid any more: it was used, it expired or a newer one "
            "was sent. Ask for a new one."
        )
    )


@use_case
def password_reset_request(*, email: str) -> None:
    """Send a reset link to `email` if an active account has that address; otherwise do
    nothing. Says nothing either way: the caller answers the same in both cases."""
    try:
        normalised = normalise_email(email)
    except ValidationError:
        return
    user = db.session.scalar(sa.select(User).where(User.email == normalised))
    if user is None or not user.active:
        return
    moment = now()
    secret = secrets.token_urlsafe(32)
    reset = PasswordReset(
        user_id=user.id, token_hash=_hash(secret), created_at=moment, expires_at=moment + LIFETIME
    )
    db.session.add(reset)
    db.session.flush()
    # Anyone can ask for any address: the account's owner is not the actor.
    audit(actor="anonymous", action="user.password_reset_request", obj=user)
    publish(PasswordResetRequested(user=user, secret=secret, expires_at=reset.expires_at))


def _open_reset(secret: str) -> PasswordReset | None:
    if not secret or len(secret) > MAX_SECRET_CHARS:
        return None
    reset = db.session.scalar(
        sa.select(PasswordReset).where(PasswordReset.token_hash == _hash(secret))
    )
    if reset is None or reset.used_at is not None or reset.expires_at <= now():
        return None
    if not reset.user.active:
        return None
    return reset


def password_reset_user(secret: str) -> User | None:
    """The account an open reset link is for, or None (unknown, used or expired)."""
    reset = _open_reset(secret)
    return reset.user if reset is not None else None


@use_case
def password_reset_complete(*, secret: str, new_password: str) -> User:
    """Set a new password with a reset link: the link and every other open one are used
    up, and every session of the account ends. Refuses a used or expired link and a weak
    password (the link stays usable after a weak password)."""
    reset = _open_reset(secret)
    if reset is None:
        raise _invalid_link()
    check_password_strength(new_password, field="new_password")
    user = reset.user
    # Conditional: of two requests racing with one link, only one sets the password.
    used = db.session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=now())
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        raise _invalid_link()
    resets_use_up(user)
    user.set_password(new_password)
    user.session_version += 1
    audit(actor=user, action="user.password_reset", obj=user)
    return user
