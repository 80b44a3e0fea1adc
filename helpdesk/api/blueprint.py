"""`api_blueprint()`: a blueprint under `/api/v1` with the API's common rules — token
scope, JSON bodies only, a rate limit per token, `Idempotency-Key` on every POST (the
widget's semantics: same key and body, the first answer again; another body, 422; still
in flight, 409), JSON errors, no caching."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Blueprint, Response, current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from helpdesk.auth.bearer import check_scope
from helpdesk.errors import Conflict, ValidationError
from helpdesk.extensions import csrf, limiter
from helpdesk.web import idempotency
from helpdesk.web.json_api import json_api_errors, no_store
from helpdesk.web.json_input import RequestInvalid

BODY_METHODS = ("POST", "PUT", "PATCH")


def token_rate_key() -> str:
    # Flask-Limiter runs before the login check: asking for the user loads the token.
    if current_user.is_authenticated:
        token = g.get("api_token")
        if token is not None:
            return f"api-token:{token.id}"
    return f"api-ip:{request.remote_addr}"


def api_blueprint(name: str, import_name: str) -> Blueprint:
    bp = Blueprint(name, import_name, url_prefix="/api/v1")
    # Cookies never reach /api/v1 (see helpdesk.auth.bearer), so there is no session to forge.
    csrf.exempt(bp)
    limiter.limit(lambda: current_app.config["RATELIMIT_API"], key_func=token_rate_key)(bp)
    bp.before_request(check_scope)
    bp.before_request(_json_bodies_only)
    bp.before_request(_claim_idempotency_key)
    json_api_errors(bp)
    bp.after_request(no_store)
    bp.after_request(_finish_idempotency_key)
    bp.teardown_request(_release_idempotency_key)
    return bp


_CLAIM = "api_idempotency_claim"


def _claim_idempotency_key() -> Response | None:
    """A POST with an Idempotency-Key claims it for this token, or answers as the first
    request with that key did (its status, body and Location)."""
    key = request.headers.get("Idempotency-Key")
    token = g.get("api_token")
    if request.method != "POST" or key is None or token is None:
        return None
    payload = {"path": request.path, "body": request.get_json(silent=True)}
    claimed = idempotency.idempotency_claim(scope=f"api:{token.id}", key=key, payload=payload)
    if isinstance(claimed, idempotency.Replay):
        stored = claimed.body if isinstance(claimed.body, dict) else {}
        response = jsonify(stored.get("body"))
        response.status_code = claimed.status
        if stored.get("location"):
            response.headers["Location"] = stored["location"]
        response.headers["Idempotent-Replayed"] = "true"
        return response
    g.setdefault(_CLAIM, claimed)
    return None


def _finish_idempotency_key(response: Response) -> Response:
    """Keep a successful answer against the key; give the key back after a refusal, so the
    corrected request can use it."""
    claimed = g.pop(_CLAIM, None)
    if claimed is None:
        return response
    if response.status_code < 400 and response.is_json:
        body = {"body": response.get_json(), "location": response.headers.get("Location")}
        idempotency.idempotency_finish(record=claimed, status=response.status_code, body=body)
    else:
        idempotency.idempotency_release(record=claimed)
    return response


def _release_idempotency_key(error: BaseException | None) -> None:
    """An unexpected error left the key claimed: nothing was made, give it back."""
    claimed = g.pop(_CLAIM, None)
    if claimed is not None:
        idempotency.idempotency_release(record=claimed)


@contextmanager
def fields_named(**names: str) -> Iterator[None]:
    """Report a service's ValidationError or Conflict under the API's name for the field
    (the web form's `email` is the API's `customer_email`, say)."""
    try:
        yield
    except (ValidationError, Conflict) as error:
        if error.field in names:
            error.field = names[error.field]
        raise


@contextmanager
def conflicts(*fields: str) -> Iterator[None]:
    """Answer a service's ValidationError on one of `fields` as a 409 Conflict: the value
    is well formed but does not fit the data as it is now (an assignee who left the team,
    a customer who does not exist yet and so needs a name). The OpenAPI document can say
    what is well formed, not what exists; 422 is kept for what it can say."""
    try:
        yield
    except ValidationError as error:
        if error.field in fields:
            raise Conflict(error.message, field=error.field) from error
        raise


# Endpoints that also take multipart/form-data (a reply with files).
MULTIPART_ENDPOINTS = frozenset({"api_tickets.create_message"})


def _json_bodies_only() -> Response | None:
    """A body is a JSON object (415 for another media type, 422 for `null`, `[]`, `""`,
    `false` or `0`, which SpecTree would read as an empty object: an update of nothing)."""
    if request.method not in BODY_METHODS:
        return None
    if request.is_json:
        if isinstance(request.get_json(), dict):  # parsed already: bad JSON was a 400
            return None
        raise RequestInvalid({"body": _("The body must be a JSON object.")})
    if request.endpoint in MULTIPART_ENDPOINTS and request.mimetype == "multipart/form-data":
        return None
    response = jsonify(
        error={
            "code": "unsupported_media_type",
            "message": _("Send the body as JSON (Content-Type: application/json)."),
        }
    )
    response.status_code = 415
    return response
