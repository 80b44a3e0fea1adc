"""The support widget: the loader script, the frame, its JSON API and the customer page."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def blueprints(app: Flask) -> tuple[Blueprint, ...]:
    """This feature's blueprints, in registration order (imported here, not at package
    import, so importing the package stays cheap and cycle-free)."""
    from helpdesk.widget.api import bp as api
    from helpdesk.widget.customer_views import bp as customer_views
    from helpdesk.widget.page_views import bp as page_views
    from helpdesk.widget.settings_views import bp as settings_views
    from helpdesk.widget.views import bp as views

    # The widget API is CSRF-exempt (`csrf.exempt(bp)` in widget/api.py, at import).
    return (customer_views, api, page_views, views, settings_views)
