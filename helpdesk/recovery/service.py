"""Recovery use cases: detect complaints on customer messages, start and end recoveries,
walk the five HEARD steps in order, and the rule that a complaint is not closed before
Diagnose. Functions named `recovery_*` are use cases and commit once; `detect_complaint`
and `check_can_close` are part of the caller's use case and never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.founders.escalations import escalate_if_high_value, escalation_raise
from helpdesk.models import Message, Recovery, RecoveryStep, RootCause, Ticket, User
from helpdesk.models.recovery import STEPS
from helpdesk.recovery.detection import (
    COMPLAINT_THRESHOLD,
    STRONG_THRESHOLD,
    Detection,
    detect,
)
from helpdesk.settings.service import setting_get, setting_put

MAX_FIELD_CHARS = 5000


@dataclass(frozen=True)
class RecoverySettings:
    complaint_threshold: float = COMPLAINT_THRESHOLD
    strong_threshold: float = STRONG_THRESHOLD
    # What the company sells, as phrases say it ("your Acme account"); empty: "us".
    product_name: str = ""


def recovery_settings() -> RecoverySettings:
    stored = setting_get("recovery", {})
    return RecoverySettings(
        complaint_threshold=float(stored.get("complaint_threshold", COMPLAINT_THRESHOLD)),
        strong_threshold=float(stored.get("strong_threshold", STRONG_THRESHOLD)),
        product_name=str(stored.get("product_name", "")),
    )


def recovery_settings_update(
    *, actor: User, threshold: float, product_name: str
) -> RecoverySettings:
    """Set the score above which a customer message makes the ticket a complaint, and the
    product name phrases use."""
    if not actor.can("admin"):
        raise NotAllowed(_("Only an admin can change recovery settings."))
    if not 0.05 <= threshold <= 1.0:
        raise ValidationError("complaint_threshold", _("Use a number from 0.05 to 1.0."))
    product_name = " ".join((product_name or "").split())
    if len(product_name) > 80:
        raise ValidationError("product_name", _("Use at most %(count)d characters.", count=80))
    before = recovery_settings()
    stored = dict(setting_get("recovery", {}))
    stored["complaint_threshold"] = round(threshold, 2)
    stored["product_name"] = product_name
    setting_put("recovery", stored)
    audit(
        actor=actor,
        action="settings.recovery",
        obj=actor,
        changes={
            "complaint_threshold": [before.complaint_threshold, round(threshold, 2)],
            "product_name": [before.product_name, product_name],
        },
    )
    db.session.commit()
    return recovery_settings()


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


def _start(ticket: Ticket, actor: User | str) -> Recovery:
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


def detect_complaint(*, ticket: Ticket, message: Message) -> Detection:
    """Score a customer message; above the threshold the ticket becomes a complaint and a
    recovery starts; a strongly negative message flags the ticket for the founders."""
    settings = recovery_settings()
    detection = detect(
        message.body_source,
        language=ticket.customer.language if ticket.customer else None,
        recent_contacts=_recent_contacts(ticket),
    )
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
        _start(ticket, "system")
    strong = detection.strongly_negative or detection.score >= settings.strong_threshold
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


def recovery_start(*, ticket: Ticket, actor: User) -> Recovery:
    """Start a recovery by hand (the ticket becomes a complaint)."""
    if ticket.status == "closed":
        raise NotAllowed(_("Reopen the ticket first."))
    if ticket.recovery is not None and ticket.recovery.state == "active":
        raise NotAllowed(_("A recovery is already under way."))
    if ticket.recovery is not None and ticket.recovery.state == "completed":
        raise NotAllowed(_("This complaint was recovered; reopen a step to go back to it."))
    if ticket.recovery is not None:
        # Start over: the earlier, ended recovery is replaced.
        db.session.delete(ticket.recovery)
        db.session.flush()
        db.session.refresh(ticket, ["recovery"])
    recovery = _start(ticket, actor)
    db.session.commit()
    return recovery


def recovery_end(*, recovery: Recovery, actor: User, reason: str) -> Recovery:
    """End a recovery early (say, it was not a complaint after all), with the reason."""
    reason = _text(reason, "reason", required=True)
    if recovery.state != "active":
        raise NotAllowed(_("This recovery is not under way."))
    recovery.state = "ended"
    recovery.ended_at = now()
    recovery.ended_by_id = actor.id
    recovery.end_reason = reason
    changes: dict[str, object] = {"reason": reason}
    ticket = recovery.ticket
    if ticket.kind == "complaint":  # not a complaint after all
        changes["kind"] = ["complaint", "problem"]
        ticket.kind = "problem"
    audit(actor=actor, action="recovery.end", obj=ticket, changes=changes)
    db.session.commit()
    return recovery


def recovery_mark_read(*, recovery: Recovery, actor: User) -> Recovery:
    """Hear: note that `actor` has read the conversation to the end."""
    first_read_by_actor = recovery.last_read_by_id != actor.id
    recovery.last_read_at = now()
    recovery.last_read_by_id = actor.id
    if first_read_by_actor:  # later re-reads only move the time
        audit(actor=actor, action="recovery.read", obj=recovery.ticket)
    db.session.commit()
    return recovery


def _text(value: str | None, field: str, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(field, _("Fill this in to finish the step."))
    if len(value) > MAX_FIELD_CHARS:
        raise ValidationError(field, _("Use at most %(count)d characters.", count=MAX_FIELD_CHARS))
    return value


def recovery_complete_step(
    *,
    recovery: Recovery,
    step: str,
    actor: User,
    note: str | None = None,
    problem_summary: str | None = None,
    resolution: str | None = None,
    root_cause_id: int | None = None,
    process_gap: str | None = None,
    process_fix: str | None = None,
) -> Recovery:
    """Mark the current step done, with what the step records; steps go in order."""
    if step not in STEPS:
        raise ValidationError("step", _("Unknown step."))
    if recovery.state != "active":
        raise NotAllowed(_("This recovery is not under way."))
    if step != recovery.current_step:
        raise ValidationError("step", _("Finish the earlier steps first."))
    changes: dict[str, object] = {"step": step}
    if step == "hear":
        recovery.problem_summary = _text(problem_summary, "problem_summary", required=True)
    elif step == "resolve":
        recovery.resolution = _text(resolution, "resolution", required=True)
    elif step == "diagnose":
        cause = db.session.get(RootCause, root_cause_id) if root_cause_id else None
        if cause is None or not cause.active:
            raise ValidationError("root_cause_id", _("Choose a root cause."))
        recovery.root_cause_id = cause.id
        recovery.process_gap = _text(process_gap, "process_gap", required=True)
        recovery.process_fix = _text(process_fix, "process_fix", required=True)
        changes["root_cause"] = cause.name
    recovery.steps.append(
        RecoveryStep(
            step=step,
            done_by_id=actor.id,
            done_at=now(),
            note=_text(note, "note", required=False) or None,
        )
    )
    _advance(recovery)
    audit(actor=actor, action="recovery.step_done", obj=recovery.ticket, changes=changes)
    db.session.commit()
    return recovery


def recovery_skip_diagnose(*, recovery: Recovery, actor: User, reason: str) -> Recovery:
    """Skip Diagnose with a reason (so the complaint can close); audited."""
    reason = _text(reason, "skip_reason", required=True)
    if recovery.state != "active" or recovery.current_step != "diagnose":
        raise ValidationError("step", _("Finish the earlier steps first."))
    recovery.diagnose_skip_reason = reason
    recovery.steps.append(
        RecoveryStep(step="diagnose", done_by_id=actor.id, done_at=now(), note=reason, skipped=True)
    )
    _advance(recovery)
    audit(
        actor=actor,
        action="recovery.diagnose_skipped",
        obj=recovery.ticket,
        changes={"reason": reason},
    )
    db.session.commit()
    return recovery


def recovery_reopen_step(*, recovery: Recovery, step: str, actor: User) -> Recovery:
    """Open a done step again; the steps after it open again too, to keep the order."""
    if step not in STEPS or recovery.step_record(step) is None:
        raise ValidationError("step", _("This step is not done."))
    if recovery.state == "ended":
        raise NotAllowed(_("This recovery is not under way."))
    if recovery.ticket.status == "closed":
        raise NotAllowed(_("Reopen the ticket first."))
    index = STEPS.index(step)
    for record in list(recovery.steps):
        if STEPS.index(record.step) >= index:
            recovery.steps.remove(record)
    if step == "diagnose":
        recovery.diagnose_skip_reason = None
    recovery.state = "active"
    recovery.current_step = step
    audit(actor=actor, action="recovery.step_reopened", obj=recovery.ticket, changes={"step": step})
    db.session.commit()
    return recovery


def _advance(recovery: Recovery) -> None:
    done = {record.step for record in recovery.steps}
    remaining = [step for step in STEPS if step not in done]
    if remaining:
        recovery.current_step = remaining[0]
    else:
        recovery.current_step = "done"
        recovery.state = "completed"
