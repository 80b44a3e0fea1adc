"""Webhook settings forms (shape only: the rules live in helpdesk.webhooks.service)."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Length

from helpdesk.forms import BaseForm
from helpdesk.models import WEBHOOK_EVENTS, Webhook

# Generous shape limits so nobody posts megabytes; the service holds the real limits.
MAX_URL_FIELD_CHARS = 4000
MAX_DESCRIPTION_FIELD_CHARS = 1000

EVENT_LABELS: dict[str, LazyString] = {
    "ticket.created": _l("A ticket is created (any channel)"),
    "ticket.updated": _l("A ticket's status, priority, assignee or tags change"),
    "message.created": _l("A message is added: customer messages, replies and internal notes"),
    "promise.missed": _l("A promise to a customer is missed"),
    "escalation.raised": _l("A ticket goes to the founders' review queue"),
    "rating.received": _l("A customer rates a ticket"),
}


class WebhookForm(BaseForm):
    url = StringField(
        _l("URL"),
        validators=[Length(max=MAX_URL_FIELD_CHARS)],
        description=_l("Where events are POSTed, like https://example.com/hooks/helpdesk."),
        render_kw={"spellcheck": "false", "autocapitalize": "off", "inputmode": "url"},
    )
    description = StringField(
        _l("Description"),
        validators=[Length(max=MAX_DESCRIPTION_FIELD_CHARS)],
        description=_l("Optional: what receives these events, for your team."),
    )
    # Choices are checked by the service (which names an unknown event).
    events = SelectMultipleField(_l("Events"), validate_choice=False)
    active = BooleanField(_l("Active (send events to this URL)"), default=True)
    submit = SubmitField(_l("Save webhook"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.events.choices = [(event, str(EVENT_LABELS[event])) for event in WEBHOOK_EVENTS]

    def chosen_events(self) -> list[str]:
        return [str(event) for event in self.events.data or []]


def webhook_form_data(webhook: Webhook) -> dict[str, object]:
    return {
        "url": webhook.url,
        "description": webhook.description,
        "events": list(webhook.events),
        "active": webhook.active,
    }


class NetworkForm(BaseForm):
    allow_private = BooleanField(_l("Allow webhooks to private and local addresses"))
    submit = SubmitField(_l("Save"))


class ActionForm(BaseForm):
    """A button that changes state (CSRF only)."""
