"""The steps outreach is made of: drafting one (suppressed at once, with the reason, when
it may not go), sending one (a new conversation whose first message is the staff member's,
emailed as any reply is) and running a playbook. They join the caller's transaction and
never commit; `service.py` and `features.py` wrap them as use cases, and `reactions.py`
runs them inside the usage sweep's."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.errors import Conflict, NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.models import Customer, FeatureRequest, Outreach, SavedReply, Ticket, User
from helpdesk.outreach.drafting import DraftText, draft_text
from helpdesk.outreach.labels import REASON_LABELS
from helpdesk.outreach.settings import (
    KIND_OF_TRIGGER,
    outreach_settings,
    playbook_assignee,
)
from helpdesk.outreach.suppression import suppression_reason
from helpdesk.tickets.numbers import next_ticket_number
from helpdesk.tickets.steps import MAX_SUBJECT_CHARS, clean_body, staff_reply

PENDING_STATES = ("draft", "suppressed")


def can_handle(user: User, outreach: Outreach) -> bool:
    """Founders and admins handle every outreach; an agent those assigned to them."""
    return user.can("founder") or outreach.assignee_id == user.id


def clean_subject(subject: str) -> str:
    subject = " ".join((subject or "").split())
    if not subject:
        raise ValidationError("subject", _("Give the message a subject."))
    if len(subject) > MAX_SUBJECT_CHARS:
        raise ValidationError(
            "subject", _("Use at most %(count)d characters.", count=MAX_SUBJECT_CHARS)
        )
    return subject


def draft_outreach(
    *,
    customer: Customer,
    kind: str,
    assignee: User | None,
    text: DraftText,
    feature: FeatureRequest | None = None,
    source_ticket: Ticket | None = None,
) -> Outreach:
    """Record a draft for `customer`, suppressed with the reason when it may not go now."""
    reason = suppression_reason(customer, kind)
    outreach = Outreach(
        customer=customer,
        kind=kind,
        state="suppressed" if reason else "draft",
        suppressed_reason=reason,
        subject=text.subject,
        body=text.body,
        language=text.language,
        assignee=assignee,
        feature_request=feature,
        source_ticket=source_ticket,
        created_at=now(),
    )
    db.session.add(outreach)
    db.session.flush()
    return outreach


def check_pending(outreach: Outreach) -> None:
    if outreach.state not in PENDING_STATES:
        raise Conflict(_("This message was already sent or dismissed."))


def edit_outreach(outreach: Outreach, *, subject: str, body: str) -> bool:
    """Keep what the reviewer wrote; whether anything changed."""
    check_pending(outreach)
    subject, body = clean_subject(subject), clean_body(body)
    changed = (outreach.subject, outreach.body) != (subject, body)
    outreach.subject, outreach.body = subject, body
    return changed


def try_send(outreach: Outreach, actor: User) -> str | None:
    """Send `outreach` from `actor`, unless it may not go now: then it is suppressed and
    the reason returned. Sending opens a conversation (channel "outreach", assigned to the
    sender, waiting on the customer) whose first message is the sender's public reply, so
    mail emails it as any reply and the customer's answer threads back into it."""
    check_pending(outreach)
    if not actor.active or not actor.can("agent"):
        raise NotAllowed(_("Only staff can send outreach."))
    subject, body = clean_subject(outreach.subject), clean_body(outreach.body)
    reason = suppression_reason(outreach.customer, outreach.kind)
    if reason:
        outreach.state, outreach.suppressed_reason = "suppressed", reason
        return reason
    at = now()
    ticket = Ticket(
        number=next_ticket_number(),
        subject=subject,
        status="new",
        priority="normal",
        channel="outreach",
        customer=outreach.customer,
        assignee=actor,
        created_at=at,
        last_activity_at=at,
    )
    db.session.add(ticket)
    db.session.flush()
    audit(
        actor=actor,
        action="ticket.create",
        obj=ticket,
        changes={"channel": "outreach", "customer_id": ticket.customer_id, "assignee": actor.id},
    )
    staff_reply(ticket=ticket, author=actor, body=body, status="pending")
    outreach.state, outreach.suppressed_reason = "sent", None
    outreach.ticket, outreach.sent_at, outreach.sent_by_id = ticket, at, actor.id
    audit(
        actor=actor,
        action="outreach.send",
        obj=outreach,
        changes={
            "ticket_id": ticket.id,
            "kind": outreach.kind,
            "customer_id": outreach.customer_id,
        },
    )
    return None


def send_or_refuse(outreach: Outreach, actor: User) -> None:
    """Send `outreach`; a reason to hold it back refuses the whole use case, saying why."""
    reason = try_send(outreach, actor)
    if reason:
        raise Conflict(str(REASON_LABELS[reason]))


def _drafted_lately(customer: Customer, kind: str) -> bool:
    since = now() - timedelta(days=outreach_settings().cooldown_days)
    found = sa.select(Outreach.id).where(
        Outreach.customer_id == customer.id,
        Outreach.kind == kind,
        sa.or_(Outreach.state == "draft", Outreach.created_at >= since),
    )
    return bool(db.session.scalar(sa.select(found.exists())))


def run_playbook(trigger: str, customer: Customer) -> Outreach | None:
    """What the playbook of `trigger` does for `customer`: nothing when it is off, a draft
    of its kind is waiting, or one was made within the quiet period (a held-back one too:
    an older one does not stop a new try); else a draft from
    its saved reply, sent at once when the playbook auto-sends and nothing holds it back."""
    playbook = outreach_settings().playbook(trigger)
    kind = KIND_OF_TRIGGER[trigger]
    if not playbook.enabled or _drafted_lately(customer, kind):
        return None
    assignee = playbook_assignee(playbook)
    reply = (
        db.session.get(SavedReply, playbook.saved_reply_id)
        if playbook.saved_reply_id is not None
        else None
    )
    text = draft_text(customer=customer, kind=kind, author=assignee, saved_reply=reply)
    outreach = draft_outreach(customer=customer, kind=kind, assignee=assignee, text=text)
    if playbook.auto_send and outreach.state == "draft" and assignee is not None:
        try_send(outreach, assignee)
    return outreach


def hold_pending_for_left(customer: Customer) -> int:
    """A customer who left gets no automated message: their waiting drafts (other than
    the thank-you) are suppressed with that reason."""
    drafts = db.session.scalars(
        sa.select(Outreach).where(
            Outreach.customer_id == customer.id,
            Outreach.state == "draft",
            Outreach.kind != "left",
        )
    ).all()
    for outreach in drafts:
        outreach.state, outreach.suppressed_reason = "suppressed", "left"
    return len(drafts)
