"""`/api/v1/promises` and `POST /api/v1/tickets/<number>/promises`: promises listed with
filters and a cursor; a new one is told to the customer in a reply, by the composer's rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Message, Promise, Ticket
from tests.factories import CustomerFactory, TicketFactory

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def ticket_number(app, set_now):
    set_now(NOW)
    with app.app_context():
        customer = CustomerFactory(name="Ana Lima", timezone="Asia/Bangkok", language="en")
        return TicketFactory(customer=customer, created_at=NOW - timedelta(hours=1)).number


def _promise(client, caller, number, body):
    return client.post(f"/api/v1/tickets/{number}/promises", json=body, headers=caller.headers)


def _count(app, model):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_promise_is_told_in_a_reply_and_recorded(app, client, api_token, ticket_number):
    caller = api_token("agent")
    response = _promise(
        client,
        caller,
        ticket_number,
        {"due_at": "2026-03-03T17:00:00+07:00", "text": "You'll hear from me by 5 pm tomorrow."},
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["ticket_number"] == ticket_number and body["status"] == "pending"
    assert body["due_at"] == "2026-03-03T10:00:00Z"
    assert body["agent"]["id"] == caller.user.id
    assert body["text"] == "You'll hear from me by 5 pm tomorrow."
    with app.app_context():
        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == ticket_number))
        reply = db.session.scalar(
            sa.select(Message).where(Message.ticket_id == ticket.id, Message.author_type == "staff")
        )
        assert reply.body_source == body["text"] and reply.internal is False
        assert ticket.assignee_id == caller.user.id  # a reply to an unassigned ticket
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "promise.create")
        )
        assert event.actor_user_id == caller.user.id
        assert event.changes["promise_id"] == body["id"]


def test_without_text_the_usual_sentence_is_sent(app, client, api_token, ticket_number):
    caller = api_token("agent")
    response = _promise(client, caller, ticket_number, {"due_at": "2026-03-03T10:00:00Z"})
    assert response.status_code == 201, response.json
    text = response.json["text"]
    # In the customer's zone (Bangkok, UTC+7): 10:00 UTC is 5:00 PM there.
    assert "5:00" in text and "PM" in text
    with app.app_context():
        assert (
            db.session.scalar(sa.select(Message.body_source).where(Message.author_type == "staff"))
            == text
        )


def test_a_new_promise_replaces_the_pending_one(app, client, api_token, ticket_number):
    caller = api_token("agent")
    first = _promise(client, caller, ticket_number, {"due_at": "2026-03-05T10:00:00Z"}).json
    second = _promise(client, caller, ticket_number, {"due_at": "2026-03-06T10:00:00Z"}).json
    with app.app_context():
        states = dict(db.session.execute(sa.select(Promise.id, Promise.status)).all())
    # The second reply kept the first promise (well before it fell due).
    assert states == {first["id"]: "kept", second["id"]: "pending"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"due_at": "2026-03-03T10:00:00"}, "due_at"),  # no offset
        ({"due_at": "2026-03-02T09:59:00Z"}, "due_at"),  # passed
        ({"due_at": "2026-05-02T10:00:01Z"}, "due_at"),  # more than 60 days ahead
        ({"due_at": "0001-01-01T00:00:00+05:00"}, "due_at"),
        ({"due_at": "9999-12-31T23:59:59-23:59"}, "due_at"),
        ({"due_at": 1772532000}, "due_at"),
        ({"due_at": "tomorrow"}, "due_at"),
        ({"due_at": None}, "due_at"),
        ({}, "due_at"),
        ({"due_at": "2026-03-03T10:00:00Z", "text": ""}, "text"),
        ({"due_at": "2026-03-03T10:00:00Z", "text": "   "}, "text"),
        ({"due_at": "2026-03-03T10:00:00Z", "text": "x" * 501}, "text"),
        ({"due_at": "2026-03-03T10:00:00Z", "text": 5}, "text"),
        ({"due_at": "2026-03-03T10:00:00Z", "internal": True}, "internal"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_writes_nothing(
    app, client, api_token, ticket_number, body, field
):
    caller = api_token("agent")
    response = _promise(client, caller, ticket_number, body)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert _count(app, Promise) == 0
    assert _count(app, Message) == 0


def test_unknown_ticket_is_404(client, api_token, ticket_number):
    caller = api_token("agent")
    body = {"due_at": "2026-03-03T10:00:00Z"}
    assert _promise(client, caller, ticket_number + 1, body).status_code == 404
    assert _promise(client, caller, 99_999_999_999, body).status_code == 404


def test_a_read_token_cannot_promise(app, client, api_token, ticket_number):
    caller = api_token("agent", "read")
    response = _promise(client, caller, ticket_number, {"due_at": "2026-03-03T10:00:00Z"})
    assert response.status_code == 403
    assert _count(app, Promise) == 0


def test_body_must_be_json(client, api_token, ticket_number):
    response = client.post(
        f"/api/v1/tickets/{ticket_number}/promises",
        data="due_at=2026-03-03T10:00:00Z",
        headers=api_token("agent").headers,
    )
    assert response.status_code == 415


def _seed_promises(app, agent_id):
    """Two tickets; five promises an hour apart (oldest first), the last one pending."""
    with app.app_context():
        tickets = [TicketFactory(), TicketFactory()]
        states = ["kept", "missed", "cancelled", "kept", "pending"]
        promises = []
        for n, state in enumerate(states):
            created = NOW - timedelta(hours=10 - n)
            promises.append(
                Promise(
                    ticket=tickets[n % 2],
                    agent_id=agent_id,
                    created_at=created,
                    due_at=created + timedelta(hours=4),
                    remind_at=created + timedelta(hours=3),
                    text=f"Promise {n}",
                    status=state,
                )
            )
        db.session.add_all(promises)
        db.session.commit()
        return [p.id for p in promises], [t.number for t in tickets]


def test_list_newest_first_with_filters_and_cursor(app, client, api_token, set_now):
    set_now(NOW)
    caller = api_token("agent")
    ids, numbers = _seed_promises(app, caller.user.id)
    url = "/api/v1/promises"
    first = client.get(f"{url}?limit=2", headers=caller.headers).json
    assert [p["id"] for p in first["items"]] == [ids[4], ids[3]]
    rest = client.get(f"{url}?after={first['next_cursor']}", headers=caller.headers).json
    assert [p["id"] for p in rest["items"]] == [ids[2], ids[1], ids[0]]
    assert rest["next_cursor"] is None
    kept = client.get(f"{url}?status=kept", headers=caller.headers).json
    assert [p["id"] for p in kept["items"]] == [ids[3], ids[0]]
    on_second = client.get(f"{url}?ticket={numbers[1]}", headers=caller.headers).json
    assert [p["id"] for p in on_second["items"]] == [ids[3], ids[1]]
    assert {p["ticket_number"] for p in on_second["items"]} == {numbers[1]}
    both = client.get(f"{url}?ticket={numbers[0]}&status=pending", headers=caller.headers).json
    assert [p["id"] for p in both["items"]] == [ids[4]]
    assert client.get(f"{url}?ticket=999999", headers=caller.headers).json["items"] == []


def test_list_loads_tickets_and_agents_up_front(app, client, api_token, set_now):
    set_now(NOW)
    caller = api_token("agent")
    _seed_promises(app, caller.user.id)
    statements: list[str] = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get("/api/v1/promises", headers=caller.headers)
    finally:
        with app.app_context():
            sa.event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200 and len(response.json["items"]) == 5
    promise_reads = [s for s in statements if "FROM promises" in s]
    assert len(promise_reads) == 1, statements
    assert not [s for s in statements if "FROM tickets" in s and "promises" not in s]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=late", "status"),
        ("ticket=0", "ticket"),
        ("ticket=abc", "ticket"),
        ("ticket=99999999999", "ticket"),
        ("limit=500", "limit"),
        ("after=bm9wZQ", "after"),
        ("agent=1", "agent"),
    ],
)
def test_list_bad_query_is_422_naming_the_field(client, api_token, query, field):
    response = client.get(f"/api/v1/promises?{query}", headers=api_token("agent").headers)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]


@pytest.mark.parametrize("role", ["agent", "founder", "admin"])
def test_staff_roles_may_list_and_promise(client, api_token, ticket_number, role):
    caller = api_token(role)
    assert client.get("/api/v1/promises", headers=caller.headers).status_code == 200
    response = _promise(client, caller, ticket_number, {"due_at": "2026-03-03T10:00:00Z"})
    assert response.status_code == 201


def test_no_token_is_401(client):
    assert client.get("/api/v1/promises").status_code == 401
