"""Two-factor sign-in with time-based one-time passwords (TOTP, RFC 6238, via pyotp).

- **Enrolment**: the account page makes a secret (kept in the signed session until
  confirmed), shows it as a QR code rendered on the server (segno, a PNG data URI: the CSP
  allows `img-src data:`) and as text; a correct code confirms it. Confirming stores the
  secret encrypted (Fernet, key derived from SECRET_KEY with HKDF) and gives ten
  single-use recovery codes, shown once and stored as SHA-256 hashes.
- **Codes**: the current 30-second step and one either side are accepted (clock drift);
  the step of the last accepted code is stored, so a code (or an older one) cannot be used
  again. Failed codes are rate-limited like passwords (`auth.views.login_code`).
- **Remember this device**: a signed cookie for 30 days, naming the user and bound to
  their password and their second factor: a password change or reset, or a reset of the
  second factor, makes it worthless. (Not bound to the session version: logging out bumps
  that, which would forget the device at every logout.)
- **Policy**: admins choose whether a second factor is required of nobody, of admins and
  founders, or of everyone (`Setting` "two_factor_required"); a person it applies to who
  has none is sent to enrolment at their next login and can do nothing else until done.
- **Reset**: an admin (or `flask users reset-2fa EMAIL` on the server) removes a person's
  second factor; audited.
- The REST API authenticates with bearer tokens only; two-factor sign-in does not apply.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
import segno
import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app, request
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from helpdesk.audit import audit
from helpdesk.auth.service import login_record
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.models import RecoveryCode, Setting, User

ISSUER = "Helpdesk"
STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
RECOVERY_CHARS = 10
POLICIES = ("off", "admins", "everyone")
POLICY_KEY = "two_factor_required"
DEVICE_COOKIE = "hd_2fa_device"
DEVICE_MAX_AGE = 30 * 24 * 3600
_DEVICE_SALT = "helpdesk.two-factor-device"


# -- the secret at rest ---------------------------------------------------------------


def _fernet() -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"helpdesk.totp-secret"
    ).derive(str(current_app.config["SECRET_KEY"]).encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_secret(secret: str) -> str:
    return _fernet().encrypt(secret.encode("ascii")).decode("ascii")


def decrypt_secret(stored: str) -> str | None:
    """The TOTP secret, or None when it cannot be read (SECRET_KEY changed)."""
    try:
        return _fernet().decrypt(stored.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError):
        return None


# -- enrolment ------------------------------------------------------------------------


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The QR code of `uri` as a PNG data URI (rendered here, nothing leaves the server)."""
    return str(segno.make(uri, error="m").png_data_uri(scale=5, border=2))


def clean_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _matching_step(secret: str, code: str, after: int | None, moment: datetime) -> int | None:
    """The time step within the drift window whose code is `code` and which is later than
    `after`, or None."""
    code = clean_code(code)
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(moment.timestamp()) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _new_recovery_codes(user: User) -> list[str]:
    """Step: replace `user`'s recovery codes with ten new ones; returns them (shown once)."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _number in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CHARS))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_code_hash(raw)))
    return codes


def _code_hash(code: str) -> str:
    return hashlib.sha256(clean_code(code).encode("utf-8", "surrogatepass")).hexdigest()


@use_case
def two_factor_enable(*, user: User, secret: str, code: str) -> list[str]:
    """Confirm enrolment with a code from the app; returns the ten recovery codes."""
    if user.has_second_factor:
        raise NotAllowed(_("Two-factor sign-in is already on."))
    step = _matching_step(secret, code, None, now())
    if step is None:
        raise ValidationError(
            "code",
            _("That code does not match. Enter the 6 digits your app shows now for this account."),
        )
    user.totp_secret = encrypt_secret(secret)
    user.totp_enabled_at = now()
    user.totp_last_step = step
    codes = _new_recovery_codes(user)
    audit(actor=user, action="user.two_factor_enable", obj=user)
    return codes


@use_case
def two_factor_new_recovery_codes(*, user: User) -> list[str]:
    """Ten new recovery codes in place of the old ones (used or not)."""
    if not user.has_second_factor:
        raise NotAllowed(_("Turn on two-factor sign-in first."))
    codes = _new_recovery_codes(user)
    audit(actor=user, action="user.two_factor_recovery_codes", obj=user)
    return codes


def _clear(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


@use_case
def two_factor_disable(*, user: User, password: str) -> None:
    """A person turns off their own second factor (with their password), unless the
    workspace requires one of them."""
    if not user.has_second_factor:
        return
    if required_for(user):
        raise NotAllowed(_("Your workspace requires two-factor sign-in for your role."))
    if not user.check_password(password):
        raise ValidationError("password", _("The password is not right."))
    _clear(user)
    audit(actor=user, action="user.two_factor_disable", obj=user)


@use_case
def two_factor_reset(*, user: User, actor: User | str) -> None:
    """An admin (or the CLI) removes `user`'s second factor, for someone who lost their
    phone and their recovery codes. They enrol again at their next login if required."""
    if isinstance(actor, User) and not actor.can("admin"):
        raise NotAllowed(_("Only an admin can reset someone's two-factor sign-in."))
    if not user.has_second_factor:
        raise NotAllowed(_("%(name)s has no second factor to reset.", name=user.name))
    _clear(user)
    audit(actor=actor, action="user.two_factor_reset", obj=user)


def recovery_codes_left(user: User) -> int:
    count = db.session.scalar(
        sa.select(sa.func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )
    return count or 0


# -- signing in -----------------------------------------------------------------------


def _accept_totp(user: User, code: str) -> bool:
    secret = decrypt_secret(user.totp_secret or "")
    if secret is None:
        return False
    step = _matching_step(secret, code, user.totp_last_step, now())
    if step is None:
        return False
    # Conditional: of two logins racing with one code, only one gets in.
    accepted = db.session.execute(
        sa.update(User)
        .where(
            User.id == user.id,
            sa.or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session="fetch")
    )
    return bool(accepted.rowcount == 1)  # type: ignore[attr-defined]


def _accept_recovery_code(user: User, code: str) -> bool:
    cleaned = clean_code(code)
    if len(cleaned) != RECOVERY_CHARS:
        return False
    used = db.session.execute(
        sa.update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _code_hash(cleaned),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now())
    )
    return bool(used.rowcount == 1)  # type: ignore[attr-defined]


@use_case
def user_second_factor(*, user: User, code: str) -> str:
    """Finish a login with a code from the app or a recovery code; returns which
    ("totp" or "recovery_code"). Refuses a wrong, used or replayed code."""
    if not user.active or not user.has_second_factor:
        raise NotAllowed(_("Log in again."))
    if _accept_totp(user, code):
        method = "totp"
    elif _accept_recovery_code(user, code):
        method = "recovery_code"
    else:
        raise ValidationError(
            "code", _("That code is not right, or it was used already. Try the newest code.")
        )
    login_record(user, second_factor=method)
    return method


# -- the workspace's policy -----------------------------------------------------------


def policy() -> str:
    row = db.session.get(Setting, POLICY_KEY)
    value = row.value if row is not None else "off"
    return value if value in POLICIES else "off"


def required_for(user: User, current: str | None = None) -> bool:
    """Whether the workspace requires a second factor of `user`."""
    chosen = current if current is not None else policy()
    return chosen == "everyone" or (chosen == "admins" and user.can("founder"))


@use_case
def two_factor_policy_set(*, actor: User, value: str) -> str:
    """Require a second factor of nobody, of admins and founders, or of everyone."""
    if not actor.can("admin"):
        raise NotAllowed(_("Only an admin can change sign-in settings."))
    if value not in POLICIES:
        raise ValidationError("required", _("Choose one of the options."))
    old = policy()
    if old == value:
        return value
    row = db.session.get(Setting, POLICY_KEY)
    if row is None:
        db.session.add(Setting(key=POLICY_KEY, value=value))
    else:
        row.value = value
    audit(
        actor=actor,
        action="settings.two_factor",
        obj=actor,
        changes={POLICY_KEY: [old, value]},
    )
    return value


# -- remembered devices ---------------------------------------------------------------


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_DEVICE_SALT)


def _device_binding(user: User) -> str:
    """Changes when the password or the second factor changes."""
    enabled = user.totp_enabled_at.isoformat() if user.totp_enabled_at else ""
    material = f"{user.id}|{user.password_hash}|{user.totp_secret or ''}|{enabled}"
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def remember_device(response: Response, user: User) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        _device_serializer().dumps({"u": user.id, "b": _device_binding(user)}),
        max_age=DEVICE_MAX_AGE,
        path="/login",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )


def is_remembered_device(user: User) -> bool:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return False
    try:
        data = _device_serializer().loads(raw, max_age=DEVICE_MAX_AGE)
    except BadSignature:
        return False
    return (
        isinstance(data, dict)
        and data.get("u") == user.id
        and hmac.compare_digest(str(data.get("b", "")), _device_binding(user))
    )
