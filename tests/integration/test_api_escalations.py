"""`/api/v1/escalations`: the founders' review items, for founders and admins only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import Escalation
from tests.factories import TicketFactory

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
ITEMS = [
    ("missed_promise", "open"),
    ("bad_rating", "claimed"),
    ("vip", "done"),
    ("bad_rating", "open"),
]


def _seed(app, claimer_id=None):
    """Four items an hour apart (oldest first), each on its own ticket."""
    with app.app_context():
        items = []
        for n, (reason, status) in enumerate(ITEMS):
            created = NOW - timedelta(hours=10 - n)
            items.append(
                Escalation(
                    ticket=TicketFactory(),
                    reason=reason,
                    status=status,
                    detail=f"Item {n}",
                    claimed_by_id=claimer_id if status != "open" else None,
                    founder_note="Called them" if status == "done" else None,
                    outcome="retained" if status == "done" else None,
                    created_at=created,
                    updated_at=created,
                )
            )
        db.session.add_all(items)
        db.session.commit()
        return [item.id for item in items]


def _ids(response):
    return [item["id"] for item in response.json["items"]]


def test_founder_lists_newest_first_with_filters_and_cursor(app, client, api_token):
    caller = api_token("founder")
    ids = _seed(app, claimer_id=caller.user.id)
    first = client.get("/api/v1/escalations?limit=3", headers=caller.headers)
    assert first.status_code == 200, first.json
    assert _ids(first) == [ids[3], ids[2], ids[1]]
    rest = client.get(
        f"/api/v1/escalations?limit=3&after={first.json['next_cursor']}", headers=caller.headers
    )
    assert _ids(rest) == [ids[0]] and rest.json["next_cursor"] is None
    item = first.json["items"][1]
    assert item["reason"] == "vip" and item["status"] == "done"
    assert item["claimed_by"] == {
        "id": caller.user.id,
        "name": caller.user.name,
        "email": caller.user.email,
    }
    assert item["founder_note"] == "Called them" and item["outcome"] == "retained"
    assert item["ticket"]["customer"]["email"].endswith("@example.net")
    assert first.json["items"][0]["claimed_by"] is None
    headers = caller.headers
    assert _ids(client.get("/api/v1/escalations?status=open", headers=headers)) == [ids[3], ids[0]]
    assert _ids(client.get("/api/v1/escalations?reason=bad_rating", headers=headers)) == [
        ids[3],
        ids[1],
    ]
    both = client.get("/api/v1/escalations?reason=bad_rating&status=claimed", headers=headers)
    assert _ids(both) == [ids[1]]


def test_read_one(app, client, api_token):
    caller = api_token("founder")
    ids = _seed(app, claimer_id=caller.user.id)
    response = client.get(f"/api/v1/escalations/{ids[1]}", headers=caller.headers)
    assert response.status_code == 200
    assert response.json["id"] == ids[1] and response.json["detail"] == "Item 1"
    assert response.json["claimed_by"]["id"] == caller.user.id
    assert response.json["ticket"]["number"] > 0


def test_unknown_is_404(client, api_token):
    caller = api_token("founder")
    assert client.get("/api/v1/escalations/12345", headers=caller.headers).status_code == 404
    huge = client.get("/api/v1/escalations/99999999999", headers=caller.headers)
    assert huge.status_code == 404


def test_list_loads_everything_up_front(app, client, api_token):
    caller = api_token("founder")
    _seed(app, claimer_id=caller.user.id)
    statements: list[str] = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get("/api/v1/escalations", headers=caller.headers)
    finally:
        with app.app_context():
            sa.event.remove(db.engine, "before_cursor_execute", record)
    assert len(response.json["items"]) == 4
    # Token, user, the page (ticket, customer, assignee joined), tags, claimers.
    assert len(statements) <= 8, statements


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=active", "status"),
        ("reason=angry", "reason"),
        ("limit=-1", "limit"),
        ("after=!!", "after"),
        ("ticket=1", "ticket"),
    ],
)
def test_bad_query_is_422_naming_the_field(client, api_token, query, field):
    response = client.get(f"/api/v1/escalations?{query}", headers=api_token("founder").headers)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]


def test_an_agent_token_is_403(app, client, api_token):
    caller = api_token("agent")
    ids = _seed(app)
    for path in ("/api/v1/escalations", f"/api/v1/escalations/{ids[0]}"):
        response = client.get(path, headers=caller.headers)
        assert response.status_code == 403
        assert "items" not in response.json and "error" in response.json


@pytest.mark.parametrize("scope", ["read", "read-write"])
def test_admins_and_read_tokens_may_read(app, client, api_token, scope):
    caller = api_token("admin", scope)
    _seed(app)
    assert client.get("/api/v1/escalations", headers=caller.headers).status_code == 200


def test_no_token_is_401(client):
    assert client.get("/api/v1/escalations").status_code == 401
