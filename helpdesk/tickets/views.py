"""The agent inbox."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from helpdesk.auth.access import require_role
from helpdesk.tickets.labels import PRIORITY_LABELS, STATUS_LABELS, VIEW_LABELS
from helpdesk.tickets.queries import INBOX_VIEWS, inbox_page

bp = Blueprint("tickets", __name__)
bp.before_request(require_role("agent"))


@bp.get("/inbox")
def inbox() -> str:
    page = inbox_page(
        view=request.args.get("view", "open"),
        page=request.args.get("page", 1, type=int) or 1,
        user=current_user._get_current_object(),
    )
    return render_template(
        "tickets/inbox.html",
        inbox=page,
        views=INBOX_VIEWS,
        view_labels=VIEW_LABELS,
        status_labels=STATUS_LABELS,
        priority_labels=PRIORITY_LABELS,
    )
