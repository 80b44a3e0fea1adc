"""Staff forms about a customer (shape only; the rules live in customers.language)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from helpdesk.forms import BaseForm


class CustomerLanguageForm(BaseForm):
    # Empty clears it (answer in English, guess again from their next message).
    language = SelectField(_l("Customer's language"), validate_choice=False)
