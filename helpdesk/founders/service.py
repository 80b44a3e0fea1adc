"""Founder use cases on escalations: an agent's "escalate to founders", and the queue's
claim, note, resolve and personal reply. Each checks the rules, audits (on the ticket, so
the ticket's history shows it) and commits once (`@use_case`).

Acting on an item (claim, reply, resolve) needs the founder role; an item another founder
has claimed is theirs (an admin may still resolve it), and a done item is finished.
"""

from __future__ import annotations

from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.errors import Conflict, NotAllowed, ValidationError
from helpdesk.founders.escalations import escalation_raise
from helpdesk.models import Escalation, Message, Ticket, User
from helpdesk.tickets.steps import clean_body, staff_reply

__all__ = [
    "OUTCOMES",
    "escalation_claim",
    "escalation_manual",
    "escalation_note",
    "escalation_raise",
    "escalation_resolve",
    "founder_reply",
]

OUTCOMES = ("retained", "refunded", "churned", "other")
MAX_NOTE_CHARS = 2000


def _clean_note(note: str | None, *, required: bool, field: str = "note") -> str:
    note = (note or "").strip()
    if required and not note:
        raise ValidationError(field, _("Write a note first."))
    if len(note) > MAX_NOTE_CHARS:
        raise ValidationError(
            field,
            _(
                "This note is %(length)d characters long; the limit is %(limit)d.",
                length=len(note),
                limit=MAX_NOTE_CHARS,
            ),
        )
    return note


def _check_founder(actor: User) -> None:
    if not actor.can("founder"):
        raise NotAllowed(_("Only founders and admins work the review queue."))


def _check_can_act(escalation: Escalation, actor: User, *, admin_override: bool = False) -> None:
    _check_founder(actor)
    if escalation.status == "done":
        raise Conflict(_("This item is already done."))
    claimed_by_other = escalation.claimed_by_id is not None and escalation.claimed_by_id != actor.id
    if claimed_by_other and not (admin_override and actor.can("admin")):
        raise Conflict(_("Another founder has claimed this item."))


def _append_note(escalation: Escalation, actor: User, note: str) -> None:
    """Notes accumulate, each headed by who wrote it and when (UTC)."""
    entry = f"{actor.name} · {now():%Y-%m-%d %H:%M} UTC\n{note}"
    escalation.founder_note = (
        f"{escalation.founder_note}\n\n{entry}" if escalation.founder_note else entry
    )


def _claim(escalation: Escalation, actor: User) -> bool:
    """Claim an open item for `actor` in the caller's transaction; False if already theirs."""
    if escalation.status == "claimed" and escalation.claimed_by_id == actor.id:
        return False
    escalation.status = "claimed"
    escalation.claimed_by_id = actor.id
    escalation.updated_at = now()
    audit(
        actor=actor,
        action="escalation.claim",
        obj=escalation.ticket,
        changes={"escalation_id": escalation.id},
    )
    return True


@use_case
def escalation_manual(*, ticket: Ticket, actor: User, note: str) -> Escalation:
    """An agent asks the founders to look at a ticket, saying why; Conflict when the
    ticket is already waiting for them on a manual escalation."""
    if not actor.can("agent"):
        raise NotAllowed(_("Only staff can escalate tickets."))
    note = _clean_note(note, required=True)
    escalation = escalation_raise(
        ticket=ticket,
        reason="manual",
        detail=_("%(name)s: %(note)s", name=actor.name, note=note),
        actor=actor,
    )
    if escalation is None:
        raise Conflict(_("This ticket is already in the founders' queue."))
    return escalation


@use_case
def escalation_claim(*, escalation: Escalation, actor: User) -> Escalation:
    """A founder takes an item: the others see it is being handled."""
    _check_can_act(escalation, actor)
    _claim(escalation, actor)
    return escalation


@use_case
def escalation_note(*, escalation: Escalation, actor: User, note: str) -> Escalation:
    """Add a founder's note to an item (any state: a note after the fact is still useful)."""
    _check_founder(actor)
    note = _clean_note(note, required=True)
    _append_note(escalation, actor, note)
    escalation.updated_at = now()
    audit(
        actor=actor,
        action="escalation.note",
        obj=escalation.ticket,
        changes={"escalation_id": escalation.id},
    )
    return escalation


@use_case
def escalation_resolve(
    *, escalation: Escalation, actor: User, outcome: str, note: str
) -> Escalation:
    """Finish an item with its outcome and a note on what was done; the ticket may be
    escalated for the same reason again afterwards."""
    if outcome not in OUTCOMES:
        raise ValidationError("outcome", _("Choose an outcome from the list."))
    note = _clean_note(note, required=True)
    _check_can_act(escalation, actor, admin_override=True)
    before = escalation.status
    _append_note(escalation, actor, note)
    escalation.status = "done"
    escalation.outcome = outcome
    escalation.claimed_by_id = escalation.claimed_by_id or actor.id
    escalation.updated_at = now()
    audit(
        actor=actor,
        action="escalation.resolve",
        obj=escalation.ticket,
        changes={"escalation_id": escalation.id, "outcome": outcome, "status": [before, "done"]},
    )
    return escalation


@use_case
def founder_reply(*, escalation: Escalation, actor: User, body: str) -> Message:
    """A founder writes to the customer personally: a public reply signed with their name,
    recorded as a founder reply (the audit event the ticket page reads its "Founder" badge
    from); it claims the item if it was open, in the same transaction as the reply."""
    body = clean_body(body)
    _check_can_act(escalation, actor)
    claimed = _claim(escalation, actor)
    signed = f"{body}\n\n{_('— %(name)s, founder', name=actor.name)}"

    message = staff_reply(ticket=escalation.ticket, author=actor, body=signed)
    audit(
        actor=actor,
        action="ticket.founder_reply",
        obj=escalation.ticket,
        changes={"escalation_id": escalation.id, "message_id": message.id, "claimed": claimed},
    )
    return message
