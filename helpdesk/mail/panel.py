"""The ticket page's email notice: emails about this ticket that could not be delivered
(a permanent refusal or every retry used up), so the agent knows the customer did not get
them and can reach them another way."""

from __future__ import annotations

from typing import Any

from helpdesk.mail.outbox import failed_emails_for_ticket
from helpdesk.models import Ticket, User
from helpdesk.tickets.panels import Panel


def panel_context(ticket: Ticket, user: User) -> dict[str, Any]:
    return {"failed_emails": failed_emails_for_ticket(ticket.id)}


PANEL = Panel("mail_viewer/_ticket_panel.html", panel_context, 20)
