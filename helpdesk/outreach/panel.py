"""The feature requests panel on the ticket page: which requests this ticket asked for,
and a form to link it to one (pick an existing request or name a new one)."""

from __future__ import annotations

from typing import Any

from wtforms import SelectChoice

from helpdesk.models import Ticket, User
from helpdesk.outreach.forms import EmptyForm, LinkFeatureForm
from helpdesk.outreach.labels import FEATURE_STATUS_LABELS
from helpdesk.outreach.queries import ticket_feature_choices
from helpdesk.tickets.panels import Panel


def panel_context(
    ticket: Ticket,
    user: User,
    link_form: LinkFeatureForm | None = None,
    success: str | None = None,
    panel_error: str | None = None,
) -> dict[str, Any]:
    linked, offered = ticket_feature_choices(ticket)
    form = link_form or LinkFeatureForm(formdata=None)
    form.feature_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(feature.id), feature.title) for feature in offered
    ]
    return {
        "linked_features": linked,
        "link_form": form,
        "unlink_form": EmptyForm(formdata=None),
        "feature_status_labels": FEATURE_STATUS_LABELS,
        "feature_success": success,
        "feature_error": panel_error,
    }


PANEL = Panel("outreach/_ticket_panel.html", panel_context, 55)
