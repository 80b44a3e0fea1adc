"""Forms of snoozing, merging and spam (shape only: times, numbers and rules are checked by
`snooze`, `merge` and `spam`, whose errors land on these fields)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import HiddenField, IntegerField, RadioField, SelectChoice, StringField
from wtforms.validators import Length, NumberRange, Optional

from helpdesk.forms import MAX_ID, BaseForm


class SnoozeForm(BaseForm):
    pick = StringField(validators=[Length(max=20)])  # a quick pick's button
    until = StringField(
        _l("Until"),
        validators=[Length(max=40)],
        description=_l("A date and time in your time zone."),
    )


class ConfirmForm(BaseForm):
    """A button that only needs the CSRF token (unsnooze, not spam, unblock)."""


class MergeForm(BaseForm):
    target = StringField(
        _l("Merge into ticket"),
        validators=[Length(max=20)],
        description=_l("One of this customer's other tickets, or its number."),
    )
    # What the page showed of this ticket (a newer message or status refuses the merge).
    last_message_id = IntegerField(validators=[Optional(), NumberRange(min=0, max=MAX_ID)])
    seen_status = HiddenField(validators=[Length(max=20)])


class SpamForm(BaseForm):
    block = RadioField(
        _l("Also block"),
        choices=[
            SelectChoice("", lazy_pgettext("block sender", "Nobody")),
            SelectChoice("sender", _l("This address")),
            SelectChoice("domain", _l("The whole domain")),
        ],
        default="",
        validate_choice=False,  # the service names a forged choice
    )
