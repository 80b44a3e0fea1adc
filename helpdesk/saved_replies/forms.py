"""The saved reply form (shape only: lengths, languages, placeholders and the macro are
the service's rules, so every door gets the same messages)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from helpdesk.forms import BaseForm


class SavedReplyForm(BaseForm):
    title = StringField(_l("Title"), validators=[Length(max=1000)])
    body = TextAreaField(
        lazy_pgettext("saved reply text", "Reply"),
        validators=[Length(max=50_000)],  # the service explains its own, lower limit
        description=_l(
            "Placeholders, filled in for each ticket: {customer_first_name}, "
            "{customer_name}, {agent_name}, {agent_first_name}, {ticket_number}, "
            "{promise_time}, {product}, {issue_summary}. Write {{ or }} for a brace."
        ),
    )
    language = SelectField(_l("Language"), validate_choice=False)
    scope = RadioField(_l("Who uses it"), validate_choice=False, default="personal")
    keywords = StringField(
        _l("Keywords (optional)"),
        validators=[Length(max=1000)],
        description=_l("Words the composer's picker also finds it by, such as “refund”."),
    )
    active = BooleanField(_l("Offer it in the composer's picker"), default=True)
    set_status = SelectField(_l("Also set status"), validate_choice=False)
    set_priority = SelectField(_l("Also set priority"), validate_choice=False)
    add_tags = StringField(
        _l("Also add tags"),
        validators=[Length(max=1000)],
        description=_l("Separate tags with commas."),
    )


class DeleteForm(BaseForm):
    pass
