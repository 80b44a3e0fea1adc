"""Business-hours form (shape only: times parse, dates parse; the rules live in
settings.hours)."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.validators import ValidationError as FieldError

from helpdesk.forms import BaseForm
from helpdesk.settings.hours import WEEKDAYS, BusinessHours

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class DayForm(Form):
    """One weekday's row; a plain Form, since the page's form carries the CSRF token."""

    open = BooleanField(_l("Open"))
    opens = TimeField(_l("Opens"), validators=[Optional()])
    closes = TimeField(_l("Closes"), validators=[Optional()])

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.open.data:
            for field in (self.opens, self.closes):
                if field.data is None and not field.errors:
                    field.errors = [_l("Give a time like 09:00.")]
                    valid = False
        return valid

    def span(self) -> tuple[time, time] | None:
        if not self.open.data or self.opens.data is None or self.closes.data is None:
            return None
        return (self.opens.data, self.closes.data)


class HoursForm(BaseForm):
    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            # A FormField refuses filters; its day rows hold no text to strip anyway.
            if unbound_field.field_class is FormField:
                return unbound_field.bind(form=form, **options)
            return super().bind_field(form, unbound_field, options)  # type: ignore[misc]

    timezone = SelectField(
        _l("Time zone"),
        validate_choice=False,  # the service names an unknown zone
        description=_l("Opening hours and holidays are in this zone's local time."),
    )
    day_0 = FormField(DayForm)
    day_1 = FormField(DayForm)
    day_2 = FormField(DayForm)
    day_3 = FormField(DayForm)
    day_4 = FormField(DayForm)
    day_5 = FormField(DayForm)
    day_6 = FormField(DayForm)
    holidays = TextAreaField(
        _l("Holidays"),
        validators=[Length(max=20_000)],
        description=_l("One date per line, like 2026-12-25. Promises skip these days."),
        render_kw={"rows": 8},
    )
    submit = SubmitField(_l("Save business hours"))

    def validate_holidays(self, field: TextAreaField) -> None:
        for number, line in enumerate((field.data or "").splitlines(), start=1):
            if line.strip() and _parse_date(line.strip()) is None:
                raise FieldError(
                    _l("Line %(number)d is not a date like 2026-12-25.", number=number)
                )

    def day_forms(self) -> list[DayForm]:
        return [self[f"day_{day}"].form for day in WEEKDAYS]

    def days(self) -> dict[int, tuple[time, time] | None]:
        return {day: form.span() for day, form in zip(WEEKDAYS, self.day_forms(), strict=True)}

    def holiday_dates(self) -> list[date]:
        lines = (line.strip() for line in (self.holidays.data or "").splitlines())
        return [parsed for line in lines if line and (parsed := _parse_date(line))]


def hours_form_data(hours: BusinessHours) -> dict[str, Any]:
    """The form's initial values for the saved business hours."""
    data: dict[str, Any] = {
        "timezone": hours.timezone,
        "holidays": "\n".join(sorted(holiday.isoformat() for holiday in hours.holidays)),
    }
    for day in WEEKDAYS:
        span = hours.days.get(day)
        data[f"day_{day}"] = {
            "open": span is not None,
            "opens": span[0] if span else time(9),
            "closes": span[1] if span else time(17),
        }
    return data


def _parse_date(text: str) -> date | None:
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


class ReminderForm(BaseForm):
    reminder_minutes = IntegerField(
        _l("Remind the agent this many minutes before a promise is due"),
        validators=[InputRequired(), NumberRange(min=1, max=24 * 60)],
        description=_l("Or a quarter of the promised time, if that is shorter."),
    )
