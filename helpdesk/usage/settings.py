"""Usage settings, stored as one `Setting` row ("usage"): how long daily counts and event
ids are kept, and when a customer counts as slipping or dormant."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.db.transaction import use_case
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.models import User
from helpdesk.settings.service import setting_get, setting_put

SETTING_KEY = "usage"
# An event name: lower-case letters, digits, `_ . : -`, starting with a letter.
NAME_PATTERN = r"^[a-z][a-z0-9_.:-]*$"
MAX_NAME_CHARS = 60
# The baseline reads nine weeks of daily counts (this week and the eight before).
DAILY_RETENTION_RANGE = (63, 3650)
EVENT_ID_RETENTION_RANGE = (1, 365)
RATIO_RANGE = (1, 99)
DAYS_RANGE = (1, 365)


@dataclass(frozen=True)
class UsageSettings:
    # Daily counts older than this are deleted; events older than this are refused.
    daily_retention_days: int = 400
    # An event id is remembered this long: the same id sent again within it counts once.
    event_id_retention_days: int = 30
    # Slipping: the last 7 days below this share of their usual week.
    slipping_ratio_percent: int = 50
    # Slipping too: this event (blank: none) not seen for `key_event_days`.
    key_event: str = ""
    key_event_days: int = 14
    # Dormant: events only in their first week, then none for this many days.
    dormant_days: int = 14


def usage_settings() -> UsageSettings:
    stored = setting_get(SETTING_KEY, {})
    defaults = asdict(UsageSettings())
    values: dict[str, int | str] = {}
    for name, default in defaults.items():
        value = stored.get(name, default)
        if isinstance(default, int):
            try:
                value = int(value)
            except (TypeError, ValueError):
                value = default
        elif not isinstance(value, str):
            value = default
        values[name] = value
    return UsageSettings(**values)  # type: ignore[arg-type]


def _check_range(field: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise ValidationError(
            field, _("Use a number from %(low)d to %(high)d.", low=low, high=high)
        )


def check_event_name(name: str, field: str = "name") -> str:
    """`name` if it is an event name (see NAME_PATTERN), else a ValidationError."""
    if len(name) > MAX_NAME_CHARS or not re.fullmatch(NAME_PATTERN, name):
        raise ValidationError(
            field,
            _(
                "Use up to %(count)d lower-case letters, digits, _ . : or -, starting with "
                "a letter (for example logged_in).",
                count=MAX_NAME_CHARS,
            ),
        )
    return name


@use_case
def usage_settings_update(*, actor: User, settings: UsageSettings) -> UsageSettings:
    """Change the usage settings (admins); audited, one commit."""
    if not actor.can("admin"):
        raise NotAllowed(_("Only an admin can change the usage settings."))
    _check_range("daily_retention_days", settings.daily_retention_days, *DAILY_RETENTION_RANGE)
    _check_range(
        "event_id_retention_days", settings.event_id_retention_days, *EVENT_ID_RETENTION_RANGE
    )
    _check_range("slipping_ratio_percent", settings.slipping_ratio_percent, *RATIO_RANGE)
    _check_range("key_event_days", settings.key_event_days, *DAYS_RANGE)
    _check_range("dormant_days", settings.dormant_days, *DAYS_RANGE)
    key_event = settings.key_event.strip()
    if key_event:
        check_event_name(key_event, "key_event")
    after = UsageSettings(**{**asdict(settings), "key_event": key_event})
    before = usage_settings()
    if after != before:
        setting_put(SETTING_KEY, asdict(after))
        old, new = asdict(before), asdict(after)
        audit(
            actor=actor,
            action="settings.usage",
            obj=actor,
            changes={key: [old[key], new[key]] for key in new if old[key] != new[key]},
        )
    return after
