"""Admin settings: the team (staff accounts) for now; widget, phrases, hours and email later."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def blueprints(app: Flask) -> tuple[Blueprint, ...]:
    """This feature's blueprints, in registration order (imported here, not at package
    import, so importing the package stays cheap and cycle-free)."""
    from helpdesk.settings.audit_views import bp as audit_views
    from helpdesk.settings.formats_views import bp as formats_views
    from helpdesk.settings.views import bp as views

    return (views, formats_views, audit_views)
