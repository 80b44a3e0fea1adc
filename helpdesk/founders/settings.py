"""Founder settings, stored as one `Setting` row ("founders"): when a customer counts as
high-value, what counts as repeat contact, and how soon a founder should look at an item."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.db.transaction import use_case
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.models import User
from helpdesk.models.customer import MAX_LIFETIME_VALUE_CENTS
from helpdesk.settings.service import setting_get, setting_put

SETTING_KEY = "founders"
REPEAT_COUNT_RANGE = (2, 50)
REPEAT_DAYS_RANGE = (1, 365)
ATTENTION_HOURS_RANGE = (1, 24 * 30)


@dataclass(frozen=True)
class FounderSettings:
    # A complaint from a customer with at least this lifetime value (cents) is escalated.
    vip_lifetime_value_cents: int = 100_000
    # This many tickets (the new one included) from one customer within the window.
    repeat_contact_count: int = 3
    repeat_contact_days: int = 14
    # Items older than this are marked overdue in the queue.
    attention_target_hours: int = 24


def founder_settings() -> FounderSettings:
    stored = setting_get(SETTING_KEY, {})
    defaults = FounderSettings()
    values = {}
    for name, default in asdict(defaults).items():
        try:
            values[name] = int(stored.get(name, default))
        except (TypeError, ValueError):
            values[name] = default
    return FounderSettings(**values)


def _check_range(field: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise ValidationError(
            field, _("Use a number from %(low)d to %(high)d.", low=low, high=high)
        )


@use_case
def founder_settings_update(
    *,
    actor: User,
    vip_lifetime_value_cents: int,
    repeat_contact_count: int,
    repeat_contact_days: int,
    attention_target_hours: int,
) -> FounderSettings:
    """Change the founder settings (founders and admins); audited, one commit (a use case)."""
    if not actor.can("founder"):
        raise NotAllowed(_("Only a founder or an admin can change founder settings."))
    _check_range("vip_lifetime_value_cents", vip_lifetime_value_cents, 0, MAX_LIFETIME_VALUE_CENTS)
    _check_range("repeat_contact_count", repeat_contact_count, *REPEAT_COUNT_RANGE)
    _check_range("repeat_contact_days", repeat_contact_days, *REPEAT_DAYS_RANGE)
    _check_range("attention_target_hours", attention_target_hours, *ATTENTION_HOURS_RANGE)
    before = founder_settings()
    after = FounderSettings(
        vip_lifetime_value_cents=vip_lifetime_value_cents,
        repeat_contact_count=repeat_contact_count,
        repeat_contact_days=repeat_contact_days,
        attention_target_hours=attention_target_hours,
    )
    if after != before:
        setting_put(SETTING_KEY, asdict(after))
        old, new = asdict(before), asdict(after)
        audit(
            actor=actor,
            action="settings.founders",
            obj=actor,
            changes={name: [old[name], new[name]] for name in new if old[name] != new[name]},
        )
    return after
