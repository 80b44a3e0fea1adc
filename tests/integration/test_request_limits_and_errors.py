"""Oversized and hostile bodies get 4xx, never 500; error pages and JSON errors."""

from __future__ import annotations

import io
import json


def test_thirty_megabyte_body_gets_413(client):
    body = b"x" * (30 * 1024 * 1024)
    response = client.post("/login", data=body, content_type="application/octet-stream")
    assert response.status_code == 413
    assert "larger than we accept" in response.get_data(as_text=True)


def test_thirty_megabyte_form_gets_413(client):
    response = client.post("/login", data={"email": "a" * (30 * 1024 * 1024)})
    assert response.status_code == 413


def test_json_nested_100000_deep_gets_400(client):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/anything", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_request"


def test_json_deeper_than_the_limit_gets_400(client):
    body = json.dumps(
        {"a": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}
    )
    response = client.post("/login", data=body, content_type="application/json")
    assert response.status_code == 400


def test_malformed_json_gets_400(client):
    response = client.post("/api/v1/x", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert "not valid JSON" in response.json["error"]["message"]


def test_json_over_its_own_size_limit_gets_413(app, client):
    app.config["MAX_JSON_BYTES"] = 1000
    response = client.post(
        "/api/v1/x", data=json.dumps({"text": "y" * 5000}), content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json["error"]["code"] == "request_entity_too_large"


def test_api_paths_get_json_errors(client):
    response = client.get("/api/v1/does-not-exist")
    assert response.status_code == 404
    assert response.json == {
        "error": {"code": "not_found", "message": response.json["error"]["message"]}
    }
    assert "Content-Security-Policy" in response.headers


def test_html_404_page_has_the_app_look_and_headers(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html
    assert "<header" in html
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_server_error_page_rolls_back_and_renders(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():  # pragma: no cover - exercised through the client
        raise RuntimeError("boom")

    app.view_functions["boom"].public = True
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    assert "Content-Security-Policy" in response.headers


def test_nul_and_control_characters_are_stripped_from_form_input(app, login_as):
    from helpdesk.extensions import db
    from helpdesk.models import User
    from tests.conftest import csrf_token

    client = login_as("agent")
    response = client.post(
        "/account/profile",
        data={
            "name": "Som\x00chai\x07 W",
            "timezone": "Asia/Bangkok",
            "language": "th",
            "csrf_token": csrf_token(client, "/account"),
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, client.user.id)
        assert user.name == "Somchai W"
        assert user.timezone == "Asia/Bangkok"
        assert user.language == "th"


def test_profile_rejects_unknown_timezone_and_language(login_as):
    from tests.conftest import csrf_token

    client = login_as("agent")
    response = client.post(
        "/account/profile",
        data={
            "name": "Somchai",
            "timezone": "Mars/Olympus",
            "language": "xx",
            "csrf_token": csrf_token(client, "/account"),
        },
    )
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True) or "Choose a time zone" in (
        response.get_data(as_text=True)
    )


def test_chunked_json_over_the_size_limit_gets_413(app, client):
    app.config["MAX_JSON_BYTES"] = 1000
    body = json.dumps({"text": "y" * 5000}).encode()
    response = client.post(
        "/api/v1/x",
        input_stream=io.BytesIO(body),
        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        # What gunicorn sets for a chunked body it has de-chunked.
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413
