"""`/api/v1/ratings` and `/api/v1/nps-responses`: customer feedback for founders only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import NpsResponse, NpsRound, NpsSurvey, Rating
from tests.factories import CustomerFactory, TicketFactory

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _ratings(app):
    """Three ratings an hour apart (oldest first); returns their ids and ticket numbers."""
    with app.app_context():
        rows = []
        for n, score in enumerate(["good", "bad", "okay"]):
            ticket = TicketFactory(status="resolved")
            at = NOW - timedelta(hours=5 - n)
            rows.append(
                Rating(
                    ticket=ticket,
                    customer_id=ticket.customer_id,
                    score=score,
                    comment=f"Comment {n}",
                    channel="email",
                    created_at=at,
                    updated_at=at,
                )
            )
        db.session.add_all(rows)
        db.session.commit()
        return [r.id for r in rows], [r.ticket.number for r in rows]


def _nps(app):
    """Three answers in one round, an hour apart (oldest first)."""
    with app.app_context():
        round_ = NpsRound(period_start=NOW - timedelta(days=90), period_end=NOW - timedelta(days=1))
        db.session.add(round_)
        db.session.flush()
        rows = []
        for n, score in enumerate([10, 3, 8]):
            customer = CustomerFactory()
            survey = NpsSurvey(round=round_, customer=customer, sent_at=NOW - timedelta(days=1))
            db.session.add(survey)
            at = NOW - timedelta(hours=5 - n)
            response = NpsResponse(
                survey=survey,
                round_id=round_.id,
                customer=customer,
                score=score,
                reason=f"Reason {n}",
                created_at=at,
                updated_at=at,
            )
            db.session.add(response)
            rows.append(response)
        db.session.commit()
        return [r.id for r in rows], round_.id


def _counting(app, client, path, headers):
    statements: list[str] = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        return client.get(path, headers=headers), statements
    finally:
        with app.app_context():
            sa.event.remove(db.engine, "before_cursor_execute", record)


def test_ratings_newest_first_with_cursor(app, client, api_token):
    caller = api_token("founder")
    ids, numbers = _ratings(app)
    first, statements = _counting(app, client, "/api/v1/ratings?limit=2", caller.headers)
    assert first.status_code == 200, first.json
    assert [r["id"] for r in first.json["items"]] == [ids[2], ids[1]]
    top = first.json["items"][0]
    assert top["ticket_number"] == numbers[2] and top["score"] == "okay"
    assert top["comment"] == "Comment 2" and top["channel"] == "email"
    assert top["customer"]["email"].endswith("@example.net")
    assert top["created_at"] == "2026-03-02T07:00:00Z"
    assert len([s for s in statements if "ratings" in s]) == 1
    assert not [s for s in statements if "FROM tickets" in s and "ratings" not in s]
    rest = client.get(
        f"/api/v1/ratings?limit=2&after={first.json['next_cursor']}", headers=caller.headers
    )
    assert [r["id"] for r in rest.json["items"]] == [ids[0]]
    assert rest.json["next_cursor"] is None


def test_nps_responses_newest_first_with_round(app, client, api_token):
    caller = api_token("founder")
    ids, round_id = _nps(app)
    response, statements = _counting(app, client, "/api/v1/nps-responses", caller.headers)
    assert response.status_code == 200, response.json
    items = response.json["items"]
    assert [r["id"] for r in items] == list(reversed(ids))
    assert [r["score"] for r in items] == [8, 3, 10]
    assert [r["group"] for r in items] == ["passive", "detractor", "promoter"]
    assert items[0]["reason"] == "Reason 2" and items[0]["round"]["id"] == round_id
    assert items[0]["round"]["period_end"] == "2026-03-01T10:00:00Z"
    # Token, user, then one statement for the page with customer, survey and round.
    assert len([s for s in statements if "nps_" in s]) == 1, statements
    assert response.json["next_cursor"] is None


@pytest.mark.parametrize("path", ["/api/v1/ratings", "/api/v1/nps-responses"])
@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=0", "limit"), ("after=xyz", "after"), ("score=bad", "score")],
)
def test_bad_query_is_422_naming_the_field(client, api_token, path, query, field):
    response = client.get(f"{path}?{query}", headers=api_token("founder").headers)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]


@pytest.mark.parametrize("path", ["/api/v1/ratings", "/api/v1/nps-responses"])
def test_agents_get_403_founders_and_admins_may_read(app, client, api_token, path):
    _ratings(app)
    _nps(app)
    denied = client.get(path, headers=api_token("agent").headers)
    assert denied.status_code == 403 and "items" not in denied.json
    for role in ("founder", "admin"):
        response = client.get(path, headers=api_token(role, "read").headers)
        assert response.status_code == 200 and len(response.json["items"]) == 3
    assert client.get(path).status_code == 401


def test_empty_lists(client, api_token):
    caller = api_token("founder")
    for path in ("/api/v1/ratings", "/api/v1/nps-responses"):
        assert client.get(path, headers=caller.headers).json == {"items": [], "next_cursor": None}
