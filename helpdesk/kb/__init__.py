"""The knowledge base: articles staff write and publish, and the public help centre."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def blueprints(app: Flask) -> tuple[Blueprint, ...]:
    """This feature's blueprints, in registration order (imported here, not at package
    import, so importing the package stays cheap and cycle-free)."""
    from helpdesk.kb.help_views import bp as help_views
    from helpdesk.kb.views import bp as views

    return (views, help_views)
