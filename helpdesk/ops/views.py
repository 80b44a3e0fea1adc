"""`/healthz` for the load balancer and monitoring, and the staff warning about a stopped
scheduler.

`/healthz` answers 503 only when the database does not answer: a stale scheduler is
reported in the body (`scheduler`: ok, stale or never) but does not take the web process
out of rotation, since restarting web processes would not restart the scheduler.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from helpdesk.auth.access import public
from helpdesk.clock import now
from helpdesk.ops.queries import database_error_cleared, database_ping
from helpdesk.scheduling.runs import scheduler_health

bp = Blueprint("ops", __name__)
SCHEDULER_COMMAND = "flask helpdesk scheduler"  # a command to type, not words to translate


@bp.get("/healthz")
@public
def healthz() -> tuple[Response, int]:
    try:
        database_ping()
        health = scheduler_health() if current_app.config["SCHEDULER"] != "off" else None
    except SQLAlchemyError:
        database_error_cleared()
        return jsonify(status="unavailable", database="unreachable"), 503
    if health is None:  # HELPDESK_SCHEDULER=off: no scheduler is expected
        return jsonify(status="ok"), 200
    last_run = health.last_run_at.isoformat() if health.last_run_at is not None else None
    return jsonify(status="ok", scheduler=health.state, scheduler_last_run=last_run), 200


@bp.app_context_processor
def scheduler_warning() -> dict[str, Any]:
    """`scheduler_warning` for base.html: {"minutes": N or None (never ran), "command"} when
    staff should be told that scheduled work has stopped, else None. One primary-key read,
    staff only."""
    if not current_user.is_authenticated or current_app.config["SCHEDULER"] == "off":
        return {"scheduler_warning": None}
    try:
        health = scheduler_health()
    except SQLAlchemyError:  # the database is down: let the error page render without it
        database_error_cleared()
        return {"scheduler_warning": None}
    if health.ok:
        return {"scheduler_warning": None}
    return {
        "scheduler_warning": {
            "minutes": health.minutes_since_run(now()),
            "command": SCHEDULER_COMMAND,
        }
    }
