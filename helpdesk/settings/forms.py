"""Team management forms (shape only; the rules live in auth.service)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from helpdesk.forms import BaseForm


def role_choices() -> list[tuple[str, str]]:
    return [
        ("agent", str(_l("Agent"))),
        ("founder", str(_l("Founder"))),
        ("admin", str(_l("Admin"))),
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
