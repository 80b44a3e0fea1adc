"""The REST API under `/api/v1`: per-user tokens, JSON resources over the same services
as the web UI, an OpenAPI 3.1 description generated from the request/response models."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def blueprints(app: Flask) -> tuple[Blueprint, ...]:
    """This feature's blueprints, in registration order (imported here, not at package
    import, so importing the package stays cheap and cycle-free)."""
    from helpdesk.api.articles import bp as articles
    from helpdesk.api.customers import bp as customers
    from helpdesk.api.docs_views import bp as docs_views
    from helpdesk.api.escalations import bp as escalations
    from helpdesk.api.events import bp as events
    from helpdesk.api.feedback import bp as feedback
    from helpdesk.api.privacy import bp as privacy
    from helpdesk.api.promises import bp as promises
    from helpdesk.api.root_causes import bp as root_causes
    from helpdesk.api.tickets import bp as tickets
    from helpdesk.api.token_views import bp as token_views

    # Every API blueprint is CSRF-exempt (`api_blueprint` in api/blueprint.py).
    return (
        docs_views,
        token_views,
        tickets,
        articles,
        customers,
        privacy,
        promises,
        escalations,
        feedback,
        root_causes,
        events,
    )
