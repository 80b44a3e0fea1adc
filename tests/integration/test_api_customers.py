"""`/api/v1/customers`: look-ups, the customer with recent tickets, and create-or-update
by email or external id (audited; conflicts refused; bad input named)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Customer
from tests.factories import CustomerFactory, TicketFactory

FULL = {
    "email": "Ana@Example.com",
    "external_id": "cus_123",
    "name": "Ana  Lima",
    "plan": "Pro",
    "lifetime_value_cents": 129_900,
    "vip": True,
    "language": "th",
    "timezone": "Asia/Bangkok",
}


def _put(client, caller, body):
    return client.put("/api/v1/customers", json=body, headers=caller.headers)


def _customers(app):
    with app.app_context():
        return list(db.session.scalars(sa.select(Customer).order_by(Customer.id)))


def _audits(app, action):
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_put_creates_then_updates(app, client, api_token):
    caller = api_token("agent")
    created = _put(client, caller, FULL)
    assert created.status_code == 201, created.json
    body = created.json
    assert body["email"] == "ana@example.com" and body["name"] == "Ana Lima"
    assert body["external_id"] == "cus_123" and body["plan"] == "Pro"
    assert body["lifetime_value_cents"] == 129_900 and body["vip"] is True
    assert body["language"] == "th" and body["timezone"] == "Asia/Bangkok"
    assert created.headers["Location"].endswith(f"/api/v1/customers/{body['id']}")
    [event] = _audits(app, "customer.create")
    assert event.actor_user_id == caller.user.id and event.object_id == str(body["id"])

    # By external id: a new address, new value; what is not sent stays.
    updated = _put(
        client,
        caller,
        {"external_id": "cus_123", "email": "ana.lima@example.com", "lifetime_value_cents": 0},
    )
    assert updated.status_code == 200, updated.json
    assert updated.json["id"] == body["id"] and updated.json["email"] == "ana.lima@example.com"
    assert updated.json["lifetime_value_cents"] == 0 and updated.json["plan"] == "Pro"
    [event] = _audits(app, "customer.update")
    assert event.changes == {
        "email": ["ana@example.com", "ana.lima@example.com"],
        "lifetime_value_cents": [129_900, 0],
    }

    # By email, clearing what may be cleared.
    cleared = _put(
        client,
        caller,
        {"email": "ANA.LIMA@example.com", "plan": None, "timezone": None, "vip": False},
    )
    assert cleared.status_code == 200
    assert cleared.json["plan"] is None and cleared.json["timezone"] is None
    assert cleared.json["vip"] is False and cleared.json["language"] == "th"
    assert len(_customers(app)) == 1


def test_put_without_changes_writes_no_audit(app, client, api_token):
    caller = api_token("agent")
    _put(client, caller, FULL)
    again = _put(client, caller, FULL)
    assert again.status_code == 200
    assert _audits(app, "customer.update") == []


def test_put_links_an_external_id_to_a_customer_known_by_email(app, client, api_token):
    caller = api_token("agent")
    with app.app_context():
        known = CustomerFactory(email="bo@example.com", name="Bo")
        known_id = known.id
    response = _put(client, caller, {"email": "bo@example.com", "external_id": "u-9"})
    assert response.status_code == 200
    assert response.json["id"] == known_id and response.json["external_id"] == "u-9"


@pytest.mark.parametrize(
    "body",
    [
        # The email is another customer's than the external id's.
        {"external_id": "a-1", "email": "bo@example.com"},
        # The email's customer has a different external id.
        {"external_id": "new-1", "email": "bo@example.com"},
    ],
)
def test_put_conflicts_are_409_and_change_nothing(app, client, api_token, body):
    caller = api_token("agent")
    with app.app_context():
        CustomerFactory(email="ana@example.com", name="Ana", external_id="a-1")
        CustomerFactory(email="bo@example.com", name="Bo", external_id="b-1")
    response = _put(client, caller, {**body, "name": "Changed"})
    assert response.status_code == 409, response.json
    assert response.json["error"]["code"] == "conflict"
    assert {c.name for c in _customers(app)} == {"Ana", "Bo"}
    assert _audits(app, "customer.update") == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "not an email"}, "email"),
        ({"email": None, "external_id": None}, "email"),
        ({"external_id": "   "}, "external_id"),
        ({"external_id": "x" * 121}, "external_id"),
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"name": 5}, "name"),
        ({"plan": "p" * 61}, "plan"),
        ({"lifetime_value_cents": -1}, "lifetime_value_cents"),
        ({"lifetime_value_cents": "100"}, "lifetime_value_cents"),
        ({"lifetime_value_cents": 1.5}, "lifetime_value_cents"),
        ({"lifetime_value_cents": None}, "lifetime_value_cents"),
        ({"lifetime_value_cents": 10**20}, "lifetime_value_cents"),
        ({"vip": "yes"}, "vip"),
        ({"vip": None}, "vip"),
        ({"language": "fr"}, "language"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": "../../etc/passwd"}, "timezone"),
        ({"nickname": "A"}, "nickname"),
    ],
)
def test_put_bad_input_is_422_naming_the_field(app, client, api_token, changes, field):
    caller = api_token("agent")
    response = _put(client, caller, {**FULL, **changes})
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert _customers(app) == []


def test_control_characters_are_refused(app, client, api_token):
    caller = api_token("agent")
    response = _put(client, caller, {**FULL, "name": "Ana\x00 Lima", "plan": "Pro\x07"})
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"name", "plan"}
    assert _customers(app) == []
    found = client.get("/api/v1/customers?external_id=cus%00_123", headers=caller.headers)
    assert found.status_code == 422 and "external_id" in found.json["error"]["fields"]


def test_put_new_customer_needs_email_and_name(app, client, api_token):
    # Well-formed, but no such customer yet to update: a 409 naming what creating needs.
    caller = api_token("agent")
    response = _put(client, caller, {"external_id": "u-1", "name": "Ana"})
    assert response.status_code == 409 and "email" in response.json["error"]["fields"]
    response = _put(client, caller, {"email": "ana@example.com"})
    assert response.status_code == 409 and "name" in response.json["error"]["fields"]
    assert _customers(app) == []


def test_put_needs_json_and_a_write_token(app, client, api_token):
    response = client.put(
        "/api/v1/customers", data="email=a@example.com", headers=api_token("agent").headers
    )
    assert response.status_code == 415
    reader = api_token("agent", "read")
    response = _put(client, reader, FULL)
    assert response.status_code == 403
    assert _customers(app) == []


def test_list_filters_and_cursor(app, client, api_token):
    caller = api_token("agent")
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with app.app_context():
        ids = [
            CustomerFactory(
                email=f"c{n}@example.com", external_id=f"x-{n}", created_at=start + timedelta(n)
            ).id
            for n in range(5)
        ]
    first = client.get("/api/v1/customers?limit=2", headers=caller.headers).json
    assert [item["id"] for item in first["items"]] == [ids[4], ids[3]]
    second = client.get(
        f"/api/v1/customers?limit=2&after={first['next_cursor']}", headers=caller.headers
    ).json
    third = client.get(
        f"/api/v1/customers?limit=2&after={second['next_cursor']}", headers=caller.headers
    ).json
    assert [item["id"] for item in second["items"] + third["items"]] == [ids[2], ids[1], ids[0]]
    assert third["next_cursor"] is None
    by_email = client.get("/api/v1/customers?email=C2@Example.com", headers=caller.headers).json
    assert [item["id"] for item in by_email["items"]] == [ids[2]]
    by_external = client.get("/api/v1/customers?external_id=x-3", headers=caller.headers).json
    assert [item["id"] for item in by_external["items"]] == [ids[3]]
    none = client.get("/api/v1/customers?external_id=x-9", headers=caller.headers).json
    assert none == {"items": [], "next_cursor": None}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("email=nope", "email"),
        ("external_id=%00%01", "external_id"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("after=%%%", "after"),
        ("sort=name", "sort"),
    ],
)
def test_list_bad_query_is_422_naming_the_field(client, api_token, query, field):
    response = client.get(f"/api/v1/customers?{query}", headers=api_token("agent").headers)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]


def test_read_with_recent_tickets_in_few_statements(app, client, api_token):
    caller = api_token("agent")
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with app.app_context():
        customer = CustomerFactory(email="ana@example.com", name="Ana")
        other = CustomerFactory()
        TicketFactory(customer=other)
        numbers = [
            TicketFactory(customer=customer, created_at=start + timedelta(hours=n)).number
            for n in range(22)
        ]
        customer_id = customer.id

    statements: list[str] = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get(f"/api/v1/customers/{customer_id}", headers=caller.headers)
    finally:
        with app.app_context():
            sa.event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200, response.json
    recent = response.json["recent_tickets"]
    assert [t["number"] for t in recent] == list(reversed(numbers))[:20]
    assert recent[0]["customer"]["id"] == customer_id and recent[0]["tags"] == []
    # Token and user, customer, tickets, then assignees and tags: not one per ticket.
    assert len(statements) < 12, statements


def test_read_unknown_is_404(client, api_token):
    caller = api_token("agent")
    assert client.get("/api/v1/customers/999", headers=caller.headers).status_code == 404
    assert client.get("/api/v1/customers/99999999999", headers=caller.headers).status_code == 404


@pytest.mark.parametrize("role", ["agent", "founder", "admin"])
def test_every_staff_role_may_use_customers(client, api_token, role):
    caller = api_token(role)
    assert client.get("/api/v1/customers", headers=caller.headers).status_code == 200
    assert _put(client, caller, FULL).status_code == 201


def test_no_token_is_401(client):
    assert client.get("/api/v1/customers").status_code == 401
    assert client.put("/api/v1/customers", json=FULL).status_code == 401


def test_service_refuses_control_characters_from_any_caller(database, make_user):
    from helpdesk.customers.service import customer_upsert
    from helpdesk.errors import ValidationError
    from helpdesk.models import User

    actor = db.session.get(User, make_user("agent").id)
    with pytest.raises(ValidationError) as caught:
        customer_upsert(actor=actor, email="a@example.com", name="A\x00B")
    assert caught.value.field == "name"
    with pytest.raises(ValidationError) as caught:
        customer_upsert(actor=actor, external_id="id\x1b[31m", email="a@example.com", name="A")
    assert caught.value.field == "external_id"


def test_service_a_lost_creation_race_becomes_an_update(database, make_user, monkeypatch):
    from helpdesk.customers import service
    from helpdesk.models import User

    actor = db.session.get(User, make_user("agent").id)
    winner = CustomerFactory(email="ana@example.com", name="Ana")
    real_find = service._find
    calls = iter([None])  # the first look-up misses the row another request just made

    def racing_find(email, external_id):  # type: ignore[no-untyped-def]
        return next(calls, real_find(email, external_id)) if email else None

    monkeypatch.setattr(service, "_find", racing_find)
    customer, created = service.customer_upsert(
        actor=actor, email="ana@example.com", name="Ana Lima", vip=True
    )
    assert created is False and customer.id == winner.id
    assert customer.name == "Ana Lima" and customer.vip is True
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Customer)) == 1
