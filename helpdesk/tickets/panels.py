"""The side panels of the ticket page. A panel is a partial template plus a loader that
returns the names the partial uses; a feature adds a panel by adding an entry here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from helpdesk.founders.panel import panel_context as founder_panel_context
from helpdesk.i18n import LANGUAGE_NAMES
from helpdesk.mail.panel import panel_context as mail_panel_context
from helpdesk.models import Ticket, User
from helpdesk.promises.panel import panel_context as promise_panel_context
from helpdesk.recovery.forms import ReasonForm, StepForm
from helpdesk.recovery.panel import panel_context
from helpdesk.tickets.history import history_entries, staff_names
from helpdesk.tickets.presence import presence_others
from helpdesk.tickets.queries import assignable_users, customer_other_tickets, ticket_audit_events


@dataclass(frozen=True)
class Panel:
    template: str
    load: Callable[[Ticket, User], dict[str, Any]]


def _recovery(ticket: Ticket, user: User) -> dict[str, Any]:
    return {
        **panel_context(ticket, user),
        "step_form": StepForm(formdata=None),
        "reason_form": ReasonForm(formdata=None),
    }


def _properties(ticket: Ticket, user: User) -> dict[str, Any]:
    return {"assignees": assignable_users()}


def _customer(ticket: Ticket, user: User) -> dict[str, Any]:
    return {"other_tickets": customer_other_tickets(ticket), "language_names": LANGUAGE_NAMES}


def _presence(ticket: Ticket, user: User) -> dict[str, Any]:
    return {"viewers": presence_others(ticket=ticket, user=user)}


def _audit(ticket: Ticket, user: User) -> dict[str, Any]:
    return {"history": history_entries(ticket_audit_events(ticket), staff_names())}


PANELS: tuple[Panel, ...] = (
    Panel("tickets/_presence.html", _presence),
    Panel("mail_viewer/_ticket_panel.html", mail_panel_context),
    Panel("promises/_panel.html", promise_panel_context),
    Panel("recovery/_panel.html", _recovery),
    Panel("founders/_ticket_panel.html", founder_panel_context),
    Panel("tickets/_properties.html", _properties),
    Panel("tickets/_customer_panel.html", _customer),
    Panel("tickets/_audit_trail.html", _audit),
)


def panels_context(ticket: Ticket, user: User) -> dict[str, Any]:
    """The templates to include, and every name they need."""
    context: dict[str, Any] = {"panel_templates": [panel.template for panel in PANELS]}
    for panel in PANELS:
        context.update(panel.load(ticket, user))
    return context
