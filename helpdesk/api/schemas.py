"""Request and response models shared by the API's resources. Responses are read from
the ORM objects (`from_attributes`); requests forbid unknown fields so a typo is an error,
not a silently ignored value."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    model_validator,
)
from spectree.model_adapter.pydantic_adapter import BaseFile

from helpdesk.forms import MAX_ID, strip_control
from helpdesk.models import Message, Ticket
from helpdesk.models.ticket import AUTHOR_TYPES, CHANNELS, KINDS, PRIORITIES, STATUSES
from helpdesk.tickets.inbox_filters import SORTS, VIEWS
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
    and `"5"` not a number (query strings are text, so queries use plain types). Control
    characters are removed from every string first, as the web forms do (PostgreSQL
    refuses NUL, and the two databases must store the same thing)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _without_control_characters(cls, data: Any) -> Any:
        return _strip_strings(data)


def _strip_strings(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _strip_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_strip_strings(item) for item in value]
    return strip_control(value)


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
    tag: str | None = Field(default=None, max_length=30)
    assignee: str | None = Field(
        default=None, description="A user id, or `none` for unassigned tickets.", max_length=20
    )
    channel: Channel | None = None
    sort: Sort = "latest"
    q: str | None = Field(default=None, max_length=200, description="Full-text search.")
    after: str | None = Field(default=None, max_length=500, description="A `next_cursor`.")


class TicketCreate(In):
    customer_email: StrictStr = Field(max_length=254)
    customer_name: StrictStr = Field(
        default="", max_length=120, description="Needed when the customer is new."
    )
    subject: StrictStr = Field(max_length=200)
    body: StrictStr = Field(description="The customer's words, Markdown.")
    priority: Priority = "normal"


class TicketUpdate(In):
    status: Status | None = None
    priority: Priority | None = None
    assignee_id: StrictInt | None = Field(
        default=None,
        ge=1,
        le=MAX_ID,
        description="A staff user's id; null unassigns (only when sent).",
    )
    tags: list[StrictStr] | None = Field(default=None, max_length=50)


class MessageCreateForm(BaseModel):
    """The same reply as multipart/form-data, with files in `attachments` (repeat the
    part for several). Limits: HELPDESK_ATTACHMENT_MAX_BYTES per file,
    HELPDESK_ATTACHMENTS_MAX_BYTES and HELPDESK_ATTACHMENTS_MAX_FILES per message; types:
    images (PNG, JPEG, GIF, WebP), PDF, text and CSV, office documents, ZIP, checked by
    content and name. A refused file is a 422 naming it in `fields.attachments`."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    body: str = Field(description="Markdown.")
    internal: bool = Field(default=False, description="An internal note, never sent.")
    status: Status | None = None
    attachments: list[BaseFile] | BaseFile | None = Field(default=None)


class MessageCreate(In):
    body: StrictStr = Field(description="Markdown.")
    internal: StrictBool = Field(default=False, description="An internal note, never sent.")
    status: Status | None = Field(
        default=None, description="Move the ticket on with the reply (e.g. resolved)."
    )
