"""The development mail viewer (admins only): what the outbox holds, sent or not, so mail
can be read without an SMTP server. `/settings/email/outbox` lists the newest rows,
`/settings/email/outbox/<id>` shows one email's headers, text and HTML (the HTML in a
sandboxed frame that runs no script and loads nothing from elsewhere, and as source)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from helpdesk.auth.access import require_role
from helpdesk.mail.outbox import BACKOFF, MAX_ATTEMPTS, outbox_recent
from helpdesk.models import Outbox
from helpdesk.models.mail import OUTBOX_STATES
from helpdesk.web.lookups import row_or_404

bp = Blueprint("mail_viewer", __name__, url_prefix="/settings/email")
bp.before_request(require_role("admin"))


@bp.get("/outbox")
def outbox_list() -> str:
    status = request.args.get("status", "")
    rows = outbox_recent(status=status if status in OUTBOX_STATES else None)
    return render_template(
        "mail_viewer/outbox.html",
        rows=rows,
        status=status if status in OUTBOX_STATES else "",
        states=OUTBOX_STATES,
        smtp_configured=bool(current_app.config.get("SMTP_URL")),
        max_attempts=MAX_ATTEMPTS,
        backoff_steps=len(BACKOFF),
    )


@bp.get("/outbox/<int:row_id>")
def outbox_row(row_id: int) -> str:
    row = row_or_404(Outbox, row_id)
    return render_template(
        "mail_viewer/message.html",
        row=row,
        smtp_configured=bool(current_app.config.get("SMTP_URL")),
    )
