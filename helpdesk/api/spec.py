"""The one SpecTree instance: request and response models (pydantic) validate the API's
traffic and are the OpenAPI 3.1 description served at `/api/v1/openapi.json`.

SpecTree was chosen over flask-openapi3 and flask-smorest because it decorates plain Flask
blueprints (flask-openapi3 replaces the app and blueprint classes), emits OpenAPI 3.1 from
pydantic v2 models (flask-smorest's marshmallow output targets 3.0), and leaves error
formats and the reference page to us."""

from __future__ import annotations

from typing import Any

from flask import Request
from flask import Response as FlaskResponse
from pydantic import BaseModel
from spectree import Response, SecurityScheme, SpecTree
from spectree.models import SecureType, SecuritySchemeData

from helpdesk.web.json_input import RequestInvalid, problems

API_VERSION = "1.0.0"


def raise_request_invalid(
    _req: Request, _resp: FlaskResponse | None, error: Any, _instance: Any, *args: Any
) -> None:
    """SpecTree's `before` hook: turn a pydantic error into our JSON error format."""
    if error is None:
        return
    raise RequestInvalid(problems(error, translate=False))


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: dict[str, str] | None = None


class ErrorResponse(BaseModel):
    """Every error the API gives."""

    error: ErrorDetail


spec = SpecTree(
    "flask",
    title="Helpdesk API",
    version=API_VERSION,
    description=(
        "The Helpdesk REST API. Authenticate with `Authorization: Bearer <token>` (create "
        "a token under Settings → API tokens). Errors are `{error: {code, message, fields?}}`."
    ),
    # The document is served by our own view; SpecTree adds no pages or routes.
    path="api/v1/openapi",
    page_templates={},
    security_schemes=[
        SecurityScheme(
            name="bearer",
            data=SecuritySchemeData(
                type=SecureType.HTTP, scheme="bearer", description="An API token."
            ),
        )
    ],
    security={"bearer": []},
    before=raise_request_invalid,
    validation_error_model=ErrorResponse,
    annotations=True,
    # Only the views decorated with `spec.validate` (the /api/v1 resources) are described.
    mode="strict",
    # Model names are unique in helpdesk.api, so components get readable names.
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,
)


# The errors any authenticated endpoint can give.
COMMON_ERRORS = (400, 401, 403, 429)


def responses(ok: dict[int, type[BaseModel] | None], *errors: int) -> Response:
    """A SpecTree `Response` with the success models in `ok` and the JSON error model for
    `errors` plus the common ones."""
    declared: dict[str, Any] = {f"HTTP_{status}": model for status, model in ok.items()}
    for status in (*COMMON_ERRORS, *errors):
        declared[f"HTTP_{status}"] = ErrorResponse
    return Response(**declared)
