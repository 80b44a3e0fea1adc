"""Locale and time-zone selection for Flask-Babel: a customer-facing page's chosen language
(`use_language`: the customer's own, or what they picked in the widget or on their page),
else the staff member's own setting, else the browser's preference, else English; times are
shown in the viewer's zone."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import tzinfo
from types import SimpleNamespace
from typing import Any
from zoneinfo import available_timezones

from babel import Locale
from flask import current_app, g, has_request_context, request
from flask.globals import _cv_app
from flask_babel import get_locale, get_timezone, get_translations, refresh
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


def _babel_state() -> SimpleNamespace | None:
    """Flask-Babel's per-context state (`g._flask_babel`: the locale, the time zone, and
    `force_locale`'s override), read with one context-variable lookup. Flask-Babel's own
    accessors go through three context proxies per call, a dozen per translated string:
    about a fifth of the inbox's CPU before these shortcuts (issue 25); `g` itself is such
    a proxy, so the app context is read from Flask's context variable. The names are
    Flask's and Flask-Babel's (pinned); `tests/unit/test_i18n_state.py` checks they still
    agree."""
    context = _cv_app.get(None)
    return context.g.__dict__.get("_flask_babel") if context is not None else None


def locale_in_use() -> Locale | None:
    """`flask_babel.get_locale()`, cheaper once the locale was chosen in this context."""
    locale = getattr(_babel_state(), "babel_locale", None)
    return locale if locale is not None else get_locale()


def timezone_in_use() -> tzinfo | None:
    """`flask_babel.get_timezone()`, cheaper once the zone was chosen in this context."""
    zone = getattr(_babel_state(), "babel_tzinfo", None)
    return zone if zone is not None else get_timezone()


def translations_in_use() -> Any:
    """`flask_babel.get_translations()` for the locale in use, kept beside that locale so
    `force_locale` (an email in the recipient's language) and `refresh` change it."""
    state = _babel_state()
    locale = getattr(state, "babel_locale", None)
    kept = getattr(state, "helpdesk_translations", None)
    if kept is not None and locale is not None and kept[0] is locale:
        return kept[1]
    translations = get_translations()
    state = _babel_state()
    if state is not None:
        state.helpdesk_translations = (getattr(state, "babel_locale", None), translations)
    return translations


def gettext(string: str, **variables: Any) -> str:
    """`flask_babel.gettext` through `translations_in_use` (for code run once per row)."""
    text: str = translations_in_use().ugettext(string)
    return text % variables if variables else text


class LabelsInUse(Mapping[str, str]):
    """Label texts by key (lazy strings), in the locale in use: each language's texts are
    made once per process, so a list that looks a label up for each of 50 rows reads a
    string instead of translating it again (a lazy string goes through Flask-Babel's
    three context proxies each time it is shown)."""

    def __init__(self, labels: Mapping[str, Any]):
        self._labels = labels
        self._by_language: dict[str, dict[str, str]] = {}

    def texts(self) -> dict[str, str]:
        """Every label in the locale in use."""
        language = str(locale_in_use())
        texts = self._by_language.get(language)
        if texts is None:
            texts = self._by_language[language] = {
                key: str(label) for key, label in self._labels.items()
            }
        return texts

    def __getitem__(self, key: str) -> str:
        return self.texts()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)


def current_locale() -> str:
    """The language tag of the locale in use (for `<html lang>`)."""
    locale = get_locale()
    return str(locale).replace("_", "-") if locale else "en"
