"""What the JSON APIs (the REST API under /api/v1 and the widget's under /api/widget/v1)
share: domain errors as `{error: {code, message, fields?}}` with their status, and answers
that are never stored by a cache."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from helpdesk.errors import Conflict, DomainError, NotAllowed, ValidationError


def json_domain_error(error: DomainError) -> tuple[Response, int]:
    """ValidationError 422 (with `fields` naming the field), NotAllowed 403, Conflict 409
    (naming its field when it has one),
    any other DomainError 400. An error carrying a `fields` mapping (the REST API's
    RequestInvalid: every problem of a request body) is a 422 listing them all."""
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    fields = getattr(error, "fields", None)
    status = 400
    if isinstance(fields, dict):
        status = 422
        body["fields"] = fields
    elif isinstance(error, ValidationError):
        status = 422
        if error.field:
            body["fields"] = {error.field: error.message}
    elif isinstance(error, NotAllowed):
        status = 403
    elif isinstance(error, Conflict):
        status = 409
        if error.field:
            body["fields"] = {error.field: error.message}
    return jsonify(error=body), status


def no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def json_api_errors(bp: Blueprint) -> None:
    """Answer the blueprint's domain errors as JSON (`json_domain_error`)."""
    bp.register_error_handler(DomainError, json_domain_error)
