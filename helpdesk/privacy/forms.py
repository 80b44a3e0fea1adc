"""The privacy page's forms (shape only; the rules live in erase.py and legal_hold.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from helpdesk.forms import BaseForm


class LegalHoldForm(BaseForm):
    legal_hold = BooleanField(
        _l("Legal hold"),
        description=_l("While set, this customer's data cannot be erased."),
    )
    submit = SubmitField(_l("Save legal hold"))


class ExportForm(BaseForm):
    submit = SubmitField(_l("Download export"))


class EraseForm(BaseForm):
    confirmation = StringField(
        _l("Confirmation"),
        validators=[
            DataRequired(message=_l("Type the customer's email address, or ERASE, to confirm.")),
            Length(max=254),
        ],
        description=_l("Type the customer's email address, or ERASE."),
    )
    submit = SubmitField(_l("Erase personal data"))
