"""HEARD service recovery: complaint detection, the guided recovery and its phrases."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def blueprints(app: Flask) -> tuple[Blueprint, ...]:
    """This feature's blueprints, in registration order (imported here, not at package
    import, so importing the package stays cheap and cycle-free)."""
    from helpdesk.recovery.library_views import causes_bp as library_views_causes
    from helpdesk.recovery.library_views import phrases_bp as library_views_phrases
    from helpdesk.recovery.views import bp as views

    return (views, library_views_phrases, library_views_causes)
