"""`/api/v1/tickets`: the same rules as the web UI, through the API."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Ticket

NEW = {
    "customer_email": "Ana@Example.com",
    "customer_name": "Ana Lima",
    "subject": "Charged twice",
    "body": "My card was **charged twice**.",
}


def _create(client, caller, **changes):
    return client.post("/api/v1/tickets", json={**NEW, **changes}, headers=caller.headers)


def test_create_read_and_list(app, client, api_token, login_as):
    caller = api_token("agent")
    response = _create(client, caller, priority="high")
    assert response.status_code == 201, response.json
    body = response.json
    assert body["channel"] == "api" and body["priority"] == "high"
    assert body["customer"]["email"] == "ana@example.com"
    assert body["messages"][0]["author_type"] == "customer"
    assert "<strong>charged twice</strong>" in body["messages"][0]["body_html"]
    number = body["number"]
    assert response.headers["Location"].endswith(f"/api/v1/tickets/{number}")
    read = client.get(f"/api/v1/tickets/{number}", headers=caller.headers)
    assert read.status_code == 200 and read.json["subject"] == "Charged twice"
    listed = client.get("/api/v1/tickets?view=open", headers=caller.headers)
    assert [item["number"] for item in listed.json["items"]] == [number]
    # It shows in the inbox like any other ticket.
    assert "Charged twice" in login_as("agent").get("/inbox").text
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(AuditEvent).where(AuditEvent.action == "ticket.create")
            ).actor_user_id
            == caller.user.id
        )


def test_list_filters_search_and_cursor(app, client, api_token):
    caller = api_token("agent")
    numbers = [_create(client, caller, subject=f"Refund {i}").json["number"] for i in range(3)]
    _create(client, caller, subject="Login trouble", body="cannot log in")
    found = client.get("/api/v1/tickets?q=refund", headers=caller.headers).json["items"]
    assert sorted(item["number"] for item in found) == sorted(numbers)
    high = client.get("/api/v1/tickets?priority=high", headers=caller.headers).json
    assert high["items"] == []
    from helpdesk.tickets import inbox

    original = inbox.PAGE_SIZE
    inbox.PAGE_SIZE = 2
    try:
        first = client.get("/api/v1/tickets", headers=caller.headers).json
        assert len(first["items"]) == 2 and first["next_cursor"]
        second = client.get(
            f"/api/v1/tickets?after={first['next_cursor']}", headers=caller.headers
        ).json
        assert len(second["items"]) == 2 and second["next_cursor"] is None
        seen = [i["number"] for i in first["items"] + second["items"]]
        assert len(set(seen)) == 4
    finally:
        inbox.PAGE_SIZE = original


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("view=everything", "view"),
        ("status=lost", "status"),
        ("sort=random", "sort"),
        ("after=%%%", "after"),
        ("assignee=abc", "assignee"),
        ("unknown=1", "unknown"),
    ],
)
def test_list_bad_filters_are_422_naming_the_field(client, api_token, query, field):
    caller = api_token("agent")
    response = client.get(f"/api/v1/tickets?{query}", headers=caller.headers)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"customer_email": "not an email"}, "customer_email"),
        ({"subject": ""}, "subject"),
        ({"body": "   "}, "body"),
        ({"priority": "whenever"}, "priority"),
        ({"subject": 5}, "subject"),
        ({"channel": "widget"}, "channel"),
    ],
)
def test_create_bad_input_is_422_and_writes_nothing(app, client, api_token, changes, field):
    caller = api_token("agent")
    response = _create(client, caller, **changes)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0


def test_create_missing_fields_and_non_object_body(client, api_token):
    caller = api_token("agent")
    response = client.post("/api/v1/tickets", json={}, headers=caller.headers)
    assert response.status_code == 422
    assert {"customer_email", "subject", "body"} <= set(response.json["error"]["fields"])
    response = client.post("/api/v1/tickets", json=[1, 2], headers=caller.headers)
    assert response.status_code == 422


def test_update_and_reply(app, client, api_token):
    caller = api_token("agent")
    number = _create(client, caller).json["number"]
    response = client.patch(
        f"/api/v1/tickets/{number}",
        json={"priority": "urgent", "tags": ["billing", "Refund"], "assignee_id": caller.user.id},
        headers=caller.headers,
    )
    assert response.status_code == 200, response.json
    assert response.json["priority"] == "urgent"
    assert response.json["tags"] == ["billing", "refund"]
    assert response.json["assignee"]["id"] == caller.user.id
    unassigned = client.patch(
        f"/api/v1/tickets/{number}", json={"assignee_id": None}, headers=caller.headers
    )
    assert unassigned.json["assignee"] is None
    note = client.post(
        f"/api/v1/tickets/{number}/messages",
        json={"body": "Checking with billing", "internal": True},
        headers=caller.headers,
    )
    assert note.status_code == 201 and note.json["internal"] is True
    reply = client.post(
        f"/api/v1/tickets/{number}/messages",
        json={"body": "Refunded, sorry!", "status": "resolved"},
        headers=caller.headers,
    )
    assert reply.status_code == 201 and reply.json["author"]["id"] == caller.user.id
    ticket = client.get(f"/api/v1/tickets/{number}", headers=caller.headers).json
    assert ticket["status"] == "resolved"
    assert [m["internal"] for m in ticket["messages"]] == [False, True, False]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"status": "gone"}, "status"),
        ({"assignee_id": "me"}, "assignee_id"),
        ({"tags": ["bad tag!"]}, "tags"),
        ({"tags": "billing"}, "tags"),
        ({"number": 5}, "number"),
    ],
)
def test_update_bad_input_is_422_and_changes_nothing(client, api_token, payload, field):
    caller = api_token("agent")
    number = _create(client, caller).json["number"]
    before = client.get(f"/api/v1/tickets/{number}", headers=caller.headers).json
    response = client.patch(f"/api/v1/tickets/{number}", json=payload, headers=caller.headers)
    assert response.status_code == 422, response.json
    # A list's item is named with its index: "tags.0".
    assert field in {name.split(".")[0] for name in response.json["error"]["fields"]}
    after = client.get(f"/api/v1/tickets/{number}", headers=caller.headers).json
    assert after == before


def test_reply_bad_input(client, api_token):
    caller = api_token("agent")
    number = _create(client, caller).json["number"]
    for payload, field in (({"body": ""}, "body"), ({"body": "x", "internal": "yes"}, "internal")):
        response = client.post(
            f"/api/v1/tickets/{number}/messages", json=payload, headers=caller.headers
        )
        assert response.status_code == 422 and field in response.json["error"]["fields"]


def test_unknown_tickets_are_404(client, api_token):
    caller = api_token("agent")
    for method, path, payload in (
        ("get", "/api/v1/tickets/424242", None),
        ("patch", "/api/v1/tickets/424242", {"priority": "low"}),
        ("post", "/api/v1/tickets/424242/messages", {"body": "hi"}),
    ):
        response = getattr(client, method)(path, json=payload, headers=caller.headers)
        assert response.status_code == 404, (method, response.json)
        assert response.json["error"]["code"] == "not_found"


def test_html_in_input_is_sanitised(client, api_token):
    caller = api_token("agent")
    body = '<script>alert(1)</script><img src=x onerror=alert(1)> <a hx-get="/x">x</a>'
    created = _create(client, caller, body=body).json
    html = created["messages"][0]["body_html"]
    assert "<script" not in html and "<img" not in html and "<a " not in html
