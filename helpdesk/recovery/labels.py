"""The team's answers to "was this a complaint?": which customer message a label is about,
and recording one in the caller's transaction (`helpdesk.recovery.service` has the use
cases; `helpdesk.recovery.adaptation` learns from them)."""

from __future__ import annotations

import sqlalchemy as sa

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.extensions import db
from helpdesk.models import ComplaintLabel, Message, Ticket, User
from helpdesk.recovery.adaptation import current_adaptation
from helpdesk.recovery.detection import detect
from helpdesk.recovery.settings import recovery_settings


def judged_message(ticket: Ticket) -> Message | None:
    """The customer message the detector judged the ticket by: its highest-scoring one
    (the earliest of equals), else (messages from before scores were kept) the first."""
    messages = db.session.scalars(
        sa.select(Message)
        .where(Message.ticket_id == ticket.id, Message.author_type == "customer")
        .order_by(Message.created_at, Message.id)
    ).all()
    if not messages:
        return None
    scored = [m for m in messages if m.complaint_score is not None]
    if not scored:
        return messages[0]
    best = max(m.complaint_score or 0.0 for m in scored)
    return next(m for m in scored if m.complaint_score == best)


def record_label(*, ticket: Ticket, actor: User, is_complaint: bool) -> ComplaintLabel | None:
    """Record (or change) the ticket's label; None when it has no customer message to learn
    from. Part of the caller's transaction."""
    message = judged_message(ticket)
    if message is None:
        return None
    threshold = recovery_settings().complaint_threshold
    label = ticket.complaint_label
    before = None if label is None else label.is_complaint
    if message.complaint_score is None:
        # Written before messages kept their score: what the detector says of it now.
        message.complaint_score = detect(
            message.body_source,
            language=ticket.customer.language if ticket.customer else None,
            adaptation=current_adaptation(),
        ).score
    score = message.complaint_score
    fields = {
        "message_id": message.id,
        "is_complaint": is_complaint,
        "score": score,
        "flagged": score is not None and score >= threshold,
        "labelled_by_id": actor.id,
        "labelled_at": now(),
    }
    if label is None:
        label = ComplaintLabel(ticket=ticket, **fields)
        db.session.add(label)
    else:
        for name, value in fields.items():
            setattr(label, name, value)
    if before != is_complaint:
        audit(
            actor=actor,
            action="ticket.complaint_label",
            obj=ticket,
            changes={"is_complaint": [before, is_complaint], "message_id": message.id},
        )
    return label
