"""The demo's outreach: playbooks switched on, feature requests linked to the tickets that
asked for them — "Dark mode" shipped, with a note drafted per requester (one held back by
an open complaint when the demo has one, one requester who left and is skipped) —, a
slipping customer's draft waiting for review, and a few outreaches sent in past weeks with
their outcomes (a reply, a customer who came back), so the founders' results have a story.
Written directly (no emails are queued: the demo's customers are not real)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import (
    Customer,
    FeatureRequest,
    FeatureRequestTicket,
    Message,
    Outreach,
    Ticket,
    User,
)
from helpdesk.outreach.drafting import draft_text
from helpdesk.outreach.settings import SETTING_KEY
from helpdesk.outreach.steps import draft_outreach
from helpdesk.rendering import markdown_to_html
from helpdesk.settings.service import setting_put
from helpdesk.tickets.numbers import next_ticket_number
from helpdesk.tickets.steps import record_message

# Feature requests and the demo ticket subjects that asked for them.
FEATURES = (
    ("Dark mode", "Please add dark mode", "shipped"),
    ("Thai characters in CSV exports", "Export to CSV cuts off Thai characters", "planned"),
    ("A second billing admin", "Can I add a second admin?", "open"),
)


def seed_demo_outreach(
    *, rng: random.Random, tickets: list[Ticket], founder: User, current: datetime
) -> None:
    setting_put(
        SETTING_KEY,
        {
            "playbooks": {
                "slipping": {"enabled": True, "assignee_id": founder.id},
                "dormant": {"enabled": True, "assignee_id": founder.id},
                "left": {"enabled": True, "assignee_id": founder.id},
            },
            "cooldown_days": 14,
        },
    )
    requesters: set[int] = set()
    for title, subject, status in FEATURES:
        asked = [ticket for ticket in tickets if ticket.subject == subject]
        feature = FeatureRequest(
            title=title,
            status=status,
            created_at=current - timedelta(days=80),
            created_by_id=founder.id,
            shipped_at=current - timedelta(days=1) if status == "shipped" else None,
        )
        db.session.add(feature)
        db.session.flush()
        for ticket in asked:
            db.session.add(
                FeatureRequestTicket(
                    feature_request_id=feature.id, ticket_id=ticket.id, created_at=ticket.created_at
                )
            )
        if status == "shipped":
            requesters = _ship(feature, asked, founder, current)
    _sent_outreach(rng, tickets, founder, current, skip=requesters)


def _ship(
    feature: FeatureRequest, asked: list[Ticket], founder: User, current: datetime
) -> set[int]:
    """The shipped feature's notes: the first requester left (skipped), each other one gets
    a draft (held back, with the reason, when something stands in the way)."""
    first: dict[int, Ticket] = {}
    for ticket in sorted(asked, key=lambda t: t.created_at):
        first.setdefault(ticket.customer_id, ticket)
    for index, ticket in enumerate(first.values()):
        customer = ticket.customer
        if index == 0 and len(first) >= 3:
            customer.left_at = current - timedelta(days=10)
            continue
        text = draft_text(
            customer=customer,
            kind="feature_shipped",
            author=founder,
            feature=feature,
            ticket=ticket,
        )
        draft_outreach(
            customer=customer,
            kind="feature_shipped",
            assignee=founder,
            text=text,
            feature=feature,
            source_ticket=ticket,
        )
    return set(first)


def _sent_outreach(
    rng: random.Random,
    tickets: list[Ticket],
    founder: User,
    current: datetime,
    *,
    skip: set[int],
) -> None:
    """Four outreaches sent over the past weeks (one answered, one who came back) and one
    slipping customer's draft waiting for review."""
    candidates = sorted({t.customer_id for t in tickets} - skip)
    chosen = rng.sample(candidates, k=min(5, len(candidates)))
    customers = [
        customer
        for customer in (db.session.get(Customer, customer_id) for customer_id in chosen)
        if customer is not None
    ]
    for index, customer in enumerate(customers[:4]):
        sent_at = current - timedelta(days=7 * (index + 1) + rng.randint(0, 3))
        text = draft_text(customer=customer, kind="slipping", author=founder)
        ticket = Ticket(
            number=next_ticket_number(),
            subject=text.subject,
            status="pending",
            channel="outreach",
            customer=customer,
            assignee=founder,
            created_at=sent_at,
            last_activity_at=sent_at,
            status_changed_at=sent_at,
        )
        db.session.add(ticket)
        _message(ticket, text.body, sent_at, user=founder)
        outreach = Outreach(
            customer=customer,
            kind="slipping" if index % 2 == 0 else "onboarding",
            state="sent",
            subject=text.subject,
            body=text.body,
            language=text.language,
            assignee=founder,
            ticket=ticket,
            created_at=sent_at - timedelta(hours=3),
            sent_at=sent_at,
            sent_by_id=founder.id,
        )
        if index in (0, 1):
            replied = sent_at + timedelta(hours=rng.randint(2, 30))
            _message(
                ticket,
                "Thanks for checking in! We were busy with a launch.",
                replied,
                customer=customer,
            )
            ticket.status = "open"
            outreach.replied_at = replied
        if index in (1, 2):
            outreach.came_back_at = sent_at + timedelta(days=rng.randint(3, 6))
        db.session.add(outreach)
    if len(customers) == 5:
        waiting = customers[4]
        text = draft_text(customer=waiting, kind="slipping", author=founder)
        draft_outreach(customer=waiting, kind="slipping", assignee=founder, text=text)


def _message(
    ticket: Ticket,
    text: str,
    at: datetime,
    *,
    user: User | None = None,
    customer: Customer | None = None,
) -> None:
    message = Message(
        ticket=ticket,
        author_type="staff" if user is not None else "customer",
        author_user=user,
        author_customer=customer,
        body_source=text,
        body_html=markdown_to_html(text),
        created_at=at,
    )
    db.session.add(message)
    record_message(ticket, message)


def demo_outreach_counts() -> dict[str, int]:
    """How many outreaches the demo has in each state (for its test)."""
    rows = db.session.execute(
        sa.select(Outreach.state, sa.func.count(Outreach.id)).group_by(Outreach.state)
    )
    return {state: int(count) for state, count in rows}
