"""The forms of notifications: CSRF-only actions on the bell, and email preferences."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectChoice, SubmitField
from wtforms.validators import InputRequired

from helpdesk.forms import BaseForm
from helpdesk.models.notification import NOTIFICATION_KINDS
from helpdesk.notifications.preferences import Preferences


class BellForm(BaseForm):
    """CSRF only (mark all read, open one)."""


class PreferencesForm(BaseForm):
    email_assigned = BooleanField(_l("A ticket is assigned to me"))
    email_customer_replied = BooleanField(_l("A customer replies on a ticket I own"))
    email_mentioned = BooleanField(_l("Someone mentions me in a note"))
    email_escalated = BooleanField(_l("A ticket reaches the founders' queue (founders)"))
    email_promise_reminder = BooleanField(_l("A promised update is due soon"))
    email_promise_missed = BooleanField(_l("A promised update was missed"))
    email_sla_breached = BooleanField(_l("A ticket I own missed a service-level target"))
    delivery = RadioField(
        _l("How"),
        choices=[
            SelectChoice("each", _l("One email for each")),
            SelectChoice("digest", _l("A daily digest instead (one email each morning)")),
        ],
        validators=[InputRequired(message=_l("Choose how to receive them."))],
    )
    submit = SubmitField(_l("Save notification settings"))

    def email_fields(self) -> list[BooleanField]:
        return [self[f"email_{kind}"] for kind in NOTIFICATION_KINDS]

    def email_choices(self) -> dict[str, bool]:
        return {kind: bool(self[f"email_{kind}"].data) for kind in NOTIFICATION_KINDS}

    @classmethod
    def showing(cls, preferences: Preferences) -> PreferencesForm:
        form = cls(formdata=None)
        for kind in NOTIFICATION_KINDS:
            form[f"email_{kind}"].data = preferences.emails(kind)
        form.delivery.data = "digest" if preferences.digest else "each"
        return form
