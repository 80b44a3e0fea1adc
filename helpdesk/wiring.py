"""Connecting features to one another without importing each other: the reactions each
feature subscribes to ticket events (`<feature>/reactions.py`, see `helpdesk/events.py`)
and the panels it adds to the ticket page (`<feature>/panel.py`, `tickets/panels.py`).
The factory calls `connect_features()` once per app; doing it again changes nothing."""

from __future__ import annotations

from importlib import import_module

from helpdesk.events import subscribe_all
from helpdesk.tickets.history import add_value_labels
from helpdesk.tickets.panels import add_panel

# Handlers of one event run in this order: recovery first (a complaint found on a new
# ticket is part of what the rest see), then the founders' queue, promises, email and,
# last, webhooks (their payload shows the ticket as everything before left it).
REACTING_FEATURES = ("recovery", "founders", "promises", "mail", "webhooks")
PANEL_FEATURES = ("mail", "promises", "recovery", "founders")


def connect_features() -> None:
    for name in REACTING_FEATURES:
        subscribe_all(import_module(f"helpdesk.{name}.reactions").REACTIONS)
    for name in PANEL_FEATURES:
        module = import_module(f"helpdesk.{name}.panel")
        add_panel(module.PANEL)
        for field, labels in getattr(module, "HISTORY_LABELS", {}).items():
            add_value_labels(field, labels)
