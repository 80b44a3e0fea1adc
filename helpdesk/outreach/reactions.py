"""What outreach does when things happen: a customer's usage changes (the usage health
sweep publishes it) → the playbook of that state drafts a message, and an "active" state
within 30 days of an outreach records that they came back; a customer writes on an
outreach's conversation → it records the reply. In the publisher's transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import Customer, Outreach
from helpdesk.outreach.settings import CAME_BACK_DAYS
from helpdesk.outreach.steps import run_playbook
from helpdesk.tickets.events import CustomerReplied
from helpdesk.usage.events import CustomerUsageChanged

# The usage states a playbook answers (the playbook's trigger has the state's name).
PLAYBOOK_STATES = ("slipping", "dormant")


def on_usage_changed(event: CustomerUsageChanged) -> None:
    customer = db.session.get(Customer, event.customer_id)
    if customer is None:
        return
    if event.state in PLAYBOOK_STATES:
        run_playbook(event.state, customer)
    elif event.state == "active":
        record_came_back(customer, at=event.at)


def record_came_back(customer: Customer, *, at: datetime) -> int:
    """Mark the outreaches sent to `customer` in the 30 days before `at` as having
    brought them back (the first time only)."""
    since = at - timedelta(days=CAME_BACK_DAYS)
    sent = db.session.scalars(
        sa.select(Outreach).where(
            Outreach.customer_id == customer.id,
            Outreach.state == "sent",
            Outreach.sent_at >= since,
            Outreach.sent_at <= at,
            Outreach.came_back_at.is_(None),
        )
    ).all()
    for outreach in sent:
        outreach.came_back_at = at
    return len(sent)


def on_customer_replied(event: CustomerReplied) -> None:
    if event.ticket.channel != "outreach":
        return
    outreach = db.session.scalar(
        sa.select(Outreach).where(
            Outreach.ticket_id == event.ticket.id, Outreach.replied_at.is_(None)
        )
    )
    if outreach is not None:
        outreach.replied_at = event.message.created_at


REACTIONS = (
    (CustomerUsageChanged, on_usage_changed),
    (CustomerReplied, on_customer_replied),
)
