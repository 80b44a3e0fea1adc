"""`POST /api/v1/events`: batches counted per customer, day and name; an id counted once
(within a batch, across batches, racing on PostgreSQL); per-event errors that never lose
the rest of the batch; the batch limit; tokens."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import UsageDaily, UsageEventId
from tests.factories import CustomerFactory

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _customers(app) -> tuple[int, int]:
    with app.app_context():
        ana = CustomerFactory(email="ana@example.com", name="Ana Lima")
        ben = CustomerFactory(email="ben@example.com", name="Ben Ng", external_id="cus_ben")
        db.session.commit()
        return ana.id, ben.id


def _event(event_id: str, *, at: datetime = NOW, name: str = "logged_in", **customer):
    return {
        "id": event_id,
        "customer": customer or {"email": "ana@example.com"},
        "name": name,
        "at": at.isoformat(),
    }


def _post(client, caller, events):
    return client.post("/api/v1/events", json={"events": events}, headers=caller.headers)


def _counts(app) -> dict[tuple[int, date, str], int]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(UsageDaily.customer_id, UsageDaily.day, UsageDaily.name, UsageDaily.count)
        )
        return {(row[0], row[1], row[2]): row[3] for row in rows}


def test_a_batch_is_counted_per_customer_day_and_name(app, client, api_token, set_now):
    set_now(NOW)
    ana, ben = _customers(app)
    caller = api_token("agent")
    response = _post(
        client,
        caller,
        [
            _event("e1"),
            _event("e2", at=NOW - timedelta(hours=1)),
            _event("e3", at=NOW - timedelta(days=1)),
            _event("e4", name="order_placed", external_id="cus_ben"),
            # Email as typed, any case: the customer's normalised address.
            _event("e5", email="BEN@example.com"),
            {**_event("e6"), "properties": {"plan": "pro", "items": 3, "ok": True, "x": None}},
        ],
    )
    assert response.status_code == 200, response.json
    assert response.json["accepted"] == 6
    assert response.json["duplicates"] == 0 and response.json["rejected"] == 0
    assert [item["status"] for item in response.json["results"]] == ["accepted"] * 6
    assert _counts(app) == {
        (ana, NOW.date(), "logged_in"): 3,
        (ana, NOW.date() - timedelta(days=1), "logged_in"): 1,
        (ben, NOW.date(), "order_placed"): 1,
        (ben, NOW.date(), "logged_in"): 1,
    }


def test_a_repeated_id_is_counted_once(app, client, api_token, set_now):
    set_now(NOW)
    ana, _ben = _customers(app)
    caller = api_token("agent")
    first = _post(client, caller, [_event("e1"), _event("e1"), _event("e2")])
    assert [item["status"] for item in first.json["results"]] == [
        "accepted",
        "duplicate",
        "accepted",
    ]
    again = _post(client, caller, [_event("e1"), _event("e2"), _event("e3")])
    assert again.json["duplicates"] == 2 and again.json["accepted"] == 1
    assert _counts(app) == {(ana, NOW.date(), "logged_in"): 3}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(UsageEventId)) == 3


def test_bad_events_are_refused_one_by_one(app, client, api_token, set_now):
    set_now(NOW)
    ana, _ben = _customers(app)
    caller = api_token("agent")
    response = _post(
        client,
        caller,
        [
            _event("unknown", email="nobody@example.com"),
            _event("unknown-ext", external_id="cus_nobody"),
            _event("future", at=NOW + timedelta(hours=1)),
            _event("old", at=NOW - timedelta(days=401)),
            _event("good"),
        ],
    )
    assert response.status_code == 200
    results = {item["id"]: item for item in response.json["results"]}
    assert results["unknown"]["error"]["code"] == "unknown_customer"
    assert results["unknown-ext"]["error"]["code"] == "unknown_customer"
    assert results["future"]["error"]["code"] == "at_in_future"
    assert results["old"]["error"]["code"] == "too_old"
    assert results["good"] == {"id": "good", "status": "accepted", "error": None}
    assert response.json["rejected"] == 4
    assert _counts(app) == {(ana, NOW.date(), "logged_in"): 1}
    # A rejected event took no id: once the customer exists it counts.
    with app.app_context():
        CustomerFactory(email="nobody@example.com")
        db.session.commit()
    again = _post(client, caller, [_event("unknown", email="nobody@example.com")])
    assert again.json["accepted"] == 1


def test_malformed_batches_are_refused_whole(app, client, api_token, set_now):
    set_now(NOW)
    _customers(app)
    caller = api_token("agent")
    cases = {
        "bad name": [_event("a", name="Logged In")],
        "bad id": [_event("has space")],
        "no offset": [{**_event("a"), "at": "2026-12-01T10:00:00"}],
        "unix time": [{**_event("a"), "at": 1764583200}],
        "no customer key": [{**_event("a"), "customer": {}}],
        "unknown field": [{**_event("a"), "user": "x"}],
        "bad property name": [{**_event("a"), "properties": {"has space": 1}}],
        "nested property": [{**_event("a"), "properties": {"a": {"b": 1}}}],
        "control character": [{**_event("a"), "properties": {"a": "x\u0000y"}}],
        "external id of spaces": [_event("a", external_id="   ")],
        "not an email": [_event("a", email="useratexample.com")],
        "empty": [],
    }
    for label, events in cases.items():
        response = _post(client, caller, events)
        assert response.status_code == 422, (label, response.json)
        assert response.json["error"]["fields"], label
    assert _counts(app) == {}


def test_a_thousand_events_are_taken_and_one_more_refused(app, client, api_token, set_now):
    set_now(NOW)
    ana, _ben = _customers(app)
    caller = api_token("agent")
    events = [_event(f"e{number}", at=NOW - timedelta(minutes=number)) for number in range(1000)]
    response = _post(client, caller, events)
    assert response.status_code == 200, response.json
    assert response.json["accepted"] == 1000
    assert sum(_counts(app).values()) == 1000
    too_many = _post(client, caller, [*events, _event("e1000")])
    assert too_many.status_code == 422
    assert "events" in too_many.json["error"]["fields"]


def test_tokens(app, client, api_token):
    _customers(app)
    body = {"events": [_event("e1")]}
    assert client.post("/api/v1/events", json=body).status_code == 401
    wrong = client.post("/api/v1/events", json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    reader = api_token("agent", scope="read")
    refused = client.post("/api/v1/events", json=body, headers=reader.headers)
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "insufficient_scope"
    assert _counts(app) == {}


def test_the_document_describes_the_endpoint(client):
    document = client.get("/api/v1/openapi.json").json
    operation = document["paths"]["/api/v1/events"]["post"]
    assert {"200", "401", "403", "413", "422"} <= set(operation["responses"])
    schema = document["components"]["schemas"]["EventBatch"]
    assert schema["properties"]["events"]["maxItems"] == 1000
