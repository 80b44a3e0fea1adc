"""Inbound email over HTTP.

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

Downloading the stored files is the attachments feature's (`helpdesk/attachments/`).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from helpdesk.api.blueprint import token_rate_key
from helpdesk.auth.bearer import current_token
from helpdesk.errors import DomainError, ValidationError
from helpdesk.extensions import csrf, limiter
from helpdesk.mail.inbound import mail_receive

logger = logging.getLogger(__name__)

bp = Blueprint("inbound", __name__, url_prefix="/api/v1/inbound")
csrf.exempt(bp)
# The REST API's limit, per token (a logged-in request skips the per-IP public limit).
limiter.limit(lambda: current_app.config["RATELIMIT_API"], key_func=token_rate_key)(bp)


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
