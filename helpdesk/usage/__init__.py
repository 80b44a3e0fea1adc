"""Product events in and each customer's usage health."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def blueprints(app: Flask) -> tuple[Blueprint, ...]:
    """This feature's blueprints: the founders' "At risk" list and the admins' usage
    settings (the events endpoint is the API's, `helpdesk/api/events.py`)."""
    from helpdesk.usage.views import bp as views
    from helpdesk.usage.views import settings_bp as settings_views

    return (views, settings_views)
