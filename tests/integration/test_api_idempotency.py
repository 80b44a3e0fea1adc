"""The REST API honours `Idempotency-Key` on every POST, as the widget does: a retried
request gets the first answer and makes nothing twice; the key reused for another request
is a 422; a refused request gives its key back."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.extensions import db
from helpdesk.models import Ticket

NEW_TICKET = {
    "customer_email": "sam@example.com",
    "customer_name": "Sam Lee",
    "subject": "Payment failed",
    "body": "The card payment for order 1042 failed.",
}


def tickets(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count(Ticket.id))) or 0)


def post(client: FlaskClient, caller: Any, path: str, body: Any, key: str | None) -> Any:
    headers = dict(caller.headers)
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(path, json=body, headers=headers)


def test_a_retried_create_makes_one_ticket_and_gets_the_first_answer(
    app: Flask, client: FlaskClient, api_token: Any
) -> None:
    caller = api_token()
    first = post(client, caller, "/api/v1/tickets", NEW_TICKET, "order-1042-try")
    again = post(client, caller, "/api/v1/tickets", NEW_TICKET, "order-1042-try")
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert tickets(app) == 1
    # Without a key, each POST is its own request.
    post(client, caller, "/api/v1/tickets", NEW_TICKET, None)
    assert tickets(app) == 2


def test_the_same_key_for_another_request_is_a_422(
    app: Flask, client: FlaskClient, api_token: Any
) -> None:
    caller = api_token()
    post(client, caller, "/api/v1/tickets", NEW_TICKET, "k1")
    other = post(client, caller, "/api/v1/tickets", {**NEW_TICKET, "subject": "Other"}, "k1")
    assert other.status_code == 422
    assert other.json["error"]["code"] == "idempotency_key_reused"
    number = tickets(app)
    elsewhere = post(client, caller, f"/api/v1/tickets/{number}/messages", {"body": "Hello"}, "k1")
    assert elsewhere.status_code == 422
    assert tickets(app) == 1


def test_a_refused_request_gives_its_key_back(
    app: Flask, client: FlaskClient, api_token: Any
) -> None:
    caller = api_token()
    bad = post(client, caller, "/api/v1/tickets", {**NEW_TICKET, "subject": ""}, "k2")
    assert bad.status_code == 422
    good = post(client, caller, "/api/v1/tickets", NEW_TICKET, "k2")
    assert good.status_code == 201
    assert tickets(app) == 1


def test_keys_belong_to_one_token_and_bad_keys_are_refused(
    app: Flask, client: FlaskClient, api_token: Any
) -> None:
    first, second = api_token(), api_token()
    assert post(client, first, "/api/v1/tickets", NEW_TICKET, "shared").status_code == 201
    assert post(client, second, "/api/v1/tickets", NEW_TICKET, "shared").status_code == 201
    assert tickets(app) == 2
    for key in ("", " ", "x" * 256, "clé"):
        response = post(client, first, "/api/v1/tickets", NEW_TICKET, key)
        assert response.status_code == 422, key
        assert "Idempotency-Key" in response.json["error"]["message"]
    assert tickets(app) == 2
    # A GET ignores the header.
    listed = client.get("/api/v1/tickets", headers={**first.headers, "Idempotency-Key": "k"})
    assert listed.status_code == 200
