"""Privacy requests through the REST API: export (a ZIP), erase and the legal hold, for
admins' read-write tokens only; declared bodies and errors."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Customer, Ticket
from tests.factories import CustomerFactory, MessageFactory, TicketFactory


@pytest.fixture
def customer_id(app) -> int:
    with app.app_context():
        customer = CustomerFactory(name="Ana Lima", email="ana@example.com", external_id="cus_9")
        MessageFactory(ticket=TicketFactory(customer=customer), body_source="Ana's secret words")
        return customer.id


def test_export_answers_a_zip(app, client, api_token, customer_id):
    caller = api_token("admin")
    response = client.post(
        f"/api/v1/customers/{customer_id}/export", json={}, headers=caller.headers
    )
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert json.loads(archive.read("customer.json"))["external_id"] == "cus_9"
    [ticket] = json.loads(archive.read("tickets.json"))
    assert ticket["messages"][0]["body"] == "Ana's secret words"


def test_erase_and_legal_hold(app, client, api_token, customer_id):
    caller = api_token("admin")
    base = f"/api/v1/customers/{customer_id}"
    held = client.put(f"{base}/legal-hold", json={"legal_hold": True}, headers=caller.headers)
    assert held.status_code == 200
    assert held.json == {"id": customer_id, "legal_hold": True, "erased_at": None}

    refused = client.post(f"{base}/erase", json={"confirmation": "ERASE"}, headers=caller.headers)
    assert refused.status_code == 409
    assert "legal hold" in refused.json["error"]["message"]

    client.put(f"{base}/legal-hold", json={"legal_hold": False}, headers=caller.headers)
    wrong = client.post(f"{base}/erase", json={"confirmation": "erase"}, headers=caller.headers)
    assert wrong.status_code == 422
    assert "confirmation" in wrong.json["error"]["fields"]

    # The API takes only the word (the admin page also takes the email address).
    email = client.post(
        f"{base}/erase", json={"confirmation": "ANA@example.com"}, headers=caller.headers
    )
    assert email.status_code == 422
    done = client.post(f"{base}/erase", json={"confirmation": "ERASE"}, headers=caller.headers)
    assert done.status_code == 200, done.json
    assert done.json["tickets"] == 1 and done.json["messages"] == 1
    assert done.json["customer"]["erased_at"] is not None
    with app.app_context():
        customer = db.session.get(Customer, customer_id)
        assert customer is not None and customer.external_id is None
        assert customer.name == f"Erased customer #{customer_id}"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 1
        actions = list(
            db.session.scalars(
                sa.select(AuditEvent.action)
                .where(AuditEvent.action.like("privacy.%"))
                .order_by(AuditEvent.id)
            )
        )
        assert actions == ["privacy.legal_hold", "privacy.legal_hold", "privacy.erase"]
    again = client.post(f"{base}/erase", json={"confirmation": "ERASE"}, headers=caller.headers)
    assert again.status_code == 409


@pytest.mark.parametrize("role", ["agent", "founder"])
def test_only_admins(client, api_token, customer_id, role):
    caller = api_token(role)
    base = f"/api/v1/customers/{customer_id}"
    assert client.post(f"{base}/export", json={}, headers=caller.headers).status_code == 403
    erase = client.post(f"{base}/erase", json={"confirmation": "ERASE"}, headers=caller.headers)
    assert erase.status_code == 403
    hold = client.put(f"{base}/legal-hold", json={"legal_hold": True}, headers=caller.headers)
    assert hold.status_code == 403


def test_a_read_token_cannot_export_or_erase(client, api_token, customer_id):
    caller = api_token("admin", scope="read")
    base = f"/api/v1/customers/{customer_id}"
    response = client.post(f"{base}/export", json={}, headers=caller.headers)
    assert response.status_code == 403
    assert response.json["error"]["code"] == "insufficient_scope"


def test_bad_bodies_and_unknown_customers(client, api_token, customer_id):
    caller = api_token("admin")
    base = f"/api/v1/customers/{customer_id}"
    assert client.post(f"{base}/erase", json={}, headers=caller.headers).status_code == 422
    extra = client.post(f"{base}/export", json={"x": 1}, headers=caller.headers)
    assert extra.status_code == 422
    hold = client.put(f"{base}/legal-hold", json={"legal_hold": "yes"}, headers=caller.headers)
    assert hold.status_code == 422
    missing = client.post(
        "/api/v1/customers/999999/erase", json={"confirmation": "ERASE"}, headers=caller.headers
    )
    assert missing.status_code == 404
    assert client.post(f"{base}/export", data="x", headers=caller.headers).status_code == 415


def test_the_operations_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "post" in paths["/api/v1/customers/{customer_id}/export"]
    assert "post" in paths["/api/v1/customers/{customer_id}/erase"]
    assert "put" in paths["/api/v1/customers/{customer_id}/legal-hold"]
