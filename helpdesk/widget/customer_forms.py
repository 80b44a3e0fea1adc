"""Forms on the customer's conversation page: write again, rate the help, pick a language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import MultipleFileField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from helpdesk.feedback.service import MAX_COMMENT_CHARS
from helpdesk.forms import BaseForm
from helpdesk.i18n import LANGUAGE_NAMES
from helpdesk.tickets.steps import MAX_BODY_CHARS


class CustomerReplyForm(BaseForm):
    message = TextAreaField(
        _l("Your message"),
        validators=[
            InputRequired(_l("Write a message first.")),
            Length(max=MAX_BODY_CHARS, message=_l("This message is too long.")),
        ],
    )
    # Read and checked by helpdesk/attachments/uploads.py (limits, types), not by WTForms.
    attachments = MultipleFileField(_l("Attach files"))


class RatingForm(BaseForm):
    # The three buttons post `rating`; the service checks the value.
    rating = StringField(_l("Rating"))
    comment = TextAreaField(
        _l("Anything you would like to add? (optional)"),
        validators=[Length(max=MAX_COMMENT_CHARS)],
    )


def language_choices() -> list[SelectChoice]:
    """Each language named in itself, marked with its `lang` so it is read out right."""
    return [
        SelectChoice(code, name, render_kw={"lang": code}) for code, name in LANGUAGE_NAMES.items()
    ]


class LanguageForm(BaseForm):
    # The service checks the value (the same rule as the widget's and the API's).
    language = SelectField(_l("Language"), validate_choice=False)
