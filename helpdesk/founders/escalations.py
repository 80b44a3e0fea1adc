"""Raising escalations: the one function every trigger calls (`escalation_raise`), the
severity order of the queue, and the triggers that need a rule of their own (a complaint
from a high-value customer, repeat contact).

Everything here is part of the caller's transaction and never commits. It imports only
models, settings, its own events and webhook events, so recovery, feedback and intake can
call it without import cycles. Every escalation raised publishes `EscalationRaised`.

Severity (lower rank first in the queue; age breaks ties, oldest first):
- high (0): missed_promise, bad_rating, detractor, negative_sentiment — a customer we have
  already let down, or who said so in strong words;
- medium (1): vip, manual, complaint, sla_breach, automation — someone who matters a lot,
  a complaint or a missed target the team asked founders to see, or an agent asking for help;
- low (2): repeat_contact — a pattern worth a look, not yet a failure.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.locking import begin_transaction_now
from helpdesk.events import publish
from helpdesk.extensions import db
from helpdesk.founders.events import EscalationRaised
from helpdesk.founders.settings import founder_settings
from helpdesk.models import Escalation, Promise, Ticket, User
from helpdesk.webhooks.events import escalation_raised_event

SEVERITY: dict[str, int] = {
    "missed_promise": 0,
    "bad_rating": 0,
    "detractor": 0,
    "negative_sentiment": 0,
    "vip": 1,
    "manual": 1,
    "complaint": 1,
    "sla_breach": 1,
    "automation": 1,
    "repeat_contact": 2,
}
MAX_DETAIL_CHARS = 2000
ACTIVE_STATES = ("open", "claimed")


def open_escalation(ticket: Ticket, reason: str) -> Escalation | None:
    """The ticket's open or claimed escalation for `reason`, if any."""
    return db.session.scalar(
        sa.select(Escalation).where(
            Escalation.ticket_id == ticket.id,
            Escalation.reason == reason,
            Escalation.status.in_(ACTIVE_STATES),
        )
    )


def escalation_raise(
    *,
    ticket: Ticket,
    reason: str,
    detail: str,
    actor: User | str,
    promise: Promise | None = None,
) -> Escalation | None:
    """Put `ticket` in the founders' queue for `reason`; None when it is already there (an
    open or claimed item for the same ticket and reason). Audited; the caller commits.

    The check comes first; the partial unique index is the final guard against a racing
    raise, and the SAVEPOINT keeps that race from breaking the caller's transaction."""
    if reason not in SEVERITY:
        raise ValueError(f"unknown escalation reason {reason!r}")
    db.session.flush()
    if open_escalation(ticket, reason) is not None:
        return None
    at = now()
    escalation = Escalation(
        ticket_id=ticket.id,
        reason=reason,
        detail=(detail or "").strip()[:MAX_DETAIL_CHARS],
        status="open",
        promise_id=promise.id if promise is not None else None,
        created_at=at,
        updated_at=at,
    )
    begin_transaction_now()  # so the savepoint below nests inside the caller's transaction
    try:
        with db.session.begin_nested():
            db.session.add(escalation)
    except IntegrityError:
        return None
    audit(
        actor=actor,
        action="escalation.raise",
        obj=ticket,
        changes={"escalation_id": escalation.id, "escalation_reason": reason},
    )
    escalation_raised_event(escalation)
    publish(EscalationRaised(escalation=escalation))
    return escalation


def escalate_if_high_value(*, ticket: Ticket, actor: User | str) -> Escalation | None:
    """A complaint from a VIP, or from a customer whose lifetime value reaches the
    threshold in the founder settings, goes to the founders (call when a ticket is or
    becomes a complaint)."""
    customer = ticket.customer
    if customer is None:
        return None
    threshold = founder_settings().vip_lifetime_value_cents
    if not customer.vip and customer.lifetime_value_cents < threshold:
        return None
    value = f"{customer.lifetime_value_cents / 100:,.2f}"
    if customer.vip:
        detail = _("A complaint from a VIP customer (lifetime value %(value)s).", value=value)
    else:
        detail = _(
            "A complaint from a high-value customer (lifetime value %(value)s).", value=value
        )
    return escalation_raise(ticket=ticket, reason="vip", detail=detail, actor=actor)


def escalate_repeat_contact(*, ticket: Ticket) -> Escalation | None:
    """A new ticket that makes `repeat_contact_count` tickets from one customer within
    `repeat_contact_days` is escalated, unless the customer already has an open or
    claimed repeat-contact item (one pattern, one item in the queue)."""
    settings = founder_settings()
    since = ticket.created_at - timedelta(days=settings.repeat_contact_days)
    db.session.flush()
    numbers = list(
        db.session.scalars(
            sa.select(Ticket.number)
            .where(
                Ticket.customer_id == ticket.customer_id,
                Ticket.created_at >= since,
                Ticket.created_at <= ticket.created_at,
            )
            .order_by(Ticket.created_at, Ticket.id)
        )
    )
    if len(numbers) < settings.repeat_contact_count:
        return None
    already = db.session.scalar(
        sa.select(Escalation.id)
        .join(Ticket, Ticket.id == Escalation.ticket_id)
        .where(
            Ticket.customer_id == ticket.customer_id,
            Escalation.reason == "repeat_contact",
            Escalation.status.in_(ACTIVE_STATES),
        )
        .limit(1)
    )
    if already is not None:
        return None
    detail = _(
        "%(count)d tickets in %(days)d days: %(numbers)s",
        count=len(numbers),
        days=settings.repeat_contact_days,
        numbers=", ".join(f"#{number}" for number in numbers[-10:]),
    )
    return escalation_raise(ticket=ticket, reason="repeat_contact", detail=detail, actor="system")
