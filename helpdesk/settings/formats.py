"""The workspace's number and date conventions, stored as one `Setting` row ("formats"):
the currency amounts are kept in (lifetime value), whether Thai and Bengali numbers use
their own digits, and whether Thai dates count years in the Buddhist era.

Defaults, and why: amounts in US dollars (what the product was first sold in; an admin
changes it once). Bengali digits on: Bangladeshi readers expect ০-৯ and CLDR makes them
Bengali's default numbering system. Thai digits off: Thai screens, receipts and forms use
0-9 almost everywhere (CLDR's Thai default is Latin digits too); ๐-๙ stays a choice for
formal or traditional workspaces. Buddhist-era years for Thai on: every Thai calendar,
form and letter writes 2567, not 2024.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

from babel import numbers
from flask import current_app, g
from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.db.transaction import use_case
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.locale_format import FormatOptions
from helpdesk.models import User
from helpdesk.settings.service import setting_get, setting_put

SETTING_KEY = "formats"
CACHE_KEY = "helpdesk.format_settings"
CACHE_SECONDS = 30
# Amounts are stored as integer hundredths, so only currencies with two minor digits fit.
MINOR_UNIT_DIGITS = 2


@dataclass(frozen=True)
class FormatSettings:
    currency: str = "USD"
    thai_digits: bool = False
    bengali_digits: bool = True
    buddhist_era: bool = True

    def options(self) -> FormatOptions:
        native = {
            code for code, on in (("th", self.thai_digits), ("bn", self.bengali_digits)) if on
        }
        return FormatOptions(native_digits=frozenset(native), buddhist_era=self.buddhist_era)


def currency_codes() -> list[str]:
    """ISO 4217 codes Babel knows whose minor unit is a hundredth, sorted."""
    return sorted(
        code
        for code in numbers.list_currencies()
        if numbers.get_currency_precision(code) == MINOR_UNIT_DIGITS
    )


def _from_stored(stored: Any) -> FormatSettings:
    defaults = FormatSettings()
    if not isinstance(stored, dict):
        return defaults
    currency = stored.get("currency")
    flags = {
        name: stored[name] if isinstance(stored.get(name), bool) else getattr(defaults, name)
        for name in ("thai_digits", "bengali_digits", "buddhist_era")
    }
    if not isinstance(currency, str) or currency not in numbers.list_currencies():
        currency = defaults.currency
    return FormatSettings(currency=currency, **flags)


def format_settings() -> FormatSettings:
    """The workspace's settings. Nearly every page formats something, so they are kept per
    process for `CACHE_SECONDS` (a change made in another process shows within that time;
    one made in this process at once) and per app context (a request, a job, an email)."""
    cached = g.get("_format_settings")
    if isinstance(cached, FormatSettings):
        return cached
    held = current_app.extensions.get(CACHE_KEY)
    if held is not None and held[0] > time.monotonic():
        settings: FormatSettings = held[1]
    else:
        settings = _from_stored(setting_get(SETTING_KEY, {}))
        _hold(settings)
    g._format_settings = settings
    return settings


def _hold(settings: FormatSettings) -> None:
    current_app.extensions[CACHE_KEY] = (time.monotonic() + CACHE_SECONDS, settings)


def format_settings_update(
    *,
    actor: User,
    currency: str,
    thai_digits: bool,
    bengali_digits: bool,
    buddhist_era: bool,
) -> FormatSettings:
    """Change the workspace's formats (admins): the use case `format_settings_store`, then,
    once it has committed, this process's caches show the new settings at once."""
    after = format_settings_store(
        actor=actor,
        currency=currency,
        thai_digits=thai_digits,
        bengali_digits=bengali_digits,
        buddhist_era=buddhist_era,
    )
    g._format_settings = after
    _hold(after)
    return after


@use_case
def format_settings_store(
    *,
    actor: User,
    currency: str,
    thai_digits: bool,
    bengali_digits: bool,
    buddhist_era: bool,
) -> FormatSettings:
    """Store the workspace's formats (admins); audited, one commit. The caches are
    `format_settings_update`'s to refresh, after the commit."""
    if not actor.can("admin"):
        raise NotAllowed(_("Only an admin can change number and date formats."))
    code = currency.strip().upper() if isinstance(currency, str) else ""
    if code not in currency_codes():
        raise ValidationError("currency", _("Choose a currency from the list."))
    before = format_settings()
    after = FormatSettings(
        currency=code,
        thai_digits=bool(thai_digits),
        bengali_digits=bool(bengali_digits),
        buddhist_era=bool(buddhist_era),
    )
    if after != before:
        setting_put(SETTING_KEY, asdict(after))
        old, new = asdict(before), asdict(after)
        audit(
            actor=actor,
            action="settings.formats",
            obj=actor,
            changes={key: [old[key], new[key]] for key in new if old[key] != new[key]},
        )
    return after
