"""Team management forms (shape only; the rules live in auth.service)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from helpdesk.forms import BaseForm


def role_choices() -> list[SelectChoice]:
    return [
        SelectChoice("agent", str(_l("Agent"))),
        SelectChoice("founder", str(_l("Founder"))),
        SelectChoice("admin", str(_l("Admin"))),
    ]


class NewUserForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), validate_choice=False)
    password = PasswordField(
        _l("First password"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("At least 10 characters. Share it privately; they can change it."),
    )
    submit = SubmitField(_l("Add to team"))


class RoleForm(BaseForm):
    role = SelectField(_l("Role"), validate_choice=False)
    submit = SubmitField(_l("Change role"))


class ActiveForm(BaseForm):
    submit = SubmitField()


class AssignmentForm(BaseForm):
    auto_assign = BooleanField(_l("Assign new tickets automatically, taking turns"))
    max_open_per_agent = IntegerField(
        _l("Open tickets per person before they are skipped"),
        default=0,
        validators=[InputRequired(), NumberRange(min=0, max=1000)],
        description=_l("0 means no limit."),
    )
    submit = SubmitField(_l("Save assignment"))


class FormatsForm(BaseForm):
    currency = SelectField(
        _l("Currency of amounts"),
        validate_choice=False,
        description=_l("Customers' lifetime value is shown in this currency."),
    )
    thai_digits = BooleanField(_l("Thai digits (๐๑๒๓) in Thai numbers and dates"))
    bengali_digits = BooleanField(_l("Bengali digits (০১২৩) in Bengali numbers and dates"))
    buddhist_era = BooleanField(_l("Buddhist era years in Thai dates (2567, not 2024)"))
    submit = SubmitField(_l("Save formats"))


class TwoFactorPolicyForm(BaseForm):
    required = RadioField(
        _l("Require two-factor sign-in"),
        choices=[
            SelectChoice("off", _l("Of nobody (each person may turn it on)")),
            SelectChoice("admins", _l("Of admins and founders")),
            SelectChoice("everyone", _l("Of everyone")),
        ],
        validators=[InputRequired()],
        description=_l("People it applies to set it up at their next login."),
    )
    submit = SubmitField(_l("Save sign-in settings"))
