"""Recovery use cases: detect complaints on customer messages, start and end recoveries,
walk the five HEARD steps in order, the rule that a complaint is not closed before
Diagnose, and the team's answers to "is this a complaint?". Functions named `recovery_*`
and `complaint_label*` are use cases, decorated `@use_case` (one commit, or a rollback when
they raise); `detect_complaint`, `check_can_close` and `apply_label` are part of the
caller's use case and never commit."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.founders.escalations import escalate_if_high_value, escalation_raise
from helpdesk.models import Message, Recovery, RecoveryStep, RootCause, Ticket, User
from helpdesk.models.recovery import STEPS
from helpdesk.recovery.adaptation import current_adaptation
from helpdesk.recovery.detection import Detection, detect
from helpdesk.recovery.labels import record_label
from helpdesk.recovery.settings import recovery_settings

MAX_FIELD_CHARS = 5000


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
        _start(ticket, "system")
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


@use_case
def recovery_start(*, ticket: Ticket, actor: User) -> Recovery:
    """Start a recovery by hand (the ticket becomes a complaint, and is labelled one for
    the detector to learn from)."""
    _check_can_start(ticket)
    recovery = _start_again(ticket, actor)
    record_label(ticket=ticket, actor=actor, is_complaint=True)
    return recovery


def _check_can_start(ticket: Ticket) -> None:
    if ticket.status == "closed":
        raise NotAllowed(_("Reopen the ticket first."))
    if ticket.recovery is not None and ticket.recovery.state == "active":
        raise NotAllowed(_("A recovery is already under way."))
    if ticket.recovery is not None and ticket.recovery.state == "completed":
        raise NotAllowed(_("This complaint was recovered; reopen a step to go back to it."))


def _start_again(ticket: Ticket, actor: User) -> Recovery:
    """Start a recovery a person asked for, replacing an ended one (part of the caller's
    use case; `_check_can_start` first)."""
    if ticket.recovery is not None:
        # Start over: the earlier, ended recovery is replaced.
        db.session.delete(ticket.recovery)
        db.session.flush()
        db.session.refresh(ticket, ["recovery"])
    return _start(ticket, actor)


@use_case
def recovery_end(*, recovery: Recovery, actor: User, reason: str) -> Recovery:
    """End a recovery early because it was not a complaint after all, with the reason; the
    ticket is labelled "not a complaint" for the detector to learn from."""
    reason = _text(reason, "reason", required=True)
    if recovery.state != "active":
        raise NotAllowed(_("This recovery is not under way."))
    _end(recovery, actor, reason)
    record_label(ticket=recovery.ticket, actor=actor, is_complaint=False)
    return recovery


def _end(recovery: Recovery, actor: User, reason: str) -> None:
    """End an active recovery: the ticket is no complaint (part of the caller's use case)."""
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


@use_case
def recovery_mark_read(*, recovery: Recovery, actor: User) -> Recovery:
    """Hear: note that `actor` has read the conversation to the end."""
    first_read_by_actor = recovery.last_read_by_id != actor.id
    recovery.last_read_at = now()
    recovery.last_read_by_id = actor.id
    if first_read_by_actor:  # later re-reads only move the time
        audit(actor=actor, action="recovery.read", obj=recovery.ticket)
    return recovery


def _text(value: str | None, field: str, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(field, _("Fill this in to finish the step."))
    if len(value) > MAX_FIELD_CHARS:
        raise ValidationError(field, _("Use at most %(count)d characters.", count=MAX_FIELD_CHARS))
    return value


@use_case
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
    return recovery


@use_case
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
    return recovery


@use_case
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
    return recovery


def _advance(recovery: Recovery) -> None:
    done = {record.step for record in recovery.steps}
    remaining = [step for step in STEPS if step not in done]
    if remaining:
        recovery.current_step = remaining[0]
    else:
        recovery.current_step = "done"
        recovery.state = "completed"


def apply_label(ticket: Ticket, actor: User, is_complaint: bool) -> bool:
    """Label one ticket and act on it: a complaint gets a recovery (unless closed or one
    exists), a non-complaint's recovery ends. False when there is nothing to label. Part of
    the caller's transaction."""
    if record_label(ticket=ticket, actor=actor, is_complaint=is_complaint) is None:
        return False
    recovery = ticket.recovery
    if is_complaint:
        if ticket.status != "closed" and (recovery is None or recovery.state == "ended"):
            _start_again(ticket, actor)
        elif ticket.kind != "complaint":
            audit(
                actor=actor,
                action="ticket.update",
                obj=ticket,
                changes={"kind": [ticket.kind, "complaint"]},
            )
            ticket.kind = "complaint"
    elif recovery is not None and recovery.state == "active":
        _end(recovery, actor, _("Not a complaint"))
    elif ticket.kind == "complaint":
        audit(
            actor=actor,
            action="ticket.update",
            obj=ticket,
            changes={"kind": ["complaint", "problem"]},
        )
        ticket.kind = "problem"
    return True


@use_case
def complaint_label_set(*, ticket: Ticket, actor: User, is_complaint: bool) -> Ticket:
    """An agent says whether this ticket is a complaint: the detector learns from it, and
    the ticket follows (a recovery starts, or ends)."""
    if not apply_label(ticket, actor, is_complaint):
        raise ValidationError(
            "is_complaint", _("This ticket has no message from the customer to judge.")
        )
    return ticket


@use_case
def complaint_labels_bulk(*, numbers: list[int], actor: User, is_complaint: bool) -> int:
    """Label many tickets at once (from the inbox); returns how many were labelled."""
    if not numbers:
        raise ValidationError("tickets", _("Select at least one ticket."))
    if len(set(numbers)) > 500:
        raise ValidationError("tickets", _("Change at most 500 tickets at once."))
    tickets = list(db.session.scalars(sa.select(Ticket).where(Ticket.number.in_(set(numbers)))))
    if len(tickets) != len(set(numbers)):
        raise ValidationError("tickets", _("Some selected tickets no longer exist."))
    labelled = sum(apply_label(ticket, actor, is_complaint) for ticket in tickets)
    return labelled
