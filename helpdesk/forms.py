"""The base form every form derives from: strips NUL and other control characters from
text input, so SQLite and PostgreSQL (which refuses NUL) store the same thing."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from babel import support
from flask import current_app
from flask_wtf import FlaskForm
from wtforms.csrf.core import CSRFTokenField
from wtforms.i18n import messages_path

from helpdesk import field_html
from helpdesk.errors import DomainError, ValidationError
from helpdesk.i18n import locale_in_use

# C0 controls except tab, newline and carriage return; DEL; C1 controls. Written so that
# Python and ECMAScript (JSON Schema's `pattern`) read the class the same way.
CONTROL_CHARACTERS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")


def strip_control(value: Any) -> Any:
    """Remove control characters from a string (other values pass through)."""
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    return value


@lru_cache(maxsize=16)
def _wtforms_translations(locale: str) -> support.NullTranslations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            filters = list(unbound_field.kwargs.get("filters", ()))
            filters.insert(0, strip_control)
            options["filters"] = filters
            return unbound_field.bind(form=form, **options)

        def get_translations(self, form: Any) -> Any:
            """WTForms' own messages in the locale in use when the form is made, read once
            a process per locale (Flask-WTF reads the catalogue again in every request that
            builds a form)."""
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)  # type: ignore[misc]  # the next Meta
            return _wtforms_translations(str(locale_in_use() or "en"))

        def render_field(self, field: Any, render_kw: dict[str, Any]) -> Any:
            """The CSRF token's input written directly (`field_html.csrf_input`); every
            other field as WTForms renders it."""
            if not render_kw and field.render_kw is None and isinstance(field, CSRFTokenField):
                return field_html.csrf_input(field)
            return super().render_field(field, render_kw)  # type: ignore[misc]  # the next Meta


def show_domain_error(form: FlaskForm, error: ValidationError | DomainError) -> None:
    """Put a service's error next to the field it names (or at the top of the form)."""
    field = getattr(error, "field", None)
    if field and field in form:
        form[field].errors = [*form[field].errors, error.message]
    else:
        form.form_errors.append(error.message)


MAX_ID = 2_147_483_647  # ids are 32-bit integers on PostgreSQL


def parse_id(value: object) -> int | None:
    """An id typed or forged into a form or URL: ASCII digits within range, else None
    (so "²", "-1", "1e9" or a 30-digit number never reach the database)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > 10 or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if number <= MAX_ID else None
