"""`/api/v1/events`: product events in, in batches of up to 1,000 (helpdesk.usage.ingest).

What the document can state (shapes, patterns, lengths, the batch size) is refused whole,
with a 422 naming the field: a client sending such a batch has a bug. What depends on the
data or the clock (an unknown customer, a time too far ahead or older than the retention)
is answered per event, so one bad event never loses the rest of the batch."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated, Any, ClassVar, Literal

from email_validator import EmailNotValidError, validate_email
from flask import Response, jsonify
from pydantic import (
    AwareDatetime,
    BaseModel,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from helpdesk.api.blueprint import api_blueprint
from helpdesk.api.schemas import In
from helpdesk.api.spec import responses, spec
from helpdesk.api.text_rules import EMAIL, VISIBLE
from helpdesk.auth.access import require_role
from helpdesk.customers.service import MAX_EXTERNAL_ID_CHARS
from helpdesk.usage.ingest import MAX_AHEAD, MAX_BATCH, EventIn, usage_events_record
from helpdesk.usage.settings import MAX_NAME_CHARS, NAME_PATTERN

bp = api_blueprint("api_events", __name__)
bp.before_request(require_role("agent"))

TAG = "Events"
MAX_ID_CHARS = 100
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]*$"
MAX_PROPERTIES = 20
PROPERTY_KEY = r"^[A-Za-z_][A-Za-z0-9_.-]*$"
MAX_PROPERTY_KEY_CHARS = 40
MAX_PROPERTY_CHARS = 200

PropertyValue = (
    Annotated[StrictStr, Field(max_length=MAX_PROPERTY_CHARS)]
    | StrictInt
    | StrictFloat
    | StrictBool
    | None
)


class EventCustomer(In):
    """Who did it: `external_id` (found first when given) or `email` (theirs or an alias)."""

    schema_rules: ClassVar[dict[str, Any]] = {
        "anyOf": [
            {"required": [key], "properties": {key: {"not": {"type": "null"}}}}
            for key in ("email", "external_id")
        ]
    }

    email: StrictStr | None = Field(default=None, max_length=254, json_schema_extra=EMAIL)
    external_id: StrictStr | None = Field(
        default=None, max_length=MAX_EXTERNAL_ID_CHARS, pattern=VISIBLE
    )

    @field_validator("email")
    @classmethod
    def _email_format(cls, value: str | None) -> str | None:
        # The document's `format: email`, checked as the customers' create-or-update checks
        # it: a malformed address is the client's bug (422), not an unknown customer.
        if value is not None and not _valid_email(value):
            raise ValueError("Enter a valid email address.")
        return value

    @model_validator(mode="after")
    def _one_key(self) -> EventCustomer:
        if self.email is None and self.external_id is None:
            raise ValueError("Give the customer's email or external_id.")
        return self


@lru_cache(maxsize=4096)
def _valid_email(value: str) -> bool:
    """Once per address, however many events of a batch carry it."""
    try:
        validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


class EventItem(In):
    id: StrictStr = Field(
        min_length=1,
        max_length=MAX_ID_CHARS,
        pattern=ID_PATTERN,
        description="Your id for the event (a UUID, say): an id sent again is counted once.",
    )
    customer: EventCustomer
    name: StrictStr = Field(
        max_length=MAX_NAME_CHARS,
        pattern=NAME_PATTERN,
        description="What they did, e.g. `logged_in`, `order_placed`.",
    )
    at: AwareDatetime = Field(
        description="When, ISO 8601 with its offset. Refused per event when more than "
        f"{int(MAX_AHEAD.total_seconds() // 60)} minutes ahead or older than the days of "
        "usage kept (a window that moves with the clock)."
    )
    properties: dict[str, PropertyValue] = Field(
        default_factory=dict,
        max_length=MAX_PROPERTIES,
        json_schema_extra={
            "propertyNames": {"maxLength": MAX_PROPERTY_KEY_CHARS, "pattern": PROPERTY_KEY}
        },
        description="Optional details, checked and not kept (only counts are kept).",
    )

    @field_validator("at", mode="before")
    @classmethod
    def _text_only(cls, value: Any) -> Any:
        # Pydantic would read a number as Unix time; the API speaks ISO 8601 only.
        if not isinstance(value, str):
            raise ValueError("Give the time as an ISO 8601 string with its offset.")
        return value

    @field_validator("properties")
    @classmethod
    def _keys(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key in value:
            if len(key) > MAX_PROPERTY_KEY_CHARS or not re.fullmatch(PROPERTY_KEY, key):
                raise ValueError(
                    f"Property names are up to {MAX_PROPERTY_KEY_CHARS} letters, digits, "
                    "_ . or -, starting with a letter or _."
                )
        return value


class EventBatch(In):
    events: list[EventItem] = Field(min_length=1, max_length=MAX_BATCH)

    @field_validator("*", mode="before")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        # Each event checks its own strings (`In`): walking the whole batch here first
        # would read every string twice (a third of a 1,000-event batch's time).
        return value


class EventError(BaseModel):
    code: Literal["unknown_customer", "at_in_future", "too_old", "at_invalid", "invalid_name"]
    message: str


class EventResult(BaseModel):
    id: str
    status: Literal["accepted", "duplicate", "rejected"] = Field(
        description="`duplicate`: the id was counted before (or earlier in this batch)."
    )
    error: EventError | None = Field(default=None, description="Why it was rejected.")


class EventBatchResult(BaseModel):
    accepted: int
    duplicates: int
    rejected: int
    results: list[EventResult] = Field(description="One per event, in the order sent.")


@bp.post("/events")
@spec.validate(json=EventBatch, resp=responses({200: EventBatchResult}, 413, 415, 422), tags=[TAG])
def record_events(json: EventBatch) -> Response:
    """Record what customers did in your product.

    Send up to 1,000 events at once. Each is counted once per `id` (resending a batch is
    safe), per customer, UTC day and `name`; the customer must exist (create them with
    `PUT /customers`). The answer has one result per event: `accepted`, `duplicate`, or
    `rejected` with an error (an unknown customer, a time in the future or older than the
    days kept); the other events of the batch are recorded all the same."""
    outcome = usage_events_record(
        events=[
            EventIn(
                id=item.id,
                name=item.name,
                at=item.at,
                email=item.customer.email,
                external_id=item.customer.external_id,
                properties=dict(item.properties),
            )
            for item in json.events
        ]
    )
    results = [
        {
            "id": item.id,
            "status": item.status,
            "error": {"code": item.code, "message": item.message} if item.code else None,
        }
        for item in outcome.events
    ]
    return jsonify(
        accepted=outcome.count("accepted"),
        duplicates=outcome.count("duplicate"),
        rejected=outcome.count("rejected"),
        results=results,
    )
