"""Ticket forms (shape only: values such as a status are checked by the service, so a forged
value gets the service's error naming the field)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from helpdesk.forms import MAX_ID, BaseForm
from helpdesk.tickets.steps import MAX_BODY_CHARS


class ReplyForm(BaseForm):
    kind = RadioField(
        _l("Write"),
        choices=[
            SelectChoice("reply", _l("Reply to customer")),
            SelectChoice("note", _l("Internal note")),
        ],
        default="reply",
        validators=[InputRequired()],
    )
    # No length validator: the service explains an over-long message with its length.
    body = TextAreaField(_l("Message"), description=_l("Markdown works: **bold**, lists, links."))
    then = StringField()  # which send button: "", "pending" or "resolved"
    # Read and checked by helpdesk/attachments/uploads.py (limits, types), not by WTForms.
    attachments = MultipleFileField(_l("Attach files"))
    last_message_id = IntegerField(validators=[InputRequired(), NumberRange(min=0, max=MAX_ID)])
    seen_status = HiddenField(validators=[InputRequired()])
    promise_due_at = HiddenField()  # ISO time from the promise picker, if a promise is made
    promise_text = HiddenField(validators=[Length(max=1000)])
    # The saved reply picked in the composer, and "1" while its actions are kept.
    saved_reply_id = IntegerField(validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
    saved_reply_actions = HiddenField()


class PreviewForm(BaseForm):
    body = TextAreaField(validators=[Length(max=MAX_BODY_CHARS * 2)])


class PropertiesForm(BaseForm):
    status = SelectField(_l("Status"), validate_choice=False)
    priority = SelectField(_l("Priority"), validate_choice=False)
    assignee = SelectField(_l("Assignee"), validate_choice=False)
    tags = StringField(
        _l("Tags"), description=_l("Separate tags with commas."), validators=[Length(max=500)]
    )


class NewTicketForm(BaseForm):
    customer_email = EmailField(
        _l("Customer email"),
        validators=[DataRequired(), Length(max=254)],
        description=_l("An existing customer is found by email; a new one is created."),
    )
    customer_name = StringField(
        _l("Customer name"),
        validators=[Optional(), Length(max=120)],
        description=_l("Needed only for a new customer."),
    )
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    priority = SelectField(_l("Priority"), validate_choice=False, default="normal")
    body = TextAreaField(
        _l("What the customer said"),
        validators=[DataRequired()],
        description=_l("Markdown works: **bold**, lists, links."),
    )


class BulkForm(BaseForm):
    status = SelectField(_l("Set status"), validate_choice=False)
    assignee = SelectField(_l("Assign to"), validate_choice=False)
    tag = StringField(_l("Add tag"), validators=[Length(max=40)])
    complaint = SelectField(_l("Complaint?"), validate_choice=False)
    # Snooze or spam: handled by tickets/hygiene_views.py.
    hygiene = SelectField(_l("Snooze or spam"), validate_choice=False)


class PresenceForm(BaseForm):
    typing = HiddenField()
