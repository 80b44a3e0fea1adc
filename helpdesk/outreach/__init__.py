"""Proactive outreach: playbooks that draft a personal message when a customer's usage
slips, when they never came back after onboarding or when they leave; the drafts queue
(review, edit, send, dismiss); feature requests and the notes sent when one ships; and the
founders' view of what outreach achieved."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def blueprints(app: Flask) -> tuple[Blueprint, ...]:
    """This feature's blueprints, in registration order (imported here, not at package
    import, so importing the package stays cheap and cycle-free)."""
    from helpdesk.outreach.feature_views import bp as features
    from helpdesk.outreach.results_views import bp as results
    from helpdesk.outreach.settings_views import bp as settings
    from helpdesk.outreach.views import bp as views

    return (views, features, settings, results)
