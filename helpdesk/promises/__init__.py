"""Promised updates: business hours, padded promise times (and, later, promises,
reminders and escalations)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def blueprints(app: Flask) -> tuple[Blueprint, ...]:
    """This feature's blueprints, in registration order (imported here, not at package
    import, so importing the package stays cheap and cycle-free)."""
    from helpdesk.promises.hours_views import bp as hours_views
    from helpdesk.promises.views import bp as views

    return (hours_views, views)
