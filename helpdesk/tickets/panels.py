"""What other features add to the ticket page and the inbox. A panel is a partial template
plus a loader that returns the names the partial uses, and a position. Tickets own the
presence, properties, customer and history panels; another feature adds its own with
`add_panel` (its `panel.py` names it `PANEL`, and the factory adds it), and a block above
one inbox view with `add_inbox_section` (`INBOX_SECTION`), so tickets import none of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from helpdesk.i18n import LANGUAGE_NAMES
from helpdesk.models import Ticket, User
from helpdesk.tickets.history import history_entries, staff_names
from helpdesk.tickets.hygiene_panel import hygiene_context
from helpdesk.tickets.presence import presence_others
from helpdesk.tickets.queries import (
    assignable_users,
    customer_other_tickets,
    ticket_audit_events,
    ticket_tag_names,
)


@dataclass(frozen=True)
class Panel:
    template: str
    load: Callable[[Ticket, User], dict[str, Any]]
    # Top to bottom: presence 10, snooze/merge/spam 15, email notice 20, promises 30,
    # service levels 35, recovery 40, founders 50, properties 60, customer 70, history 80.
    position: int


def _properties(ticket: Ticket, user: User) -> dict[str, Any]:
    return {"assignees": assignable_users(), "tag_names": ticket_tag_names(ticket)}


def _customer(ticket: Ticket, user: User) -> dict[str, Any]:
    return {"other_tickets": customer_other_tickets(ticket), "language_names": LANGUAGE_NAMES}


def _presence(ticket: Ticket, user: User) -> dict[str, Any]:
    return {"viewers": presence_others(ticket=ticket, user=user)}


def _audit(ticket: Ticket, user: User) -> dict[str, Any]:
    return {"history": history_entries(ticket_audit_events(ticket), staff_names())}


_panels: list[Panel] = [
    Panel("tickets/_presence.html", _presence, 10),
    Panel("tickets/_hygiene.html", hygiene_context, 15),
    Panel("tickets/_properties.html", _properties, 60),
    Panel("tickets/_customer_panel.html", _customer, 70),
    Panel("tickets/_audit_trail.html", _audit, 80),
]


def add_panel(panel: Panel) -> None:
    """Show `panel` on every ticket page, at its position (once per template)."""
    if all(existing.template != panel.template for existing in _panels):
        _panels.append(panel)
        _panels.sort(key=lambda entry: entry.position)


def panels() -> list[Panel]:
    return list(_panels)


@dataclass(frozen=True)
class InboxSection:
    """A block another feature shows above the inbox's list on one of its views."""

    view: str
    template: str
    load: Callable[[], dict[str, Any]]


_inbox_sections: list[InboxSection] = []


def add_inbox_section(section: InboxSection) -> None:
    if section not in _inbox_sections:
        _inbox_sections.append(section)


def inbox_sections_context(view: str) -> dict[str, Any]:
    """The section templates for `view`, and every name they need."""
    shown = [section for section in _inbox_sections if section.view == view]
    context: dict[str, Any] = {"inbox_section_templates": [section.template for section in shown]}
    for section in shown:
        context.update(section.load())
    return context


def panels_context(ticket: Ticket, user: User) -> dict[str, Any]:
    """The templates to include, and every name they need."""
    context: dict[str, Any] = {"panel_templates": [panel.template for panel in _panels]}
    for panel in _panels:
        context.update(panel.load(ticket, user))
    return context
