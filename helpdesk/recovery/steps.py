"""The recovery steps other use cases are made of: scoring a customer message for a
complaint (and starting a recovery on one), refusing to close a complaint under recovery,
and noting a recovered complaint that reopens. They join the caller's transaction and
never commit; tickets reach them through `reactions.py`, the use cases are in `service.py`."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.errors import NotAllowed
from helpdesk.extensions import db
from helpdesk.founders.escalations import escalate_if_high_value, escalation_raise
from helpdesk.models import Message, Recovery, Ticket, User
from helpdesk.recovery.adaptation import current_adaptation
from helpdesk.recovery.detection import Detection, detect
from helpdesk.recovery.settings import recovery_settings


def _recent_contacts(ticket: Ticket) -> int:
    since = ticket.created_at - timedelta(days=7)
    count = db.session.scalar(
        sa.select(sa.func.count(Ticket.id)).where(
            Ticket.customer_id == ticket.customer_id,
            Ticket.created_at >= since,
            Ticket.created_at <= ticket.created_at,
        )
    )
    return int(count or 0)


def start_recovery(ticket: Ticket, actor: User | str) -> Recovery:
    recovery = Recovery(
        ticket=ticket,
        started_by_id=actor.id if isinstance(actor, User) else None,
        started_at=now(),
    )
    db.session.add(recovery)
    if ticket.kind != "complaint":
        ticket.kind = "complaint"
    db.session.flush()
    audit(actor=actor, action="recovery.start", obj=ticket, changes={"recovery_id": recovery.id})
    # The ticket is now a complaint: one from a VIP or high-value customer goes to founders.
    escalate_if_high_value(ticket=ticket, actor=actor)
    return recovery


def _waited_hours(ticket: Ticket, message: Message) -> float:
    """How long the customer had been waiting for us when they wrote `message`."""
    since = ticket.waiting_since
    if since is None or message.created_at is None or since >= message.created_at:
        return 0.0
    return (message.created_at - since).total_seconds() / 3600


def complaint_detection(
    *, body: str, customer_id: int | None, language: str | None, at: datetime
) -> Detection:
    """Score the first message of a ticket a customer is about to open, with only reads:
    a caller that does this before its first write keeps SQLite's write turn short."""
    contacts = 1  # the ticket about to be opened
    if customer_id is not None:
        contacts += int(
            db.session.scalar(
                sa.select(sa.func.count(Ticket.id)).where(
                    Ticket.customer_id == customer_id,
                    Ticket.created_at >= at - timedelta(days=7),
                    Ticket.created_at <= at,
                )
            )
            or 0
        )
    return detect(
        body,
        language=language,
        recent_contacts=contacts,
        adaptation=current_adaptation(),
    )


def prefill_detection(ticket: Ticket, detection: Detection) -> None:
    """Put a detection worked out before the first write onto a ticket not yet written,
    so its INSERT carries the score, the reasons and the kind (one UPDATE fewer each, in
    SQLite's write turn); `detect_complaint` then finds nothing left to change there."""
    ticket.sentiment_score = detection.score
    ticket.sentiment_reasons = [reason.as_dict() for reason in detection.reasons]
    if detection.score >= recovery_settings().complaint_threshold and ticket.status != "closed":
        ticket.kind = "complaint"


def detect_complaint(
    *, ticket: Ticket, message: Message, detection: Detection | None = None
) -> Detection:
    """Score a customer message (with the workspace's adaptation, and the score kept on the
    message) unless `detection` was worked out already; above the threshold the ticket
    becomes a complaint and a recovery starts; a strongly negative message flags the
    ticket for the founders."""
    settings = recovery_settings()
    if detection is None:
        detection = detect(
            message.body_source,
            language=ticket.customer.language if ticket.customer else None,
            recent_contacts=_recent_contacts(ticket),
            waited_hours=_waited_hours(ticket, message),
            adaptation=current_adaptation(),
        )
    message.complaint_score = detection.score
    if ticket.sentiment_score is None or detection.score >= ticket.sentiment_score:
        ticket.sentiment_score = detection.score
        ticket.sentiment_reasons = [reason.as_dict() for reason in detection.reasons]
    # A message on a closed ticket reopens it first (elsewhere); a closed ticket never gets
    # a recovery it could not finish.
    if (
        detection.score >= settings.complaint_threshold
        and ticket.recovery is None
        and ticket.status != "closed"
    ):
        db.session.flush()
        audit(
            actor="system",
            action="ticket.complaint_detected",
            obj=ticket,
            changes={"score": round(detection.score, 2), "message_id": message.id},
        )
        start_recovery(ticket, "system")
    # Strongly negative is the lexicon's tone, not the model's confidence: a calm "my order
    # has not arrived" can be a sure complaint without being a case for the founders.
    strong = detection.strongly_negative
    if strong:
        excerpt = " ".join(message.body_source.split())[:300]
        escalation_raise(
            ticket=ticket,
            reason="negative_sentiment",
            detail=_("Score %(score).2f: “%(excerpt)s”", score=detection.score, excerpt=excerpt),
            actor="system",
        )
    if strong and ticket.founder_flagged_at is None:
        ticket.founder_flagged_at = now()
        db.session.flush()
        audit(
            actor="system",
            action="ticket.flag_founders",
            obj=ticket,
            changes={"reason": "negative_sentiment", "message_id": message.id},
        )
    return detection


def note_reopened(ticket: Ticket) -> None:
    """A recovered complaint reopened within 14 days of being resolved did not stay fixed:
    the recovery's outcome records it (part of the caller's transaction)."""
    recovery = ticket.recovery
    if recovery is None or recovery.state == "ended" or ticket.resolved_at is None:
        return
    if now() - ticket.resolved_at <= timedelta(days=14):
        recovery.reopened_within_14_days = True


def check_can_close(ticket: Ticket) -> None:
    """A complaint in recovery closes only after Diagnose is done or skipped."""
    recovery = ticket.recovery
    if recovery is not None and recovery.state == "active":
        raise NotAllowed(
            _("Finish the Diagnose step, or skip it with a reason, before closing this complaint.")
        )
