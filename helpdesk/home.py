"""`/`: send staff to their inbox (or the login page)."""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, url_for
from werkzeug.wrappers import Response

from helpdesk.auth.access import public

bp = Blueprint("home", __name__)


@bp.get("/")
@public
def index() -> Response:
    return redirect(url_for("tickets.inbox"))


def blueprints(app: Flask) -> tuple[Blueprint, ...]:
    """The home feature's one blueprint (the factory asks every feature the same way)."""
    return (bp,)
