"""Recovery use cases: start and end recoveries, walk the five HEARD steps in order, and
the team's answers to "is this a complaint?". Functions named `recovery_*` and
`complaint_label*` are use cases, decorated `@use_case` (one commit, or a rollback when
they raise); `apply_label` is part of the caller's use case and never commits. Detection
and the closing rule are steps, in `steps.py`."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.models import Recovery, RecoveryStep, RootCause, Ticket, User
from helpdesk.models.recovery import STEPS
from helpdesk.recovery.labels import record_label
from helpdesk.recovery.steps import start_recovery

MAX_FIELD_CHARS = 5000


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
    return start_recovery(ticket, actor)


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
