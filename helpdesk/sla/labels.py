"""Translated names for service-level targets and their states."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from helpdesk.tickets.labels import PRIORITY_LABELS

KIND_LABELS = {
    "first_reply": _l("First reply"),
    "next_reply": _l("Next reply"),
    "resolution": _l("Resolution"),
}
STATE_LABELS = {
    "running": _l("Running"),
    "paused": _l("Paused: waiting on the customer"),
    "met": _l("Met on time"),
    "met_late": _l("Met late"),
    "breached": _l("Breached"),
    "cancelled": _l("Cancelled"),
}
PRIORITY_CHOICES = [SelectChoice(value, label) for value, label in PRIORITY_LABELS.items()]
