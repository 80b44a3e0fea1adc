"""Outreach forms (shape only; the rules live in the services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired

from helpdesk.forms import BaseForm
from helpdesk.outreach.labels import FEATURE_STATUS_LABELS
from helpdesk.outreach.settings import TRIGGERS


class EmptyForm(BaseForm):
    """Only the CSRF token (dismiss, send all, left)."""


class OutreachForm(BaseForm):
    subject = StringField(_l("Subject"))
    body = TextAreaField(
        _l("Message"),
        description=_l("The email greets them by name and signs with yours."),
        render_kw={"rows": 8, "dir": "auto"},
    )


class FeatureRequestForm(BaseForm):
    title = StringField(_l("Feature"), description=_l("What customers asked for, in a few words."))


class LinkFeatureForm(BaseForm):
    # Any value reaches the service, which refuses an unknown id as a field error.
    feature_id = SelectField(_l("Feature request"), validate_choice=False, choices=[])
    new_title = StringField(_l("Or a new feature request"))


class FeatureStatusForm(BaseForm):
    status = SelectField(
        _l("Status"),
        validate_choice=False,
        choices=lambda: [
            SelectChoice(key, str(label)) for key, label in FEATURE_STATUS_LABELS.items()
        ],
    )


class PlaybooksForm(BaseForm):
    cooldown_days = IntegerField(
        _l("Leave a contacted customer alone for (days)"),
        validators=[InputRequired()],
        description=_l("No playbook writes to someone we wrote to within this many days."),
    )


def _add_playbook_fields() -> None:
    for trigger in TRIGGERS:
        setattr(PlaybooksForm, f"{trigger}_enabled", BooleanField(_l("On")))
        setattr(
            PlaybooksForm,
            f"{trigger}_assignee",
            SelectField(_l("Assigned to"), validate_choice=False, choices=[]),
        )
        setattr(
            PlaybooksForm,
            f"{trigger}_saved_reply",
            SelectField(_l("Start from"), validate_choice=False, choices=[]),
        )
        setattr(
            PlaybooksForm,
            f"{trigger}_auto_send",
            BooleanField(_l("Send without review")),
        )


_add_playbook_fields()
