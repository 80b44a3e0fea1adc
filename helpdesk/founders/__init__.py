"""The founders' area: escalations (what deserves a founder's attention, raised by the
other features' triggers), the review queue and its actions, and the founder settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def blueprints(app: Flask) -> tuple[Blueprint, ...]:
    """This feature's blueprints, in registration order (imported here, not at package
    import, so importing the package stays cheap and cycle-free)."""
    from helpdesk.founders.digest_views import bp as digest_views
    from helpdesk.founders.team_report.views import bp as team_report
    from helpdesk.founders.trends.views import bp as trends
    from helpdesk.founders.views import bp as views
    from helpdesk.founders.views import escalate_bp as escalate

    return (digest_views, views, escalate, trends, team_report)
