"""Oversized and hostile bodies get 4xx, never 500; error pages and JSON errors."""

from __future__ import annotations

import io
import json

import pytest


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


@pytest.mark.parametrize(("depth", "status"), [(32, 404), (33, 400)])
def test_json_deeper_than_the_limit_gets_400(client, depth, status):
    body = "[" * depth + "]" * depth
    response = client.post("/api/v1/x", data=body, content_type="application/json")
    assert response.status_code == status  # 404: parsed fine, and no such endpoint yet
    if status == 400:
        assert "nested too deeply" in response.json["error"]["message"]


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


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("timezone", "Mars/Olympus", "Not a valid choice."),
        ("language", "xx", "Choose a language from the list."),
    ],
)
def test_profile_rejects_an_unknown_choice(login_as, field, value, message):
    from tests.conftest import csrf_token

    client = login_as("agent")
    data = {"name": "Somchai", "timezone": "Asia/Bangkok", "language": "th", field: value}
    response = client.post(
        "/account/profile", data={**data, "csrf_token": csrf_token(client, "/account")}
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/inbox?page=9223372036854775807", 200),  # not a parameter the inbox uses
        ("/inbox?after=" + "A" * 5000, 400),
        ("/inbox?assignee=9223372036854775807", 400),
        ("/inbox?q=" + "x" * 10_000, 200),
        ("/inbox?view=nope", 400),
    ],
)
def test_odd_inbox_parameters_never_500(login_as, path, status):
    client = login_as("agent")
    assert client.get(path).status_code == status


@pytest.mark.parametrize("user_id", ["2147483648", "99999999999999999999"])
def test_huge_ids_are_404_not_500(login_as, user_id):
    from tests.conftest import csrf_token

    admin = login_as("admin")
    response = admin.post(
        f"/settings/team/{user_id}/deactivate",
        data={"csrf_token": csrf_token(admin, "/settings/team")},
    )
    assert response.status_code == 404


def test_public_endpoints_are_rate_limited_per_address(app, client):
    app.config["RATELIMIT_PUBLIC"] = "3 per minute"
    assert [client.get("/healthz").status_code for _ in range(4)] == [200, 200, 200, 429]
    other = app.test_client()
    response = other.get("/healthz", environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert response.status_code == 200


def test_logged_in_staff_are_not_held_by_the_public_limit(app, login_as):
    client = login_as("agent")
    app.config["RATELIMIT_PUBLIC"] = "2 per minute"
    assert {client.get("/inbox").status_code for _ in range(5)} == {200}


def test_static_files_are_not_rate_limited(app, client):
    app.config["RATELIMIT_PUBLIC"] = "2 per minute"
    statuses = set()
    for _ in range(5):
        with client.get("/static/css/app.css") as response:
            statuses.add(response.status_code)
    assert statuses == {200}


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
