"""Forms on the customer's conversation page: write again, rate the help."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from helpdesk.feedback.service import MAX_COMMENT_CHARS
from helpdesk.forms import BaseForm
from helpdesk.tickets.service import MAX_BODY_CHARS


class CustomerReplyForm(BaseForm):
    message = TextAreaField(
        _l("Your message"),
        validators=[
            InputRequired(_l("Write a message first.")),
            Length(max=MAX_BODY_CHARS, message=_l("This message is too long.")),
        ],
    )


class RatingForm(BaseForm):
    # The three buttons post `rating`; the service checks the value.
    rating = StringField(_l("Rating"))
    comment = TextAreaField(
        _l("Anything you would like to add? (optional)"),
        validators=[Length(max=MAX_COMMENT_CHARS)],
    )
