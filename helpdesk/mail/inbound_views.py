"""Inbound email over HTTP, and downloading what came with it.

`inbound` — `POST /api/v1/inbound/email`: a mail server pipes one raw RFC 822 message
(`Content-Type: message/rfc822`) with `Authorization: Bearer <API token>`. The token is an
ordinary API token (helpdesk.auth.bearer loads it, as for every `/api/v1/` path, and strips
cookies): a missing, unknown, revoked or expired one is 401; a read-only token, or one
whose owner is not an admin, 403; another content type 415; a body over
MAX_CONTENT_LENGTH or INBOUND_MAX_MESSAGE_BYTES 413 (logged); a message without a sender
422; more requests than the token's API rate limit 429. Everything else is accepted: 201
when it opened a ticket, 200 otherwise (a reply, a duplicate, a bounce, or mail dropped
on purpose — refusing it would make the mail server bounce it back to its sender). No
cookies reach it, so CSRF protection is exempt. It is not in the OpenAPI document: its
body is a raw email, not JSON.

`attachments` — `GET /tickets/<number>/attachments/<id>` for staff (any agent, raw
originals included) and `GET /c/<number>/attachments/<id>` for the customer holding that
conversation's cookie (set by `/c/<token>`; its path covers `/c/<number>/…`). Always
downloads, never rendered inline (see `attachments.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, request, send_file
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from helpdesk.api.blueprint import token_rate_key
from helpdesk.auth.access import public, role_required
from helpdesk.auth.bearer import current_token
from helpdesk.errors import DomainError, ValidationError
from helpdesk.extensions import csrf, limiter
from helpdesk.mail.attachments import (
    attachment_for_customer,
    attachment_for_staff,
    attachment_path,
    attachments_by_message,
    serving_type,
)
from helpdesk.mail.inbound import mail_receive
from helpdesk.models import Attachment, Message
from helpdesk.tickets.tokens import ticket_by_token

# The customer page's cookie name. Imported from that page's module so the two cannot
# drift; the lookup itself is the intake service's `ticket_by_token`.
from helpdesk.widget.customer_views import COOKIE

logger = logging.getLogger(__name__)

bp = Blueprint("inbound", __name__, url_prefix="/api/v1/inbound")
csrf.exempt(bp)
# The REST API's limit, per token (a logged-in request skips the per-IP public limit).
limiter.limit(lambda: current_app.config["RATELIMIT_API"], key_func=token_rate_key)(bp)

attachments_bp = Blueprint("attachments", __name__)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> tuple[Response, int]:
    logger.warning(
        "Inbound email refused: %s bytes from %s is over the limit",
        request.content_length,
        request.remote_addr,
    )
    message = _("The message is larger than this helpdesk accepts.")
    return jsonify(error={"code": "too_large", "message": message}), 413


@bp.errorhandler(DomainError)
def domain_error(error: DomainError) -> tuple[Response, int]:
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    if isinstance(error, ValidationError) and error.field:
        body["fields"] = {error.field: error.message}
    return jsonify(error=body), 422


def _error(status: int, code: str, message: str) -> tuple[Response, int]:
    return jsonify(error={"code": code, "message": message}), status


@bp.before_request
def admins_read_write_tokens_only() -> tuple[Response, int] | None:
    """After the app-wide login check (401 without a usable token): piping mail in opens
    tickets as anyone, so it takes a read-write token of an admin."""
    token = current_token()
    if token is not None and token.scope == "read-write" and current_user.can("admin"):
        return None
    response, status = _error(
        403,
        "insufficient_scope",
        _("Piping email in needs a read-write API token of an admin."),
    )
    response.headers["WWW-Authenticate"] = 'Bearer realm="helpdesk", error="insufficient_scope"'
    return response, status


@bp.post("/email")
def receive_email() -> tuple[Response, int]:
    if request.mimetype != "message/rfc822":
        return _error(
            415,
            "unsupported_media_type",
            _("Send the raw message as Content-Type: message/rfc822."),
        )
    result = mail_receive(request.get_data(cache=False))
    if result.action == "rejected":
        raise RequestEntityTooLarge()
    body = {
        "result": result.action,
        "reason": result.reason or None,
        "ticket": result.ticket_number,
        "auto_reply_allowed": result.auto_reply_allowed,
    }
    return jsonify(body), 201 if result.action == "created" else 200


def _download(attachment: Attachment | None) -> Response:
    if attachment is None:
        abort(404)
    path = attachment_path(attachment.sha256)
    if not path.is_file():
        logger.error("Attachment %s is missing its file %s", attachment.id, path)
        abort(404)
    response = send_file(
        path,
        mimetype=serving_type(attachment),
        as_attachment=True,
        download_name=attachment.filename,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@attachments_bp.get("/tickets/<number:number>/attachments/<id:attachment_id>")
@role_required("agent")
def staff_download(number: int, attachment_id: int) -> Response:
    return _download(attachment_for_staff(number=number, attachment_id=attachment_id))


@attachments_bp.get("/c/<number:number>/attachments/<id:attachment_id>")
@public
def customer_download(number: int, attachment_id: int) -> Response:
    token = request.cookies.get(COOKIE, "")
    ticket = ticket_by_token(token) if token else None
    if ticket is None or ticket.number != number:
        abort(404)
    return _download(attachment_for_customer(ticket=ticket, attachment_id=attachment_id))


@attachments_bp.app_template_global("message_attachments")
def message_attachments(messages: Iterable[Message]) -> dict[int, list[Attachment]]:
    """For the conversation templates: the attachments of the emailed messages among
    `messages`, in one query (none at all when no message came by email)."""
    return attachments_by_message([m.id for m in messages if m.email_message_id is not None])
