"""Whether an outreach may go to a customer now, and if not, why: one function, whose
reason code staff read (`labels.REASON_LABELS`) beside the draft.

In order: erased (nothing may go to them), left (only the "left" thank-you may), unsubscribed
(the survey opt-out, `feedback/opt_out.py`: they asked for no messages they did not start),
an unresolved complaint (an open complaint ticket, or a recovery still under way), an open
ticket (a conversation is going on; our own outreach waiting on them does not count) and
contacted recently (an outreach sent within the quiet period). A feature's "it shipped"
note is news the customer asked for: open tickets and the quiet period do not hold it."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from helpdesk.clock import now
from helpdesk.extensions import db
from helpdesk.feedback.opt_out import has_opted_out
from helpdesk.models import Customer, Outreach, Recovery, Ticket
from helpdesk.models.ticket import OPEN_STATUSES
from helpdesk.outreach.settings import outreach_settings

REASONS = ("erased", "left", "unsubscribed", "complaint", "open_ticket", "recently_contacted")
# Kinds a conversation under way or a recent contact does not hold back.
ASKED_FOR = ("feature_shipped",)


def _unresolved_complaint(customer: Customer) -> bool:
    open_complaint = sa.select(Ticket.id).where(
        Ticket.customer_id == customer.id,
        Ticket.kind == "complaint",
        Ticket.status.in_(OPEN_STATUSES),
    )
    recovering = (
        sa.select(Recovery.id)
        .join(Ticket, Ticket.id == Recovery.ticket_id)
        .where(Ticket.customer_id == customer.id, Recovery.state == "active")
    )
    return bool(db.session.scalar(sa.select(open_complaint.exists() | recovering.exists())))


def _open_ticket(customer: Customer) -> bool:
    ours_waiting = sa.and_(Ticket.channel == "outreach", Ticket.status == "pending")
    found = sa.select(Ticket.id).where(
        Ticket.customer_id == customer.id,
        Ticket.status.in_(OPEN_STATUSES),
        Ticket.merged_into_id.is_(None),
        Ticket.spam_at.is_(None),
        ~ours_waiting,
    )
    return bool(db.session.scalar(sa.select(found.exists())))


def _recently_contacted(customer: Customer) -> bool:
    since = now() - timedelta(days=outreach_settings().cooldown_days)
    found = sa.select(Outreach.id).where(
        Outreach.customer_id == customer.id, Outreach.sent_at >= since
    )
    return bool(db.session.scalar(sa.select(found.exists())))


def suppression_reason(customer: Customer, kind: str) -> str | None:
    """Why an outreach of `kind` must not go to `customer` now (a code of REASONS), or
    None when it may."""
    if customer.erased_at is not None:
        return "erased"
    if customer.left_at is not None and kind != "left":
        return "left"
    if has_opted_out(customer):
        return "unsubscribed"
    if _unresolved_complaint(customer):
        return "complaint"
    if kind in ASKED_FOR:
        return None
    if _open_ticket(customer):
        return "open_ticket"
    if _recently_contacted(customer):
        return "recently_contacted"
    return None
