"""Ratings: the customer's one-click verdict on a resolved ticket, changeable afterwards."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.errors import Conflict, ValidationError
from helpdesk.extensions import db
from helpdesk.founders.escalations import escalation_raise
from helpdesk.models import RATING_SCORES, Rating, Ticket
from helpdesk.models.ticket import DONE_STATUSES
from helpdesk.webhooks.events import rating_received_event

MAX_COMMENT_CHARS = 2000


class NotResolved(Conflict):
    """Only a resolved (or closed) ticket can be rated."""

    code = "not_resolved"


def rating_for(ticket: Ticket) -> Rating | None:
    return db.session.scalar(sa.select(Rating).where(Rating.ticket_id == ticket.id))


def can_rate(ticket: Ticket) -> bool:
    return ticket.status in DONE_STATUSES


@use_case
def rating_record(*, ticket: Ticket, score: str, comment: str = "", channel: str) -> Rating:
    """Record the customer's rating of `ticket`, or change the one they gave before (two
    first ratings racing: the loser's becomes the change)."""
    try:
        return _record(ticket=ticket, score=score, comment=comment, channel=channel)
    except IntegrityError:
        db.session.rollback()
        return _record(ticket=ticket, score=score, comment=comment, channel=channel)


def _record(*, ticket: Ticket, score: str, comment: str, channel: str) -> Rating:
    if score not in RATING_SCORES:
        raise ValidationError("rating", _("Choose good, okay or bad."))
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_CHARS:
        raise ValidationError(
            "comment", _("Use at most %(count)d characters.", count=MAX_COMMENT_CHARS)
        )
    if not can_rate(ticket):
        raise NotResolved(_("You can rate the help once this conversation is resolved."))
    rating = rating_for(ticket)
    at = now()
    if rating is None:
        rating = Rating(
            ticket=ticket,
            customer_id=ticket.customer_id,
            score=score,
            comment=comment,
            channel=channel,
            created_at=at,
            updated_at=at,
        )
        db.session.add(rating)
        before = None
    else:
        before = rating.score
        rating.score, rating.comment, rating.channel, rating.updated_at = (
            score,
            comment,
            channel,
            at,
        )
    db.session.flush()
    audit(
        actor=f"customer:{ticket.customer_id}",
        action="rating.record",
        obj=ticket,
        changes={"score": [before, score], "channel": channel, "rating_id": rating.id},
    )
    if score == "bad":
        escalation_raise(
            ticket=ticket,
            reason="bad_rating",
            detail=_("Rated bad: “%(comment)s”", comment=comment) if comment else _("Rated bad."),
            actor=f"customer:{ticket.customer_id}",
        )
    rating_received_event(rating, before)
    return rating
