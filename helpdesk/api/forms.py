"""The form that makes an API token (shape only: the rules live in helpdesk.auth.api_tokens)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from helpdesk.forms import BaseForm

LIFETIMES = {"never": None, "30": 30, "90": 90, "365": 365}


def scope_choices() -> list[SelectChoice]:
    return [
        SelectChoice("read", str(_l("Read only"))),
        SelectChoice("read-write", str(_l("Read and write"))),
    ]


def lifetime_choices() -> list[SelectChoice]:
    return [
        SelectChoice("90", str(_l("In 90 days"))),
        SelectChoice("30", str(_l("In 30 days"))),
        SelectChoice("365", str(_l("In a year"))),
        SelectChoice("never", str(_l("Never"))),
    ]


class TokenForm(BaseForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("What will use it, e.g. “Billing alerts”."),
    )
    scope = SelectField(_l("Access"), default="read")
    expires = SelectField(_l("Expires"), default="90")
    submit = SubmitField(_l("Create token"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.scope.choices = scope_choices()
        self.expires.choices = lifetime_choices()

    def expires_at(self, moment: datetime) -> datetime | None:
        days = LIFETIMES.get(self.expires.data or "never")
        return None if days is None else moment + timedelta(days=days)


class RevokeForm(BaseForm):
    submit = SubmitField(_l("Revoke"))
