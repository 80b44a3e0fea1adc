"""Saved replies: team and personal texts with placeholders and an optional macro, picked
in the composer with `/` or `#`; the phrase library's "General" phrases live here too."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def blueprints(app: Flask) -> tuple[Blueprint, ...]:
    """This feature's blueprints (imported here, not at package import)."""
    from helpdesk.saved_replies.views import bp, picker_bp

    return (bp, picker_bp)
