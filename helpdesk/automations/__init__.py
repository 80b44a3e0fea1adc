"""Automation rules: when a ticket is created, a customer replies, its status changes or
time has passed since something, if its conditions hold, then do what the rule says
(priority, tags, assignment, a note or saved reply, the founders' queue, closing).

Rules are rows an admin edits on the settings page (`views.py`); event rules react to
ticket events (`reactions.py`), time rules run from the scheduler (`sweep.py`), both
through `engine.py`, which makes each run happen exactly once. See docs/architecture.md."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def blueprints(app: Flask) -> tuple[Blueprint, ...]:
    """This feature's blueprints (imported here, so importing the package stays cheap)."""
    from helpdesk.automations.views import bp

    return (bp,)
