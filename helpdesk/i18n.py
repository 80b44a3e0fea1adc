"""Locale and time-zone selection for Flask-Babel: a customer-facing page's chosen language
(`use_language`: the customer's own, or what they picked in the widget or on their page),
else the staff member's own setting, else the browser's preference, else English; times are
shown in the viewer's zone."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask import current_app, g, has_request_context, request
from flask_babel import get_locale, refresh
from flask_login import current_user

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
