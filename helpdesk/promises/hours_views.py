"""Admin settings page for business hours and holidays (the times promises respect)."""

from __future__ import annotations

from babel.dates import get_day_names
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from helpdesk.auth.access import require_role
from helpdesk.errors import ValidationError
from helpdesk.forms import show_domain_error
from helpdesk.promises.forms import HoursForm, ReminderForm, hours_form_data
from helpdesk.promises.service import reminder_lead, reminder_lead_update
from helpdesk.settings.hours import WEEKDAYS, business_hours, business_hours_update, known_zones
from helpdesk.web.current import staff

bp = Blueprint("hours", __name__, url_prefix="/settings/hours")
bp.before_request(require_role("admin"))


def _form(*, submitted: bool) -> HoursForm:
    if submitted:
        form = HoursForm()
    else:
        form = HoursForm(formdata=None, data=hours_form_data(business_hours()))
    form.timezone.choices = sorted(known_zones())
    return form


def _page(
    form: HoursForm, status: int = 200, reminders: ReminderForm | None = None
) -> tuple[str, int]:
    names = get_day_names("wide", locale=get_locale() or "en")
    days = [(day, names[day], form.day_forms()[day]) for day in WEEKDAYS]
    if reminders is None:
        minutes = int(reminder_lead().total_seconds() // 60)
        reminders = ReminderForm(formdata=None, data={"reminder_minutes": minutes})
    return render_template("promises/hours.html", form=form, days=days, reminders=reminders), status


def _show_error(form: HoursForm, error: ValidationError) -> None:
    """A weekday's error goes next to its closing time; others as the form shows them."""
    if error.field and error.field.startswith("day_") and error.field in form:
        closes = form[error.field].form.closes
        closes.errors = [*closes.errors, error.message]
    else:
        show_domain_error(form, error)


@bp.get("")
def hours_page() -> tuple[str, int]:
    return _page(_form(submitted=False))


@bp.post("")
def hours_save() -> Response | tuple[str, int]:
    form = _form(submitted=True)
    if form.validate_on_submit():
        try:
            business_hours_update(
                actor=staff(),
                timezone=form.timezone.data or "",
                days=form.days(),
                holidays=form.holiday_dates(),
            )
        except ValidationError as error:
            _show_error(form, error)
        else:
            flash(_("Business hours are saved."), "success")
            return redirect(url_for("hours.hours_page"))
    return _page(form, status=422)


@bp.post("/reminders")
def reminders_save() -> Response | tuple[str, int]:
    reminders = ReminderForm()
    if reminders.validate_on_submit():
        try:
            reminder_lead_update(
                actor=staff(),
                minutes=reminders.reminder_minutes.data or 0,
            )
        except ValidationError as error:
            show_domain_error(reminders, error)
        else:
            flash(_("Promise reminders are saved."), "success")
            return redirect(url_for("hours.hours_page"))
    return _page(_form(submitted=False), status=422, reminders=reminders)
