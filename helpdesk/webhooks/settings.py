"""The workspace's webhook setting: whether targets on private and local addresses are
allowed (off by default; local development and tests turn it on)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.db.transaction import use_case
from helpdesk.errors import NotAllowed
from helpdesk.models import User
from helpdesk.settings.service import setting_get, setting_put

_SETTINGS_KEY = "webhooks"


@dataclass(frozen=True)
class WebhookSettings:
    allow_private: bool = False


def webhook_settings() -> WebhookSettings:
    stored = setting_get(_SETTINGS_KEY, {})
    return WebhookSettings(allow_private=bool(stored.get("allow_private", False)))


@use_case
def webhook_settings_update(*, actor: User, allow_private: bool) -> WebhookSettings:
    """Allow or refuse webhook targets on private and local addresses (audited)."""
    if not actor.can("admin"):
        raise NotAllowed(_("Only an admin can change webhook settings."))
    before = webhook_settings()
    after = WebhookSettings(allow_private=allow_private)
    if after != before:
        setting_put(_SETTINGS_KEY, {"allow_private": allow_private})
        audit(
            actor=actor,
            action="settings.webhooks",
            obj=actor,
            changes={"allow_private": [before.allow_private, allow_private]},
        )
    return after
