"""Connecting features to one another without importing each other: the reactions each
feature subscribes to ticket events (`<feature>/reactions.py`, see `helpdesk/events.py`)
and what it adds to the ticket page and the inbox (`<feature>/panel.py`: `PANEL`, and
optionally `INBOX_SECTION`, `HISTORY_LABELS`, `TEMPLATE_GLOBALS`; see `tickets/panels.py`).
The factory calls `connect_features(app)` once per app; doing it again changes nothing."""

from __future__ import annotations

from importlib import import_module

from flask import Flask

from helpdesk.events import subscribe_all
from helpdesk.tickets.history import add_value_labels
from helpdesk.tickets.panels import add_inbox_section, add_panel

# Handlers of one event run in this order: recovery first (a complaint found on a new
# ticket is part of what the rest see), then the founders' queue, promises, saved replies
# (a reply's actions change the ticket before anyone is told), service levels (clocks
# start, stop and pause with what the ticket became), notifications (which queue
# their own emails), automation rules (after notifications, so those of the event see the
# ticket as the person left it; a rule's own changes are announced by the events its
# actions publish), outreach (a customer's reply to an outreach; usage changes), email
# and, last, webhooks (their payload shows the ticket as
# everything before left it).
REACTING_FEATURES = (
    "recovery",
    "founders",
    "promises",
    "saved_replies",
    "sla",
    "notifications",
    "automations",
    "outreach",
    "mail",
    "webhooks",
)
PANEL_FEATURES = ("mail", "promises", "sla", "recovery", "founders", "outreach")


def connect_features(app: Flask) -> None:
    for name in REACTING_FEATURES:
        subscribe_all(import_module(f"helpdesk.{name}.reactions").REACTIONS)
    for name in PANEL_FEATURES:
        module = import_module(f"helpdesk.{name}.panel")
        add_panel(module.PANEL)
        if hasattr(module, "INBOX_SECTION"):
            add_inbox_section(module.INBOX_SECTION)
        for field, labels in getattr(module, "HISTORY_LABELS", {}).items():
            add_value_labels(field, labels)
        app.jinja_env.globals.update(getattr(module, "TEMPLATE_GLOBALS", {}))
