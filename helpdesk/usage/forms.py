"""Usage forms (shape only; the rules live in `usage.settings`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired

from helpdesk.forms import BaseForm


class UsageSettingsForm(BaseForm):
    daily_retention_days = IntegerField(
        _l("Keep daily usage counts for (days)"),
        validators=[InputRequired()],
        description=_l("At least 63: the usual week is read from the last nine weeks."),
    )
    event_id_retention_days = IntegerField(
        _l("Remember event ids for (days)"),
        validators=[InputRequired()],
        description=_l("An event sent again within this time is counted once."),
    )
    slipping_ratio_percent = IntegerField(
        _l("Slipping below this share of their usual week (%)"),
        validators=[InputRequired()],
    )
    key_event = StringField(
        _l("Key event"),
        description=_l("Optional, e.g. order_placed: not seen for the days below means slipping."),
    )
    key_event_days = IntegerField(_l("Key event not seen for (days)"), validators=[InputRequired()])
    dormant_days = IntegerField(
        _l("Dormant after their first week with no events for (days)"),
        validators=[InputRequired()],
    )
