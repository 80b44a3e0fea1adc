"""Tickets: the agent inbox (and, as it grows, the ticket page and its actions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def blueprints(app: Flask) -> tuple[Blueprint, ...]:
    """This feature's blueprints, in registration order (imported here, not at package
    import, so importing the package stays cheap and cycle-free)."""
    from helpdesk.tickets.hygiene_views import blocked_bp
    from helpdesk.tickets.hygiene_views import bp as hygiene
    from helpdesk.tickets.views import bp as views

    return (views, hygiene, blocked_bp)
