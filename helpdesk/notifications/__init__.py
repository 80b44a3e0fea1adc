"""Notifications: what staff are told about their tickets (assigned to them, a customer's
reply, a mention in a note, an escalation to the founders, a promise due or missed), in
the app's bell and by email as each person prefers. A reacting feature: it subscribes to
the events of tickets, promises and the founders' queue and imports none of them back."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def blueprints(app: Flask) -> tuple[Blueprint, ...]:
    """This feature's blueprints (imported here, so importing the package stays cheap)."""
    from helpdesk.notifications.views import bp

    return (bp,)
