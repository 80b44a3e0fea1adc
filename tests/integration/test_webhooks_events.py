"""Webhook events: every use case that should fire an event queues exactly one delivery per
active subscription to it (and none for paused subscriptions or other events), in the
same transaction as its change, with the documented body; a bulk change reads the
subscriptions once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from helpdesk.auth.service import user_create
from helpdesk.extensions import db
from helpdesk.feedback.service import rating_record
from helpdesk.founders.escalations import escalation_raise
from helpdesk.models import WEBHOOK_EVENTS, Outbox, Ticket, User, Webhook
from helpdesk.promises import service as promises
from helpdesk.promises.sweeps import sweep_promises
from helpdesk.tickets import service as tickets
from helpdesk.tickets.intake import (
    CustomerContact,
    ticket_create,
    ticket_create_by_customer,
    ticket_customer_reply,
)
from helpdesk.webhooks import service
from helpdesk.webhooks.settings import webhook_settings_update
from tests.factories import TicketFactory

T0 = datetime(2026, 6, 2, 10, 0, tzinfo=UTC)  # a Tuesday, inside business hours


@pytest.fixture
def admin(database: Any, set_now: Any) -> User:
    set_now(T0)
    user = user_create(
        email="admin@example.com",
        name="Ada Admin",
        role="admin",
        password="long-enough-password",
        actor="test",
    )
    webhook_settings_update(actor=user, allow_private=True)
    return user


def subscribe(admin: User, *events: str, active: bool = True, url: str = "") -> Webhook:
    webhook, _secret = service.webhook_create(
        actor=admin,
        url=url or f"http://127.0.0.1:9/{'-'.join(events) or 'all'}",
        description="",
        events=events or WEBHOOK_EVENTS,
        active=active,
    )
    return webhook


def deliveries(event: str | None = None) -> list[Outbox]:
    query = sa.select(Outbox).where(Outbox.kind == "webhook").order_by(Outbox.id)
    if event is not None:
        query = query.where(Outbox.template == event)
    return list(db.session.scalars(query))


def body(row: Outbox) -> dict[str, Any]:
    return json.loads(row.body_text)


@pytest.fixture
def subscribed(admin: User) -> Iterator[dict[str, Webhook]]:
    """One subscription to everything, one to tickets only, one paused to everything."""
    yield {
        "all": subscribe(admin),
        "tickets": subscribe(admin, "ticket.created", "ticket.updated"),
        "paused": subscribe(admin, active=False),
    }


def per_webhook(event: str) -> dict[int, int]:
    counts: dict[int, int] = {}
    for row in deliveries(event):
        assert row.webhook_id is not None
        counts[row.webhook_id] = counts.get(row.webhook_id, 0) + 1
    return counts


@pytest.mark.parametrize("channel", ["widget", "email", "api"])
def test_a_customer_ticket_from_any_channel_fires_ticket_created(subscribed, channel):
    ticket, _token = ticket_create_by_customer(
        contact=CustomerContact(name="Nattaya K", email="nattaya@example.net"),
        body="My order has not arrived.",
        subject="Where is my order?",
        channel=channel,
    )
    assert per_webhook("ticket.created") == {
        subscribed["all"].id: 1,
        subscribed["tickets"].id: 1,
    }
    row = deliveries("ticket.created")[0]
    sent = body(row)
    assert sent["id"] == row.message_id
    assert sent["event"] == "ticket.created"
    assert sent["created_at"] == "2026-06-02T10:00:00Z"
    data = sent["data"]
    assert data["ticket"]["number"] == ticket.number
    assert data["ticket"]["channel"] == channel
    assert data["ticket"]["status"] == "new"
    assert data["ticket"]["customer"]["email"] == "nattaya@example.net"
    assert data["ticket"]["url"] == f"http://localhost:5000/tickets/{ticket.number}"
    assert data["message"]["body"] == "My order has not arrived."
    assert data["message"]["author_type"] == "customer"
    assert data["message"]["internal"] is False
    assert row.status == "pending" and row.to_address == "" and row.subject == "ticket.created"
    ids = {row.message_id for row in deliveries()}
    assert len(ids) == len(deliveries())  # one delivery id per row


def test_an_agent_made_ticket_fires_ticket_created(admin, subscribed):
    ticket = ticket_create(
        actor=admin,
        customer_email="dewi@example.net",
        customer_name="Dewi",
        subject="Phone call: refund",
        body="Called about a refund.",
    )
    assert per_webhook("ticket.created") == {subscribed["all"].id: 1, subscribed["tickets"].id: 1}
    data = body(deliveries("ticket.created")[0])["data"]
    assert data["ticket"]["channel"] == "agent"
    assert data["ticket"]["number"] == ticket.number


def test_no_subscription_no_rows_and_an_unwanted_event_none(admin):
    subscribe(admin, "rating.received")
    subscribe(admin, "ticket.created", active=False)
    ticket_create(
        actor=admin,
        customer_email="dewi@example.net",
        customer_name="Dewi",
        subject="Hello",
        body="Hi",
    )
    assert deliveries() == []


def test_ticket_update_fires_ticket_updated_with_the_changes(admin, subscribed):
    ticket = TicketFactory(status="open")
    tickets.ticket_update(
        ticket=ticket, actor=admin, status="pending", priority="high", tags="billing, vip"
    )
    assert per_webhook("ticket.updated") == {subscribed["all"].id: 1, subscribed["tickets"].id: 1}
    data = body(deliveries("ticket.updated")[0])["data"]
    assert data["changes"] == {
        "status": ["open", "pending"],
        "priority": ["normal", "high"],
        "tags": [[], ["billing", "vip"]],
    }
    assert data["ticket"]["tags"] == ["billing", "vip"]
    assert data["ticket"]["priority"] == "high"

    before = len(deliveries())
    tickets.ticket_update(ticket=ticket, actor=admin, status="pending")  # no change
    assert len(deliveries()) == before


def test_assigning_fires_ticket_updated_with_the_assignee(admin, subscribed):
    ticket = TicketFactory(status="open")
    tickets.ticket_update(ticket=ticket, actor=admin, assignee_id=admin.id)
    data = body(deliveries("ticket.updated")[0])["data"]
    assert data["changes"] == {"assignee": [None, admin.id]}
    assert data["ticket"]["assignee"] == {
        "id": admin.id,
        "name": "Ada Admin",
        "email": "admin@example.com",
    }


def test_a_bulk_change_fires_one_event_per_ticket_and_reads_subscriptions_once(admin, subscribed):
    batch = [TicketFactory(status="open") for _ in range(5)]
    statements: list[str] = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        changed = tickets.tickets_bulk_update(
            numbers=[ticket.number for ticket in batch], actor=admin, status="resolved"
        )
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert changed == 5
    assert per_webhook("ticket.updated") == {subscribed["all"].id: 5, subscribed["tickets"].id: 5}
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "webhooks" in s]
    assert len(reads) == 1, reads


def test_replies_and_notes_fire_message_created(admin, subscribed):
    ticket = TicketFactory(status="open", assignee=admin)
    tickets.ticket_reply(ticket=ticket, author=admin, body="We are on it.")
    tickets.ticket_reply(ticket=ticket, author=admin, body="Checked the logs.", internal=True)
    rows = deliveries("message.created")
    assert [row.webhook_id for row in rows] == [subscribed["all"].id] * 2
    reply, note = (body(row)["data"]["message"] for row in rows)
    assert reply["body"] == "We are on it." and reply["internal"] is False
    assert reply["author_type"] == "staff" and reply["author"]["id"] == admin.id
    assert note["body"] == "Checked the logs." and note["internal"] is True
    assert reply["ticket_number"] == ticket.number


def test_a_reply_that_changes_status_also_fires_ticket_updated(admin, subscribed):
    ticket = TicketFactory(status="new")
    tickets.ticket_reply(ticket=ticket, author=admin, body="Done.", status="resolved")
    data = body(deliveries("ticket.updated")[0])["data"]
    assert data["changes"] == {"assignee": [None, admin.id], "status": ["new", "resolved"]}
    assert per_webhook("ticket.updated") == {subscribed["all"].id: 1, subscribed["tickets"].id: 1}


def test_a_customer_reply_fires_message_created_and_reopening_ticket_updated(admin, subscribed):
    ticket = TicketFactory(status="resolved", resolved_at=T0)
    ticket_customer_reply(ticket=ticket, body="It broke again.")
    assert per_webhook("message.created") == {subscribed["all"].id: 1}
    message = body(deliveries("message.created")[0])["data"]["message"]
    assert message["author_type"] == "customer"
    assert message["author"]["email"] == ticket.customer.email
    changes = body(deliveries("ticket.updated")[0])["data"]["changes"]
    assert changes == {"status": ["resolved", "open"]}


def test_a_missed_promise_fires_promise_missed_and_escalation_raised(admin, subscribed, set_now):
    ticket = TicketFactory(status="open", assignee=admin)
    promise = promises.promise_make(
        ticket=ticket, agent=admin, due_at=T0 + timedelta(hours=2), text="An update by noon."
    )
    db.session.commit()
    assert deliveries() == []
    set_now(T0 + timedelta(hours=3))
    assert sweep_promises().missed == 1
    assert per_webhook("promise.missed") == {subscribed["all"].id: 1}
    data = body(deliveries("promise.missed")[0])["data"]
    assert data["promise"]["id"] == promise.id
    assert data["promise"]["status"] == "missed"
    assert data["promise"]["text"] == "An update by noon."
    assert data["promise"]["agent"]["id"] == admin.id
    assert data["ticket"]["number"] == ticket.number
    assert per_webhook("escalation.raised") == {subscribed["all"].id: 1}
    escalation = body(deliveries("escalation.raised")[0])["data"]["escalation"]
    assert escalation["reason"] == "missed_promise"
    assert escalation["promise_id"] == promise.id
    assert sweep_promises().missed == 0  # nothing fires twice
    assert len(deliveries("promise.missed")) == 1


def test_raising_an_escalation_fires_once_and_not_for_a_duplicate(admin, subscribed):
    ticket = TicketFactory(status="open")
    escalation_raise(ticket=ticket, reason="manual", detail="Please look", actor=admin)
    db.session.commit()
    escalation_raise(ticket=ticket, reason="manual", detail="Again", actor=admin)
    db.session.commit()
    rows = deliveries("escalation.raised")
    assert [row.webhook_id for row in rows] == [subscribed["all"].id]
    escalation = body(rows[0])["data"]["escalation"]
    assert escalation["reason"] == "manual" and escalation["detail"] == "Please look"


def test_a_rating_fires_rating_received_with_the_previous_score(admin, subscribed):
    ticket = TicketFactory(status="resolved", resolved_at=T0)
    rating_record(ticket=ticket, score="good", comment="Quick!", channel="email")
    rating_record(ticket=ticket, score="bad", comment="It broke again", channel="widget")
    rows = deliveries("rating.received")
    assert [row.webhook_id for row in rows] == [subscribed["all"].id] * 2
    first, second = (body(row)["data"] for row in rows)
    assert first["rating"]["score"] == "good" and first["previous_score"] is None
    assert first["rating"]["comment"] == "Quick!"
    assert second["rating"]["score"] == "bad" and second["previous_score"] == "good"
    # A bad rating escalates, and that is an event too.
    assert per_webhook("escalation.raised") == {subscribed["all"].id: 1}


def test_an_event_is_queued_only_if_its_change_commits(admin, subscribed):
    ticket = TicketFactory(status="open")
    with pytest.raises(Exception, match="Unknown status"):
        tickets.ticket_update(ticket=ticket, actor=admin, status="bogus")
    db.session.rollback()
    assert deliveries() == []
    number = ticket.number
    assert db.session.scalar(sa.select(Ticket.status).where(Ticket.number == number)) == "open"


def test_a_subscription_made_in_the_same_session_is_seen_by_the_next_event(admin):
    ticket = TicketFactory(status="open")
    tickets.ticket_update(ticket=ticket, actor=admin, status="pending")
    assert deliveries() == []
    subscribe(admin, "ticket.updated")
    tickets.ticket_update(ticket=ticket, actor=admin, status="open")
    assert len(deliveries("ticket.updated")) == 1
