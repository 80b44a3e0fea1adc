"""Widget settings (launcher look, greeting, allowed sites) and the identity secret.

Stored as workspace settings; the secret that signs customer identities defaults to one
derived from SECRET_KEY (so there is always one, with nothing written on a read) until an
admin rotates it, which stores a fresh random secret and invalidates every old hash.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.db.transaction import use_case
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.models import User
from helpdesk.settings.service import setting_get, setting_put

POSITIONS = ("bottom-right", "bottom-left")
MAX_LABEL_CHARS = 40
MAX_GREETING_CHARS = 300
MAX_ORIGINS = 20
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_SETTINGS_KEY = "widget"
# A settings key, not a secret.
_SECRET_SETTING = "widget_secret"  # noqa: S105  # nosec B105


@dataclass(frozen=True)
class WidgetSettings:
    colour: str = "#1f6feb"
    position: str = "bottom-right"
    label: str = ""  # empty: the translated default ("Help")
    greeting: str = ""  # empty: the translated default greeting
    allowed_origins: tuple[str, ...] = field(default_factory=tuple)


def widget_settings() -> WidgetSettings:
    stored = setting_get(_SETTINGS_KEY, {})
    defaults = WidgetSettings()
    return WidgetSettings(
        colour=stored.get("colour", defaults.colour),
        position=stored.get("position", defaults.position),
        label=stored.get("label", defaults.label),
        greeting=stored.get("greeting", defaults.greeting),
        allowed_origins=tuple(stored.get("allowed_origins", ())),
    )


def normalise_origin(raw: str) -> str:
    """`https://shop.example.com` from what an admin typed (a trailing slash or path is
    dropped); ValidationError for anything that is not an http(s) origin."""
    text = raw.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(
            "allowed_origins",
            _(
                "“%(site)s” is not a site address: write it like https://shop.example.com.",
                site=text[:80],
            ),
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValidationError(
            "allowed_origins",
            _(
                "“%(site)s” should be just the site address, like https://shop.example.com.",
                site=text[:80],
            ),
        )
    if parts.path not in ("", "/"):
        raise ValidationError(
            "allowed_origins",
            _(
                "“%(site)s” has a path; the widget is allowed per site, like "
                "https://shop.example.com.",
                site=text[:80],
            ),
        )
    try:
        port = parts.port
    except ValueError as exc:
        raise ValidationError(
            "allowed_origins", _("“%(site)s” has an invalid port.", site=text[:80])
        ) from exc
    host = (
        parts.hostname.encode("idna").decode("ascii")
        if not parts.hostname.isascii()
        else (parts.hostname)
    )
    default_port = {"http": 80, "https": 443}[parts.scheme]
    suffix = f":{port}" if port and port != default_port else ""
    return f"{parts.scheme}://{host.lower()}{suffix}"


@use_case
def widget_settings_update(
    *,
    actor: User,
    colour: str,
    position: str,
    label: str,
    greeting: str,
    allowed_origins: list[str],
) -> WidgetSettings:
    """Validate and store the widget's look and the sites allowed to embed it."""
    if not actor.can("admin"):
        raise NotAllowed(_("Only an admin can change the widget."))
    colour = colour.strip()
    if not _COLOUR.fullmatch(colour):
        raise ValidationError("colour", _("Use a colour like #1f6feb."))
    if position not in POSITIONS:
        raise ValidationError("position", _("Choose a position from the list."))
    label = " ".join(label.split())
    if len(label) > MAX_LABEL_CHARS:
        raise ValidationError(
            "label", _("Use at most %(count)d characters.", count=MAX_LABEL_CHARS)
        )
    greeting = greeting.strip()
    if len(greeting) > MAX_GREETING_CHARS:
        raise ValidationError(
            "greeting", _("Use at most %(count)d characters.", count=MAX_GREETING_CHARS)
        )
    origins: list[str] = []
    for raw in allowed_origins:
        if raw.strip():
            origin = normalise_origin(raw)
            if origin not in origins:
                origins.append(origin)
    if len(origins) > MAX_ORIGINS:
        raise ValidationError(
            "allowed_origins", _("List at most %(count)d sites.", count=MAX_ORIGINS)
        )
    before = widget_settings()
    after = WidgetSettings(
        colour=colour.lower(),
        position=position,
        label=label,
        greeting=greeting,
        allowed_origins=tuple(origins),
    )
    if after != before:
        stored = asdict(after)
        stored["allowed_origins"] = list(after.allowed_origins)
        setting_put(_SETTINGS_KEY, stored)
        changed = {
            name: [getattr(before, name), getattr(after, name)]
            for name in stored
            if getattr(before, name) != getattr(after, name)
        }
        audit(actor=actor, action="settings.widget", obj=actor, changes=changed)
    return after


def widget_secret() -> str:
    """The secret host sites sign customer identities with (HMAC-SHA256 of the email)."""
    stored = setting_get(_SECRET_SETTING, None)
    if stored:
        return str(stored)
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"helpdesk widget identity v1", hashlib.sha256).hexdigest()


@use_case
def widget_secret_rotate(*, actor: User) -> str:
    """Replace the identity secret: every hash signed with the old one stops verifying."""
    if not actor.can("admin"):
        raise NotAllowed(_("Only an admin can rotate the widget secret."))
    secret = secrets.token_hex(32)
    setting_put(_SECRET_SETTING, secret)
    audit(actor=actor, action="settings.widget_secret_rotated", obj=actor)
    return secret


def identity_hash(email: str) -> str:
    """What the host site puts in `data-user-hash`: HMAC-SHA256 of the email, hex."""
    return hmac.new(widget_secret().encode(), email.encode(), hashlib.sha256).hexdigest()


def identity_verified(email: str, signature: str) -> bool:
    """True only when `signature` is the identity hash of exactly `email` (constant time)."""
    signature = (signature or "").strip().lower()
    if not email or len(signature) != 64 or not signature.isascii():
        return False
    return hmac.compare_digest(identity_hash(email).encode(), signature.encode())
