"""Every public endpoint answers hostile input with a 4xx (or accepts it, cleaned), never a
5xx: lone surrogates, invalid UTF-8, NUL bytes and 10 MB fields, in JSON bodies and in
forms, to the widget API, the customer's conversation page, the login form and the help
centre."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_token
from tests.integration.test_customer_page import new_conversation, page_csrf

API = "/api/widget/v1"
HUGE = "x" * (10 * 1024 * 1024)
# Raw JSON bodies: a JSON escape for a lone surrogate, CESU-8 bytes, invalid UTF-8, a NUL
# escape, a raw NUL byte, and a 10 MB field.
JSON_BODIES = {
    "surrogate": '{{"{field}": "a\\ud800b"}}',
    "cesu8": b'{"FIELD": "a\xed\xa0\x80b"}',
    "invalid_utf8": b'{"FIELD": "a\xff\xfeb"}',
    "nul_escape": '{{"{field}": "a\\u0000b"}}',
    "nul_byte": b'{"FIELD": "a\x00b"}',
    "huge": None,
}
FORM_VALUES = {
    "invalid_utf8": b"a%FF%FEb",
    "cesu8": b"a%ED%A0%80b",
    "nul": b"a%00b",
    "control": b"a%01%1Bb",
}


def json_body(kind: str, field: str, base: dict[str, Any]) -> bytes:
    template = JSON_BODIES[kind]
    if template is None:
        import json

        return json.dumps({**base, field: HUGE}).encode()
    if isinstance(template, bytes):
        raw = template.replace(b"FIELD", field.encode())
    else:
        raw = template.format(field=field).encode()
    # Merge the other fields in, so only the field under test is hostile.
    rest = ", ".join(f'"{k}": "{v}"' for k, v in base.items() if k != field)
    return raw[:-1] + (b", " + rest.encode() if rest else b"") + b"}"


WIDGET_CREATE = {"name": "Ann", "email": "ann@example.com", "message": "Hello there"}


@pytest.mark.parametrize("kind", JSON_BODIES)
@pytest.mark.parametrize("field", ["name", "email", "message", "subject", "page_url"])
def test_widget_create(app: Flask, kind: str, field: str) -> None:
    client = app.test_client()
    response = client.post(
        f"{API}/conversations",
        data=json_body(kind, field, WIDGET_CREATE),
        content_type="application/json",
    )
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    assert response.is_json


@pytest.mark.parametrize("kind", JSON_BODIES)
def test_widget_reply_rating_and_language(app: Flask, kind: str) -> None:
    client = app.test_client()
    created = client.post(f"{API}/conversations", json=WIDGET_CREATE)
    number, token = created.json["number"], created.json["token"]
    headers = {"X-Conversation-Token": token}
    for path, field, base in (
        (f"/conversations/{number}/messages", "message", {"message": "ok"}),
        (f"/conversations/{number}/rating", "comment", {"rating": "good", "comment": "ok"}),
        ("/language", "language", {"language": "th"}),
    ):
        response = client.post(
            API + path,
            data=json_body(kind, field, base),
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code < 500, (path, response.get_data(as_text=True)[:300])


@pytest.mark.parametrize("value", FORM_VALUES.values(), ids=list(FORM_VALUES))
def test_login_form(client: FlaskClient, value: bytes) -> None:
    token = csrf_token(client).encode()
    for field in (b"email", b"password", b"next"):
        others = b"&".join(
            f"{name}=x".encode() for name in ("email", "password", "next") if name != field.decode()
        )
        body = field + b"=" + value + b"&" + others + b"&csrf_token=" + token
        response = client.post(
            "/login", data=body, content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code < 500


@pytest.mark.parametrize("value", [*FORM_VALUES.values(), HUGE.encode()[: 9 * 1024 * 1024]])
def test_customer_page_forms(app: Flask, client: FlaskClient, value: bytes) -> None:
    number, token = new_conversation(app)
    client.get(f"/c/{token}")
    csrf = page_csrf(client, number).encode()
    for path, field, extra in (
        (f"/c/{number}/messages", b"message", b""),
        (f"/c/{number}/rating", b"comment", b"&rating=good"),
        (f"/c/{number}/language", b"language", b""),
    ):
        body = field + b"=" + value + extra + b"&csrf_token=" + csrf
        response = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500, path


@pytest.mark.parametrize("value", ["a\x00b", "%ED%A0%80", "%FF%FE", "x" * 5000])
def test_help_search_and_widget_articles(client: FlaskClient, value: str) -> None:
    assert client.get("/help", query_string={"q": value}).status_code < 500
    assert client.get(f"{API}/articles", query_string={"q": value}).status_code < 500
    assert client.get(f"/help?q={value}").status_code < 500


def test_a_body_over_the_limit_is_413_not_500(client: FlaskClient) -> None:
    big = b"x" * (11 * 1024 * 1024)
    assert (
        client.post(f"{API}/conversations", data=big, content_type="application/json").status_code
        == 413
    )
    assert (
        client.post(
            "/login", data=b"email=" + big, content_type="application/x-www-form-urlencoded"
        ).status_code
        == 413
    )
