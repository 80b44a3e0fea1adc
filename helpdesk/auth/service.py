"""Staff account rules: authentication, creating users, passwords, profiles, deactivation
and ending sessions. Each `user_*` function is one use case, decorated `@use_case` (it
commits once, or rolls back when it raises); the helpers join their caller's transaction."""

from __future__ import annotations

import functools
import secrets
from zoneinfo import available_timezones

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.models import ROLES, ApiToken, PasswordReset, User
from helpdesk.models.user import PHRASE_REGISTERS

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
LANGUAGES = ("en", "th", "id", "bn")


def normalise_email(email: str) -> str:
    """The canonical form of an email address (trimmed, lower-case), or ValidationError."""
    candidate = email.strip()
    try:
        checked = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError("email", _("Enter a valid email address.")) from exc
    return checked.normalized.lower()


def check_password_strength(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            field,
            _("Use at least %(count)d characters for the password.", count=MIN_PASSWORD_LENGTH),
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(
            field, _("Use at most %(count)d characters.", count=MAX_PASSWORD_LENGTH)
        )


def user_check_password(*, email: str, password: str) -> User:
    """The active user with this email and password; one generic error for every failure.
    Writes nothing: a login completes with `user_login_record` (after a second factor,
    when the account has one)."""
    failure = NotAllowed(_("Wrong email or password."))
    try:
        normalised = normalise_email(email)
    except ValidationError:
        normalised = None
    user = (
        db.session.scalar(sa.select(User).where(User.email == normalised)) if normalised else None
    )
    if user is None:
        _burn_password_check(password)
        raise failure
    if not user.check_password(password) or not user.active:
        raise failure
    return user


def login_record(user: User, *, second_factor: str | None = None) -> None:
    """Step: `user` has logged in: note when, audit it, and use up their open password
    reset links (a login proves they know the password)."""
    user.last_login_at = now()
    resets_use_up(user)
    changes = {"second_factor": second_factor} if second_factor else None
    audit(actor=user, action="user.login", obj=user, changes=changes)


@use_case
def user_login_record(*, user: User) -> User:
    """Record a login that needs no second factor."""
    login_record(user)
    return user


@use_case
def user_authenticate(*, email: str, password: str) -> User:
    """Check the password and record the login (for accounts without a second factor)."""
    user = user_check_password(email=email, password=password)
    login_record(user)
    return user


def resets_use_up(user: User) -> None:
    """Step: every open password reset link of `user` stops working (a login or a
    password change)."""
    db.session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now())
    )


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def _burn_password_check(password: str) -> None:
    """Spend the time a real password check takes, so timing does not reveal accounts."""
    check_password_hash(_dummy_hash(), password)


@use_case
def user_create(
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    actor: User | str,
    timezone: str = "UTC",
    language: str | None = None,
) -> User:
    """A new staff account. Refuses a duplicate email, an unknown role or a weak password."""
    normalised = normalise_email(email)
    name = name.strip()
    if not name:
        raise ValidationError("name", _("Enter a name."))
    if len(name) > 120:
        raise ValidationError("name", _("Use at most 120 characters for the name."))
    if role not in ROLES:
        raise ValidationError("role", _("Role must be one of: %(roles)s.", roles=", ".join(ROLES)))
    check_password_strength(password)
    _check_profile(timezone=timezone, language=language)
    if db.session.scalar(sa.select(User.id).where(User.email == normalised)) is not None:
        raise ValidationError("email", _("A user with this email already exists."))
    # Agents take new tickets by round robin from the start; founders and admins opt in.
    user = User(
        email=normalised,
        name=name,
        role=role,
        timezone=timezone,
        language=language,
        available=role == "agent",
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit(
        actor=actor,
        action="user.create",
        obj=user,
        changes={"email": normalised, "name": name, "role": role},
    )
    return user


@use_case
def user_end_sessions(*, user: User) -> None:
    """End every session of `user` (logout): cookies issued before now stop working."""
    user.session_version += 1
    audit(actor=user, action="user.logout", obj=user)


@use_case
def user_change_password(*, user: User, current_password: str, new_password: str) -> None:
    """Change the password after checking the current one; ends every other session."""
    if not user.check_password(current_password):
        raise ValidationError("current_password", _("The current password is not right."))
    check_password_strength(new_password, field="new_password")
    if current_password == new_password:
        raise ValidationError(
            "new_password", _("Choose a password different from the current one.")
        )
    user.set_password(new_password)
    user.session_version += 1
    resets_use_up(user)
    audit(actor=user, action="user.change_password", obj=user)


def _check_profile(*, timezone: str, language: str | None) -> None:
    if timezone not in available_timezones():
        raise ValidationError("timezone", _("Choose a time zone from the list."))
    if language is not None and language not in LANGUAGES:
        raise ValidationError("language", _("Choose a language from the list."))


@use_case
def user_update_profile(*, user: User, name: str, timezone: str, language: str | None) -> User:
    """Change a user's own name, time zone and language (None: follow the browser)."""
    name = name.strip()
    if not name:
        raise ValidationError("name", _("Enter a name."))
    _check_profile(timezone=timezone, language=language)
    changes = {
        key: [getattr(user, key), value]
        for key, value in {"name": name, "timezone": timezone, "language": language}.items()
        if getattr(user, key) != value
    }
    if changes:
        user.name, user.timezone, user.language = name, timezone, language
        audit(actor=user, action="user.update_profile", obj=user, changes=changes)
    return user


@use_case
def user_set_phrase_voice(*, user: User, voice: dict[str, str]) -> User:
    """Choose the register of the HEARD phrases per customer language ({"th": "khrap"});
    a language left out keeps its current choice."""
    chosen = dict(user.phrase_voice or {})
    for language, register in voice.items():
        if language not in PHRASE_REGISTERS:
            raise ValidationError("voice", _("Choose a language from the list."))
        if register not in PHRASE_REGISTERS[language]:
            # Named for the account page's field (voice_th, voice_id, voice_bn).
            raise ValidationError(f"voice_{language}", _("Choose one of the voices on the list."))
        chosen[language] = register
    before = {language: user.phrase_register(language) for language in PHRASE_REGISTERS}
    after = {language: chosen.get(language, before[language]) for language in PHRASE_REGISTERS}
    changes = {
        f"phrase_voice.{language}": [before[language], after[language]]
        for language in PHRASE_REGISTERS
        if before[language] != after[language]
    }
    if changes:
        user.phrase_voice = chosen  # a new dict: the JSON column sees the change
        audit(actor=user, action="user.update_profile", obj=user, changes=changes)
    return user


def _active_admins() -> int:
    count = db.session.scalar(
        sa.select(sa.func.count(User.id)).where(User.role == "admin", User.active.is_(True))
    )
    return count or 0


@use_case
def user_set_active(*, user: User, active: bool, actor: User) -> User:
    """Deactivate (ending every session) or reactivate a staff account."""
    if not actor.can("admin"):
        raise NotAllowed(_("Only an admin can change who is on the team."))
    if user.active == active:
        return user
    if not active and user.id == actor.id:
        raise NotAllowed(_("You cannot deactivate your own account."))
    if not active and user.role == "admin" and _active_admins() <= 1:
        raise NotAllowed(_("The last active admin cannot be deactivated."))
    user.active = active
    changes: dict[str, object] = {"active": [not active, active]}
    if not active:
        user.session_version += 1
        # Revoked for good: reactivating the account must not bring old tokens back.
        revoked = db.session.scalars(
            sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        ).all()
        for token in revoked:
            token.revoked_at = now()
        if revoked:
            changes["api_tokens_revoked"] = [token.id for token in revoked]
    audit(
        actor=actor,
        action="user.activate" if active else "user.deactivate",
        obj=user,
        changes=changes,
    )
    return user


@use_case
def user_set_role(*, user: User, role: str, actor: User) -> User:
    """Change a staff member's role; the last active admin keeps theirs."""
    if not actor.can("admin"):
        raise NotAllowed(_("Only an admin can change roles."))
    if role not in ROLES:
        raise ValidationError("role", _("Role must be one of: %(roles)s.", roles=", ".join(ROLES)))
    if user.role == role:
        return user
    if user.role == "admin" and user.active and _active_admins() <= 1:
        raise NotAllowed(_("The last active admin must stay an admin."))
    old = user.role
    user.role = role
    audit(actor=actor, action="user.set_role", obj=user, changes={"role": [old, role]})
    return user
