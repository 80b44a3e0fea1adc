"""Locale and time-zone selection for Flask-Babel: a customer-facing page's chosen language
(`use_language`: the customer's own, or what they picked in the widget or on their page),
else the staff member's own setting, else the browser's preference, else English; times are
shown in the viewer's zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import dates
from flask import current_app, g, has_request_context, request
from flask_babel import get_locale, refresh
from flask_login import current_user

from helpdesk import format_filters
from helpdesk.clock import now

LANGUAGE_NAMES = {"en": "English", "th": "ไทย", "id": "Bahasa Indonesia", "bn": "বাংলা"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = g.get("customer_language")
    if chosen in languages:
        return str(chosen)
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def supported_language(code: str | None) -> str | None:
    """`code` if it is one of the app's languages (case-insensitive), else None."""
    cleaned = (code or "").strip().lower()
    return cleaned if cleaned in current_app.config["LANGUAGES"] else None


def use_language(code: str | None) -> None:
    """Show this customer-facing request in `code` (ignored unless supported)."""
    language = supported_language(code)
    if language is not None:
        g.customer_language = language
        refresh()  # forget a locale already picked earlier in the request


def select_timezone() -> str | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.timezone
    return None


def timezone_names() -> list[str]:
    """Every IANA zone name, sorted, for a time-zone picker."""
    return sorted(available_timezones())


def current_locale() -> str:
    """The language tag of the locale in use (for `<html lang>`)."""
    locale = get_locale()
    return str(locale).replace("_", "-") if locale else "en"


def age(moment: datetime) -> str:
    """How long ago `moment` was, in words for the viewer's locale ("3 days")."""
    return format_filters.timedeltaformat(now() - moment, threshold=1)


def local_time(zone: str) -> str:
    """The time now in `zone` (a customer's), formatted for the viewer's locale."""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ""
    return format_filters.localise(
        dates.format_time(now(), "short", tzinfo=tz, locale=get_locale())
    )


def due_in(moment: datetime) -> str:
    """How far away `moment` is, with its direction ("in 3 hours", "2 hours ago")."""
    return format_filters.timedeltaformat(moment - now(), add_direction=True)
