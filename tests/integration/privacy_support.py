"""A customer with a bit of everything, made through the services (so emails, webhook
deliveries, audit entries and search rows exist as in production), for the privacy tests."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from PIL import Image

from helpdesk.attachments.uploads import check_uploads
from helpdesk.clock import now
from helpdesk.extensions import db
from helpdesk.feedback.nps import nps_response_record
from helpdesk.feedback.service import rating_record
from helpdesk.models import (
    WEBHOOK_EVENTS,
    Attachment,
    Customer,
    NpsRound,
    NpsSurvey,
    RootCause,
    Ticket,
    User,
    Webhook,
)
from helpdesk.recovery.service import recovery_complete_step, recovery_start
from helpdesk.tickets.intake import ticket_create_by_customer, ticket_customer_reply
from helpdesk.tickets.intake_steps import CustomerContact
from helpdesk.tickets.service import ticket_reply, ticket_update

NAME = "Zephyrine Quackenbush"
EMAIL = "zephyrine.q@example.org"
# Words only this customer wrote (or staff wrote to them), searched for afterwards.
BODIES = (
    "my parcel of violet marmalade never arrived",
    "still no sign of the marmalade shipment",
    "utterly unacceptable, the worst service",
)
OTHER_BODY = "the blue kettle from another customer"


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


@dataclass(frozen=True)
class Scenario:
    customer_id: int
    other_customer_id: int
    numbers: tuple[int, ...]
    file_key: str


def build(admin_id: int, agent_id: int) -> Scenario:
    """Inside an app context: the customer's two tickets (one a complaint the detector puts
    under recovery),
    a file, replies and a note, a promise, a rating with a comment, an NPS answer with a
    reason, a webhook subscription; and another customer who must be left alone."""
    admin = db.session.get(User, admin_id)
    agent = db.session.get(User, agent_id)
    assert admin is not None and agent is not None
    db.session.add(
        Webhook(url="https://hooks.example.com/in", events=list(WEBHOOK_EVENTS), secret="s" * 32)
    )
    db.session.commit()
    contact = CustomerContact(name=NAME, email=EMAIL, verified=True)
    uploads = check_uploads([("marmalade-receipt.png", png_bytes())])
    first, _token = ticket_create_by_customer(
        contact=contact, body=BODIES[0], subject="Violet marmalade order", uploads=uploads
    )
    ticket_reply(
        ticket=first,
        author=agent,
        body=f"Hello {NAME.split()[0]}, sorry about the marmalade.",
        promise_due=now() + timedelta(days=2),
        promise_text=f"I will write to {NAME.split()[0]} again by Friday.",
    )
    ticket_reply(ticket=first, author=agent, body=f"Note: {NAME} called twice.", internal=True)
    ticket_customer_reply(ticket=first, body=BODIES[1])
    ticket_update(ticket=first, actor=agent, status="resolved")
    rating_record(
        ticket=first, score="bad", comment="Zephyrine says: marmalade lost", channel="page"
    )

    second, _token = ticket_create_by_customer(
        contact=contact, body=BODIES[2], subject="Complaint from Zephyrine"
    )
    recovery = second.recovery or recovery_start(ticket=second, actor=agent)
    recovery_complete_step(
        recovery=recovery,
        step="hear",
        actor=agent,
        problem_summary="Zephyrine lost her violet marmalade",
        note="Spoke to Zephyrine",
    )

    customer = db.session.scalar(sa.select(Customer).where(Customer.email == EMAIL))
    assert customer is not None
    round_ = NpsRound(period_start=now() - timedelta(days=30), period_end=now(), invited_count=1)
    survey = NpsSurvey(round=round_, customer_id=customer.id)
    db.session.add_all([round_, survey])
    db.session.add(RootCause(name="Shipping", position=1))
    db.session.commit()
    nps_response_record(survey=survey, score=3, reason="the violet marmalade saga")

    other, _token = ticket_create_by_customer(
        contact=CustomerContact(name="Bertil Other", email="bertil@example.com"),
        body=OTHER_BODY,
        subject="Kettle",
    )
    file_key = db.session.scalar(sa.select(Attachment.sha256).limit(1))
    numbers = tuple(
        db.session.scalars(
            sa.select(Ticket.number).where(Ticket.customer_id == customer.id).order_by(Ticket.id)
        )
    )
    return Scenario(customer.id, other.customer_id, numbers, file_key or "")
