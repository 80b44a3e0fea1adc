"""Service levels: admins' policies (targets for first reply, next reply and resolution in
business hours), each ticket's clocks against them, the breach sweep and what the inbox
and the ticket page show of them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def blueprints(app: Flask) -> tuple[Blueprint, ...]:
    """This feature's blueprints (imported here, so importing the package stays cheap)."""
    from helpdesk.sla.views import bp

    return (bp,)
