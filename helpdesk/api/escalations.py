"""`/api/v1/escalations`: the founders' review items — list (by status and reason, cursor)
and read. Founders (and admins) only: an agent's token gets 403."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Literal

from flask import Response, abort, jsonify
from flask_babel import gettext as _
from pydantic import BaseModel, Field

from helpdesk.api.blueprint import api_blueprint
from helpdesk.api.pagination import PageQuery, paginate
from helpdesk.api.schemas import Out, TicketOut, UserRef
from helpdesk.api.spec import responses, spec
from helpdesk.auth.access import require_role
from helpdesk.founders.queries import escalation_with_ticket, escalations_with_tickets, users_by_id
from helpdesk.models import Escalation, User
from helpdesk.models.escalation import ESCALATION_REASONS, ESCALATION_STATES
from helpdesk.web.converters import api_id

bp = api_blueprint("api_escalations", __name__)
bp.before_request(require_role("founder"))

TAG = "Escalations"
EscalationStatus = Literal[ESCALATION_STATES]  # type: ignore[valid-type]
EscalationReason = Literal[ESCALATION_REASONS]  # type: ignore[valid-type]


class EscalationOut(Out):
    id: int
    ticket: TicketOut
    reason: EscalationReason
    detail: str = Field(description="Why it was raised, in words.")
    status: EscalationStatus
    claimed_by: UserRef | None = Field(default=None, description="The founder looking into it.")
    founder_note: str | None = Field(description="What the founder did, when done.")
    outcome: str | None
    promise_id: int | None = Field(description="The missed promise that raised it, if any.")
    created_at: datetime
    updated_at: datetime


class EscalationPage(BaseModel):
    items: list[EscalationOut]
    next_cursor: str | None = Field(
        description="Pass as `after` for the next page; null on the last page."
    )


class EscalationQuery(PageQuery):
    status: EscalationStatus | None = None
    reason: EscalationReason | None = None


def _claimers(escalations: Iterable[Escalation]) -> dict[int, User]:
    """The founders who claimed these items, in one statement."""
    return users_by_id(
        {item.claimed_by_id for item in escalations if item.claimed_by_id is not None}
    )


def _out(escalation: Escalation, claimers: dict[int, User]) -> dict[str, Any]:
    data = EscalationOut.model_validate(escalation).model_dump(mode="json")
    claimer = claimers.get(escalation.claimed_by_id or 0)
    data["claimed_by"] = UserRef.model_validate(claimer).model_dump() if claimer else None
    return data


@bp.get("/escalations")
@spec.validate(query=EscalationQuery, resp=responses({200: EscalationPage}, 422), tags=[TAG])
def list_escalations(query: EscalationQuery) -> Response:
    """List founder-review items, newest first.

    Filter by `status` (open, claimed, done) and `reason`. Pages hold 50 (`limit` up to
    100); follow `next_cursor` with `after`."""
    select = escalations_with_tickets()
    if query.status is not None:
        select = select.where(Escalation.status == query.status)
    if query.reason is not None:
        select = select.where(Escalation.reason == query.reason)
    page = paginate(
        select,
        created_at=Escalation.created_at,
        row_id=Escalation.id,
        limit=query.limit,
        after=query.after,
    )
    claimers = _claimers(page.items)
    return jsonify(
        items=[_out(item, claimers) for item in page.items], next_cursor=page.next_cursor
    )


@bp.get(f"/escalations/{api_id('escalation_id')}")
@spec.validate(resp=responses({200: EscalationOut}, 404), tags=[TAG])
def get_escalation(escalation_id: int) -> Response:
    """Read one founder-review item with its ticket."""
    escalation = escalation_with_ticket(escalation_id)
    if escalation is None:
        abort(404, description=_("There is no escalation with that id."))
    return jsonify(_out(escalation, _claimers([escalation])))
