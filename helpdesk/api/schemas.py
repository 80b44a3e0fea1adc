"""Request and response models shared by the API's resources. Responses are read from
the ORM objects (`from_attributes`); requests forbid unknown fields so a typo is an error,
not a silently ignored value."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)
from spectree.model_adapter.pydantic_adapter import BaseFile

from helpdesk.api.text_rules import (
    CURSOR,
    EMAIL,
    ID_DIGITS,
    NO_CONTROL,
    VISIBLE,
    refuse_control,
)
from helpdesk.forms import MAX_ID
from helpdesk.models import Message, Ticket
from helpdesk.models.ticket import AUTHOR_TYPES, CHANNELS, KINDS, PRIORITIES, STATUSES
from helpdesk.tickets.inbox_filters import SORTS, VIEWS
from helpdesk.tickets.steps import (
    MAX_BODY_CHARS,
    MAX_SUBJECT_CHARS,
    MAX_TAG_CHARS,
    MAX_TAGS,
    tag_pattern,
)
from helpdesk.webhooks.payloads import message_json, ticket_json

Status = Literal[STATUSES]  # type: ignore[valid-type]
Priority = Literal[PRIORITIES]  # type: ignore[valid-type]
Kind = Literal[KINDS]  # type: ignore[valid-type]
Channel = Literal[CHANNELS]  # type: ignore[valid-type]
AuthorType = Literal[AUTHOR_TYPES]  # type: ignore[valid-type]
View = Literal[VIEWS]  # type: ignore[valid-type]
Sort = Literal[SORTS]  # type: ignore[valid-type]


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class In(BaseModel):
    """A request body or query. JSON bodies use the Strict types: `"yes"` is not a boolean
    and `"5"` not a number (query strings are text, so queries use plain types). A control
    character in any string is refused (422 naming the field), not removed: PostgreSQL
    refuses NUL, and what a client sent must be what it gets back or an error. The OpenAPI
    document says so: every string without a pattern of its own gets `NO_CONTROL`."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra=lambda schema, model: _declare(schema, model)
    )
    # Rules across fields, added to the model's JSON Schema (e.g. `anyOf` required keys).
    schema_rules: ClassVar[dict[str, Any]] = {}

    @field_validator("*", mode="before")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        if isinstance(value, float) and value.is_integer():
            # JSON Schema's integers include 7.0 (a strict int field still refuses "7").
            return int(value)
        return refuse_control(value)


def _declare(schema: dict[str, Any], model: Any) -> None:
    """Complete an In model's JSON Schema: the `NO_CONTROL` pattern, and its `schema_rules`."""
    _no_control(schema)
    schema.update(model.schema_rules)


def _no_control(schema: Any) -> None:
    """Give every string schema in `schema` without a pattern, enum, const or format of
    its own the `NO_CONTROL` pattern (in place)."""
    if isinstance(schema, list):
        for item in schema:
            _no_control(item)
        return
    if not isinstance(schema, dict):
        return
    if (
        schema.get("type") == "string"
        and not {"pattern", "enum", "const", "format"} & schema.keys()
    ):
        schema["pattern"] = NO_CONTROL
    for key, item in schema.items():
        if key not in ("default", "examples", "enum", "const"):
            _no_control(item)


class UserRef(Out):
    id: int
    name: str
    email: str


class CustomerRef(Out):
    id: int
    email: str
    name: str


class TicketOut(Out):
    """A ticket, in the shape webhooks send too (`helpdesk.webhooks.payloads`)."""

    number: int
    subject: str
    status: Status
    priority: Priority
    kind: Kind
    channel: Channel
    customer: CustomerRef
    assignee: UserRef | None
    tags: list[str] = Field(description="Sorted.")
    created_at: datetime
    updated_at: datetime = Field(description="The last activity.")
    first_staff_reply_at: datetime | None
    resolved_at: datetime | None
    url: str = Field(description="The ticket page.")

    @model_validator(mode="before")
    @classmethod
    def _from_ticket(cls, value: Any) -> Any:
        return ticket_json(value) if isinstance(value, Ticket) else value


class AttachmentOut(BaseModel):
    """A file on a message. Download it from `url` with the same token."""

    id: int
    message_id: int
    filename: str
    content_type: str = Field(description="Decided from the file's content and name.")
    size: int = Field(description="Bytes.")
    url: str


class AttachmentList(BaseModel):
    items: list[AttachmentOut]


class MessageOut(Out):
    """A message, in the shape webhooks send too (webhooks leave `attachments` empty)."""

    id: int
    ticket_number: int
    author_type: AuthorType
    author: UserRef | CustomerRef | None = Field(
        description="The customer or staff member who wrote it; null for system messages."
    )
    internal: bool = Field(description="An internal note, never shown to the customer.")
    body: str = Field(description="What the author wrote (Markdown or plain text).")
    body_html: str = Field(description="The sanitised HTML shown in the helpdesk.")
    created_at: datetime
    attachments: list[AttachmentOut] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _from_message(cls, value: Any) -> Any:
        return message_json(value) if isinstance(value, Message) else value


class TicketDetail(TicketOut):
    messages: list[MessageOut]


class TicketPage(BaseModel):
    items: list[TicketOut]
    next_cursor: str | None = Field(
        description="Pass as `after` for the next page; null on the last page."
    )


class TicketQuery(In):
    view: View = "all"
    status: Status | None = None
    priority: Priority | None = None
    tag: str | None = Field(default=None, max_length=MAX_TAG_CHARS)
    assignee: str | None = Field(
        default=None,
        max_length=10,
        pattern=f"^(none|{ID_DIGITS})?$",
        description="A user id, or `none` for unassigned tickets.",
    )
    channel: Channel | None = None
    sort: Sort = "latest"
    q: str | None = Field(default=None, max_length=200, description="Full-text search.")
    after: str | None = Field(
        default=None,
        max_length=500,
        pattern=CURSOR,
        description="The `next_cursor` of the previous page, with the same parameters "
        "(another sort or view has other cursors): any other value is a 422.",
    )


class TicketCreate(In):
    customer_email: StrictStr = Field(max_length=254, json_schema_extra=EMAIL)
    customer_name: StrictStr = Field(
        default="",
        max_length=120,
        description="Needed when the customer is new (a 409 without it).",
    )
    subject: StrictStr = Field(max_length=MAX_SUBJECT_CHARS, pattern=VISIBLE)
    body: StrictStr = Field(
        max_length=MAX_BODY_CHARS, pattern=VISIBLE, description="The customer's words, Markdown."
    )
    priority: Priority = "normal"


class TicketUpdate(In):
    status: Status | None = None
    priority: Priority | None = None
    assignee_id: StrictInt | None = Field(
        default=None,
        ge=1,
        le=MAX_ID,
        description="A staff user's id; null unassigns (only when sent). Someone who is "
        "not an active staff member is a 409.",
    )
    tags: list[Annotated[StrictStr, Field(pattern=tag_pattern())]] | None = Field(
        default=None,
        max_length=MAX_TAGS,
        description=f"Up to {MAX_TAG_CHARS} letters, digits, - or _ each, starting with a "
        "letter or digit; stored in lower case.",
    )


class MessageCreateForm(BaseModel):
    """The same reply as multipart/form-data, with files in `attachments` (repeat the
    part for several). Limits: HELPDESK_ATTACHMENT_MAX_BYTES per file,
    HELPDESK_ATTACHMENTS_MAX_BYTES and HELPDESK_ATTACHMENTS_MAX_FILES per message; types:
    images (PNG, JPEG, GIF, WebP), PDF, text and CSV, office documents, ZIP, checked by
    content and name. A refused file is a 422 naming it in `fields.attachments`."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    body: str = Field(max_length=MAX_BODY_CHARS, pattern=VISIBLE, description="Markdown.")
    internal: bool = Field(default=False, description="An internal note, never sent.")
    # A form has no null: these may be left out, not sent empty.
    status: Status = None
    attachments: list[BaseFile] | BaseFile = None  # type: ignore[assignment]

    # Not an In: the files are bytes. The body is text, refused with control characters.
    _body_text = field_validator("body", mode="before")(refuse_control)

    @field_validator("internal", mode="before")
    @classmethod
    def _true_or_false(cls, value: Any) -> Any:
        # A form sends a boolean as "true" or "false"; "0", "1", "yes" are not booleans.
        if value in ("true", "false"):
            return value == "true"
        if isinstance(value, bool):
            return value
        raise ValueError("Use true or false.")


class MessageCreate(In):
    body: StrictStr = Field(max_length=MAX_BODY_CHARS, pattern=VISIBLE, description="Markdown.")
    internal: StrictBool = Field(default=False, description="An internal note, never sent.")
    status: Status | None = Field(
        default=None, description="Move the ticket on with the reply (e.g. resolved)."
    )
