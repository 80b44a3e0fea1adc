"""The trends dashboard's date-range form: a GET form (no CSRF: it changes nothing); the
dates' rules (format, order, at most five years) live in `helpdesk.founders.trends`."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.widgets import DateInput

from helpdesk.forms import BaseForm


class TrendRangeForm(BaseForm):
    class Meta:
        csrf = False

    start = StringField(_l("From"), widget=DateInput())
    end = StringField(_l("To (included)"), widget=DateInput())
