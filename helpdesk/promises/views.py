"""The composer's "promise an update": a padded suggestion (or a custom time), worded for
the customer, ready to go into the reply; sending the reply records the promise."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from helpdesk.auth.access import require_role
from helpdesk.clock import now
from helpdesk.errors import ValidationError
from helpdesk.format_filters import datetimeformat
from helpdesk.forms import strip_control
from helpdesk.promises.padding import ESTIMATES, check_custom_due, suggest_due
from helpdesk.promises.service import promise_sentence
from helpdesk.settings.hours import business_hours
from helpdesk.tickets.lookups import ticket_or_404
from helpdesk.web.current import staff

bp = Blueprint("promises", __name__)


bp.before_request(require_role("agent"))


def _custom_due(raw: str, zone: str) -> datetime:
    """A `datetime-local` value typed in the agent's zone, as aware UTC (or a field error)."""
    try:
        local = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationError("custom_due", "") from exc
    if local.tzinfo is None:
        local = local.replace(tzinfo=ZoneInfo(zone))
    return check_custom_due(local, now=now())


@bp.get("/tickets/<number:number>/promise")
def suggest(number: int) -> str | tuple[str, int]:
    ticket = ticket_or_404(number)
    estimate = strip_control(request.args.get("estimate", "")).strip()
    custom = strip_control(request.args.get("custom_due", "")).strip()[:40]
    if not estimate and not custom:
        return render_template("promises/_suggestion.html", ticket=ticket, due=None)
    error = None
    due = None
    try:
        if custom:
            due = _custom_due(custom, staff().timezone)
        elif estimate in ESTIMATES:
            due = suggest_due(estimate=estimate, start=now(), hours=business_hours())
        else:
            abort(400)
    except ValidationError as failure:
        error = failure.message or _("Enter a date and time.")
    if due is None:
        return render_template(
            "promises/_suggestion.html", ticket=ticket, due=None, error=error
        ), 422
    sentence = promise_sentence(ticket=ticket, agent=staff(), due=due)
    return render_template(
        "promises/_suggestion.html",
        ticket=ticket,
        due=due,
        due_for_agent=datetimeformat(due, "medium"),
        sentence=sentence,
        error=None,
    )
