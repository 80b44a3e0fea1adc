"""The founder panel on the ticket page: the ticket's escalations, the agent's "escalate
to founders" form, and which messages are founder replies (for their badge)."""

from __future__ import annotations

from typing import Any

from helpdesk.founders.forms import EscalateForm
from helpdesk.founders.labels import ESCALATION_STATUS_LABELS, OUTCOME_LABELS, REASON_LABELS
from helpdesk.founders.queries import ticket_founder_view
from helpdesk.models import Ticket, User
from helpdesk.tickets.panels import Panel


def panel_context(
    ticket: Ticket, user: User, escalate_form: EscalateForm | None = None
) -> dict[str, Any]:
    view = ticket_founder_view(ticket)
    return {
        "escalations": view.escalations,
        "escalate_form": escalate_form or EscalateForm(formdata=None),
        "founder_message_ids": view.founder_message_ids,
        "reason_labels": REASON_LABELS,
        "escalation_status_labels": ESCALATION_STATUS_LABELS,
        "outcome_labels": OUTCOME_LABELS,
    }


PANEL = Panel("founders/_ticket_panel.html", panel_context, 50)
