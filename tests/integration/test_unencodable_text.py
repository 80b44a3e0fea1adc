"""Text no database can store: a lone UTF-16 surrogate ("\\ud800" in JSON, or raw CESU-8
bytes) sent to any JSON endpoint is a 4xx naming the field, never a 500, and nothing is
written. Forms decode bytes with replacement, so a surrogate cannot reach them."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.extensions import db
from helpdesk.models import Customer, Message, Ticket
from helpdesk.web.security import unencodable_field

LONE = "\\ud800"  # as JSON writes it


def widget_body(**fields: str) -> str:
    values = {"name": "Ann", "email": "ann@example.com", "message": "Hello"} | fields
    return "{" + ", ".join(f'"{key}": "{value}"' for key, value in values.items()) + "}"


def counts(app: Flask) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(  # type: ignore[return-value]
            db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Ticket, Message, Customer)
        )


@pytest.mark.parametrize("field", ["name", "message", "subject", "email"])
def test_widget_create_refuses_a_lone_surrogate_in_any_field(
    app: Flask, client: FlaskClient, field: str
) -> None:
    body = widget_body(**{field: f"a{LONE}b"})
    response = client.post(
        "/api/widget/v1/conversations", data=body, content_type="application/json"
    )
    assert response.status_code == 422
    error = response.json["error"]
    assert field in error["message"] and "cannot be stored" in error["message"]
    assert counts(app) == (0, 0, 0)


def test_raw_cesu8_bytes_are_named_too(app: Flask, client: FlaskClient) -> None:
    # json.loads reads bytes with "surrogatepass": CESU-8 becomes the same lone surrogate.
    body = b'{"name": "Ann", "email": "ann@example.com", "message": "hi \xed\xa0\x80"}'
    response = client.post(
        "/api/widget/v1/conversations", data=body, content_type="application/json"
    )
    assert response.status_code == 422
    assert "message" in response.json["error"]["message"]
    assert counts(app) == (0, 0, 0)


def test_widget_reply_and_rating_refuse_a_lone_surrogate(client: FlaskClient) -> None:
    created = client.post(
        "/api/widget/v1/conversations", data=widget_body(), content_type="application/json"
    )
    number, token = created.json["number"], created.json["token"]
    headers = {"X-Conversation-Token": token}
    reply = client.post(
        f"/api/widget/v1/conversations/{number}/messages",
        data=f'{{"message": "x{LONE}"}}',
        content_type="application/json",
        headers=headers,
    )
    assert reply.status_code == 422
    rating = client.post(
        f"/api/widget/v1/conversations/{number}/rating",
        data=f'{{"rating": "good", "comment": "{LONE}"}}',
        content_type="application/json",
        headers=headers,
    )
    assert rating.status_code == 422


def test_rest_api_refuses_a_lone_surrogate(app: Flask, client: FlaskClient, api_token: Any) -> None:
    caller = api_token()
    body = (
        '{"customer_email": "sam@example.com", "customer_name": "Sam", '
        f'"subject": "Hi{LONE}", "body": "Hello"}}'
    )
    response = client.post(
        "/api/v1/tickets", data=body, content_type="application/json", headers=caller.headers
    )
    assert response.status_code == 422
    assert "subject" in response.json["error"]["message"]
    assert counts(app)[0] == 0


def test_a_form_never_sees_a_surrogate(client: FlaskClient) -> None:
    response = client.post(
        "/login",
        data=b"email=a%ED%A0%80%40x.com&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code < 500


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ({"a": "fine", "b": ["ok", {"c": "x\ud800"}]}, "b[1].c"),
        ("\udfff", "body"),
        ({"k\ud800": 1}, "body"),
        ({"fine": ["a", 1, None, {"x": "émoji 🎉"}]}, None),
    ],
)
def test_the_field_is_named(value: Any, field: str | None) -> None:
    assert unencodable_field(value) == field
