"""`/api/v1/promises`: the promised updates (filter by status or ticket, cursor), and
promising one on a ticket — told to the customer in a reply, as the composer does
(helpdesk.promises.tell)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from flask import Response, jsonify
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import (
    AliasChoices,
    AliasPath,
    AwareDatetime,
    BaseModel,
    Field,
    StrictStr,
    field_validator,
)
from sqlalchemy.orm import joinedload

from helpdesk.api.blueprint import api_blueprint, fields_named
from helpdesk.api.pagination import PageQuery, paginate
from helpdesk.api.schemas import In, Out, UserRef
from helpdesk.api.spec import responses, spec
from helpdesk.api.text_rules import VISIBLE
from helpdesk.auth.access import require_role
from helpdesk.forms import MAX_ID
from helpdesk.models import Promise, Ticket
from helpdesk.models.promise import PROMISE_STATES
from helpdesk.promises.padding import MAX_AHEAD
from helpdesk.promises.service import MAX_PROMISE_TEXT
from helpdesk.promises.tell import promise_tell
from helpdesk.tickets.lookups import ticket_or_404
from helpdesk.web.converters import api_id

bp = api_blueprint("api_promises", __name__)
bp.before_request(require_role("agent"))

TAG = "Promises"
PromiseStatus = Literal[PROMISE_STATES]  # type: ignore[valid-type]


class PromiseOut(Out):
    id: int
    ticket_number: int = Field(
        validation_alias=AliasChoices(AliasPath("ticket", "number"), "ticket_number")
    )
    agent: UserRef = Field(description="Who made the promise.")
    text: str = Field(description="What the customer was told.")
    due_at: datetime
    status: PromiseStatus
    kept_early: bool
    reminded_at: datetime | None
    fulfilled_at: datetime | None = Field(description="When it was kept.")
    escalated_at: datetime | None
    created_at: datetime


class PromisePage(BaseModel):
    items: list[PromiseOut]
    next_cursor: str | None = Field(
        description="Pass as `after` for the next page; null on the last page."
    )


class PromiseQuery(PageQuery):
    status: PromiseStatus | None = None
    ticket: int | None = Field(default=None, ge=1, le=MAX_ID, description="A ticket number.")


class PromiseCreate(In):
    due_at: AwareDatetime = Field(
        description=(
            "When the customer will hear from you: ISO 8601 with its offset, in the future "
            f"and at most {MAX_AHEAD.days} days ahead (a 422 otherwise: the window moves "
            "with the clock, so the document cannot state it as a bound)."
        )
    )
    text: StrictStr | None = Field(
        default=None,
        max_length=MAX_PROMISE_TEXT,
        pattern=VISIBLE,
        description="The reply telling the customer; without it, the usual promise sentence "
        "in the customer's language and time zone.",
    )

    @field_validator("due_at", mode="before")
    @classmethod
    def _text_only(cls, value: Any) -> Any:
        # Pydantic would read a number as Unix time; the API speaks ISO 8601 only.
        if not isinstance(value, str):
            raise ValueError("Give the time as an ISO 8601 string with its offset.")
        return value


def _out(promise: Promise) -> dict[str, Any]:
    return PromiseOut.model_validate(promise).model_dump(mode="json")


@bp.get("/promises")
@spec.validate(query=PromiseQuery, resp=responses({200: PromisePage}, 422), tags=[TAG])
def list_promises(query: PromiseQuery) -> Response:
    """List promises, newest first.

    Filter by `status` (pending, kept, missed, cancelled) and `ticket` (its number). Pages
    hold 50 (`limit` up to 100); follow `next_cursor` with `after`."""
    select = sa.select(Promise).options(joinedload(Promise.ticket), joinedload(Promise.agent))
    if query.status is not None:
        select = select.where(Promise.status == query.status)
    if query.ticket is not None:
        ticket_id = sa.select(Ticket.id).where(Ticket.number == query.ticket).scalar_subquery()
        select = select.where(Promise.ticket_id == ticket_id)
    page = paginate(
        select,
        created_at=Promise.created_at,
        row_id=Promise.id,
        limit=query.limit,
        after=query.after,
    )
    return jsonify(items=[_out(promise) for promise in page.items], next_cursor=page.next_cursor)


@bp.post(f"/tickets/{api_id('number')}/promises")
@spec.validate(json=PromiseCreate, resp=responses({201: PromiseOut}, 404, 415, 422), tags=[TAG])
def create_promise(number: int, json: PromiseCreate) -> tuple[Response, int]:
    """Promise the customer an update by `due_at`.

    The promise is told in a public reply (emailed to the customer, like a reply from the
    ticket page): `text`, or the usual sentence. A pending promise on the ticket is kept
    by that reply and replaced by the new one."""
    ticket = ticket_or_404(number, description=_("There is no ticket with that number."))
    with fields_named(promise_due_at="due_at", body="text"):
        promise = promise_tell(
            ticket=ticket, agent=current_user, due_at=json.due_at, text=json.text
        )
    return jsonify(_out(promise)), 201
