"""Admin page for the workspace's number and date formats: currency, native digits for
Thai and Bengali, Buddhist-era years for Thai (`helpdesk.settings.formats`)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

from babel.numbers import get_currency_name
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from helpdesk import locale_format
from helpdesk.auth.access import require_role
from helpdesk.errors import ValidationError
from helpdesk.forms import show_domain_error
from helpdesk.settings.formats import (
    FormatSettings,
    currency_codes,
    format_settings,
    format_settings_update,
)
from helpdesk.settings.forms import FormatsForm
from helpdesk.web.current import staff

bp = Blueprint("formats", __name__, url_prefix="/settings/formats")
bp.before_request(require_role("admin"))

# What the examples on the page format.
SAMPLE_MOMENT = datetime(2024, 11, 5, 14, 30, tzinfo=UTC)
SAMPLE_CENTS = 123_456_789


def _currency_choices() -> list[SelectChoice]:
    locale = get_locale() or "en"
    return [
        SelectChoice(code, f"{code} — {get_currency_name(code, locale=locale)}")
        for code in currency_codes()
    ]


def _examples(settings: FormatSettings) -> list[tuple[str, str, str]]:
    """(language code, date and time, amount) as Thai and Bengali readers would see them."""
    options = settings.options()
    return [
        (
            code,
            locale_format.format_datetime(
                SAMPLE_MOMENT, "medium", locale=code, options=options, tz=UTC
            ),
            locale_format.format_money(
                SAMPLE_CENTS, settings.currency, locale=code, options=options
            ),
        )
        for code in ("th", "bn")
    ]


def _page(form: FormatsForm, status: int = 200) -> tuple[str, int]:
    form.currency.choices = _currency_choices()
    return render_template(
        "settings/formats.html", form=form, examples=_examples(format_settings())
    ), status


@bp.get("")
def formats_page() -> tuple[str, int]:
    return _page(FormatsForm(formdata=None, data=asdict(format_settings())))


@bp.post("")
def formats_save() -> Response | tuple[str, int]:
    form = FormatsForm()
    if form.validate_on_submit():
        try:
            format_settings_update(
                actor=staff(),
                currency=form.currency.data or "",
                thai_digits=bool(form.thai_digits.data),
                bengali_digits=bool(form.bengali_digits.data),
                buddhist_era=bool(form.buddhist_era.data),
            )
        except ValidationError as error:
            show_domain_error(form, error)
        else:
            flash(_("Formats are saved."), "success")
            return redirect(url_for("formats.formats_page"), code=303)
    return _page(form, status=422)
