"""`/api/v1/ratings` and `/api/v1/nps-responses`: what customers said about the help and
about the product, newest first with a cursor. Founders (and admins) only."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from flask import Response, jsonify
from pydantic import AliasChoices, AliasPath, BaseModel, Field
from sqlalchemy.orm import joinedload

from helpdesk.api.blueprint import api_blueprint
from helpdesk.api.pagination import PageQuery, paginate
from helpdesk.api.schemas import CustomerRef, Out
from helpdesk.api.spec import responses, spec
from helpdesk.auth.access import require_role
from helpdesk.models import RATING_SCORES, NpsResponse, NpsSurvey, Rating
from helpdesk.models.feedback import RATING_CHANNELS

bp = api_blueprint("api_feedback", __name__)
bp.before_request(require_role("founder"))

TAG = "Feedback"
RatingScore = Literal[RATING_SCORES]  # type: ignore[valid-type]
RatingChannel = Literal[RATING_CHANNELS]  # type: ignore[valid-type]
NEXT_CURSOR = "Pass as `after` for the next page; null on the last page."


class RatingOut(Out):
    id: int
    ticket_number: int = Field(
        validation_alias=AliasChoices(AliasPath("ticket", "number"), "ticket_number")
    )
    customer: CustomerRef
    score: RatingScore
    comment: str
    channel: RatingChannel = Field(description="Where the customer rated: widget, page, email.")
    created_at: datetime
    updated_at: datetime = Field(description="When the customer last changed their rating.")


class RatingPage(BaseModel):
    items: list[RatingOut]
    next_cursor: str | None = Field(description=NEXT_CURSOR)


class NpsRoundRef(Out):
    id: int
    period_start: datetime
    period_end: datetime = Field(description="Customers active in [start, end) were asked.")


class NpsResponseOut(Out):
    id: int
    customer: CustomerRef
    score: int = Field(ge=0, le=10, description="0-10: would they recommend us?")
    group: Literal["promoter", "passive", "detractor"]
    reason: str
    round: NpsRoundRef = Field(
        validation_alias=AliasChoices(AliasPath("survey", "round"), "round"),
        description="The survey round the answer belongs to.",
    )
    created_at: datetime
    updated_at: datetime = Field(description="When the customer last changed their answer.")


class NpsResponsePage(BaseModel):
    items: list[NpsResponseOut]
    next_cursor: str | None = Field(description=NEXT_CURSOR)


class FeedbackQuery(PageQuery):
    """Just the page: 50 a page (`limit` up to 100), `after` for the next."""


def _dump(model: type[Out], rows: list[Any]) -> list[dict[str, Any]]:
    return [model.model_validate(row).model_dump(mode="json") for row in rows]


@bp.get("/ratings")
@spec.validate(query=FeedbackQuery, resp=responses({200: RatingPage}, 422), tags=[TAG])
def list_ratings(query: FeedbackQuery) -> Response:
    """List satisfaction ratings of tickets, newest first."""
    page = paginate(
        sa.select(Rating).options(joinedload(Rating.ticket), joinedload(Rating.customer)),
        created_at=Rating.created_at,
        row_id=Rating.id,
        limit=query.limit,
        after=query.after,
    )
    return jsonify(items=_dump(RatingOut, page.items), next_cursor=page.next_cursor)


@bp.get("/nps-responses")
@spec.validate(query=FeedbackQuery, resp=responses({200: NpsResponsePage}, 422), tags=[TAG])
def list_nps_responses(query: FeedbackQuery) -> Response:
    """List Net Promoter answers, newest first, with their survey round."""
    page = paginate(
        sa.select(NpsResponse).options(
            joinedload(NpsResponse.customer),
            joinedload(NpsResponse.survey).joinedload(NpsSurvey.round),
        ),
        created_at=NpsResponse.created_at,
        row_id=NpsResponse.id,
        limit=query.limit,
        after=query.after,
    )
    return jsonify(items=_dump(NpsResponseOut, page.items), next_cursor=page.next_cursor)
