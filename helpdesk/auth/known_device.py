"""The known-device cookie: proof that this browser has logged in to an account before.

After a successful login the browser gets a signed cookie naming the account (by a hash
of its email). Failed logins from anywhere can exhaust an account's overall limit, but a
browser holding the cookie for that account is exempt from that limit, so an attacker
guessing passwords from many addresses cannot lock the owner out of their usual device
(OWASP's "device cookies"). The per-address and per-account-and-address limits still
apply to everyone.
"""

from __future__ import annotations

import hashlib

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

COOKIE = "hd_device"
MAX_AGE = 365 * 24 * 3600
_SALT = "helpdesk.known-device"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _account(email: str) -> str:
    return hashlib.sha256(email.encode("utf-8")).hexdigest()


def remember_device(response: Response, email: str) -> None:
    """Mark this browser as one that logged in to `email` (a normalised address)."""
    response.set_cookie(
        COOKIE,
        _serializer().dumps(_account(email)),
        max_age=MAX_AGE,
        path="/login",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )


def is_known_device(email: str) -> bool:
    """Whether this request carries a valid, unexpired cookie for `email`."""
    raw = request.cookies.get(COOKIE)
    if not raw or not email:
        return False
    try:
        account = _serializer().loads(raw, max_age=MAX_AGE)
    except BadSignature:
        return False
    return account == _account(email)
