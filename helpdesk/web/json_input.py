"""One way to read a JSON body, for the REST API and the widget alike: a pydantic model
per request, checked whole, so every problem is reported at once, by field
(`RequestInvalid`: 422 `{error: {code, message, fields}}`, see `json_api.py`).

The REST API (spectree) reports pydantic's own words, for developers; the widget speaks to
customers, so `parse_body(..., translate=True)` words each problem in the request's
language. What a value means (a valid email, a message not too long) stays the service's
rule, with the service's message."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, field_validator
from pydantic import ValidationError as ModelError

from helpdesk.errors import DomainError
from helpdesk.forms import strip_control

M = TypeVar("M", bound=BaseModel)


class RequestInvalid(DomainError):
    """A request that does not match its model: every problem, by field."""

    code = "validation_error"

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(_("Some fields are missing or not valid."))
        self.fields = fields


class JsonBody(BaseModel):
    """A JSON body a customer's browser sends: unknown fields are ignored, and control
    characters are taken out of every text, as forms do."""

    model_config = ConfigDict(extra="ignore")

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        return strip_control(value)


def field_name(location: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in location) or "body"


def _worded(problem: Mapping[str, Any]) -> str:
    kind = problem.get("type", "")
    if kind == "missing" or (kind == "string_type" and problem.get("input") is None):
        return _("This field is required.")
    if kind == "string_type":
        return _("This field must be text.")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("The body must be a JSON object.")
    return _("This value is not valid.")


def problems(error: ModelError, *, translate: bool) -> dict[str, str]:
    """The first problem of each field: pydantic's words, or ours in the request's language."""
    fields: dict[str, str] = {}
    for problem in error.errors(include_url=False):
        message = _worded(problem) if translate else str(problem.get("msg", ""))
        fields.setdefault(field_name(problem.get("loc", ())), message)
    return fields


def parse_body(model: type[M], data: Any, *, translate: bool = True) -> M:
    """`data` read as `model`, or RequestInvalid naming every field that does not fit."""
    try:
        return model.model_validate(data)
    except ModelError as error:
        raise RequestInvalid(problems(error, translate=translate)) from None
