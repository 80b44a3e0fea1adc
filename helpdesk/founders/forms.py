"""Founder forms (shape only; the rules live in founders.service and founders.settings)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired

from helpdesk.forms import BaseForm
from helpdesk.founders.labels import OUTCOME_LABELS
from helpdesk.founders.service import OUTCOMES


class EmptyForm(BaseForm):
    """Only the CSRF token (claim)."""


class NoteForm(BaseForm):
    note = TextAreaField(_l("Note"))


class EscalateForm(BaseForm):
    note = TextAreaField(
        _l("Why should a founder look at this?"),
        description=_l("The founders see this note in their queue."),
    )


class FounderReplyForm(BaseForm):
    body = TextAreaField(_l("Your reply to the customer"))


def outcome_choices() -> list[SelectChoice]:
    return [SelectChoice("", str(_l("Choose…")))] + [
        SelectChoice(outcome, str(OUTCOME_LABELS[outcome])) for outcome in OUTCOMES
    ]


class ResolveForm(BaseForm):
    # Any value reaches the service, which refuses one not in the list as a field error.
    outcome = SelectField(_l("Outcome"), validate_choice=False, choices=outcome_choices)
    note = TextAreaField(_l("What was done"))


class FounderSettingsForm(BaseForm):
    vip_lifetime_value = IntegerField(
        _l("High-value customer from a lifetime value of"),
        validators=[InputRequired()],
        description=_l("In whole currency units; their complaints go to the queue."),
    )
    repeat_contact_count = IntegerField(_l("Repeat contact: tickets"), validators=[InputRequired()])
    repeat_contact_days = IntegerField(_l("within days"), validators=[InputRequired()])
    attention_target_hours = IntegerField(
        _l("Founder attention target (hours)"),
        validators=[InputRequired()],
        description=_l("Items waiting longer are marked overdue."),
    )
