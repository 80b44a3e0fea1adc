"""The REST API's attachments: a reply with files as multipart/form-data, the files listed
on messages and per ticket, downloads with the token; refusals name the file; on both
storage backends."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import ApiCaller
from tests.integration.test_attachments_flow import PDF, _ticket, png_bytes
from tests.storage_backends import moto_server, storage_backend, stored_keys  # noqa: F401

pytestmark = pytest.mark.usefixtures("storage_backend")


def test_a_reply_with_files_is_listed_and_downloaded(
    app: Flask, client: FlaskClient, api_token: Callable[..., ApiCaller]
) -> None:
    number = _ticket(app)
    caller = api_token("agent")
    image = png_bytes()
    response = client.post(
        f"/api/v1/tickets/{number}/messages",
        data={
            "body": "See attached",
            "internal": "false",
            "attachments": [(io.BytesIO(PDF), "invoice.pdf"), (io.BytesIO(image), "shot.png")],
        },
        headers=caller.headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.json
    files = response.json["attachments"]
    assert [(f["filename"], f["content_type"], f["size"]) for f in files] == [
        ("invoice.pdf", "application/pdf", len(PDF)),
        ("shot.png", "image/png", len(image)),
    ]
    listed = client.get(f"/api/v1/tickets/{number}/attachments", headers=caller.headers)
    assert listed.status_code == 200 and listed.json["items"] == files
    detail = client.get(f"/api/v1/tickets/{number}", headers=caller.headers).json
    assert detail["messages"][-1]["attachments"] == files
    assert detail["messages"][0]["attachments"] == []
    got = client.get(files[0]["url"], headers=caller.headers)
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert client.get(files[0]["url"]).status_code == 401
    other = _ticket(app)
    wrong = f"/api/v1/tickets/{other}/attachments/{files[0]['id']}"
    assert client.get(wrong, headers=caller.headers).status_code == 404
    # JSON replies still work and carry no files.
    plain = client.post(
        f"/api/v1/tickets/{number}/messages", json={"body": "Thanks"}, headers=caller.headers
    )
    assert plain.status_code == 201 and plain.json["attachments"] == []


def test_a_refused_file_is_a_422_naming_it_and_nothing_is_stored(
    app: Flask, client: FlaskClient, api_token: Callable[..., ApiCaller]
) -> None:
    number = _ticket(app)
    caller = api_token("agent")
    response = client.post(
        f"/api/v1/tickets/{number}/messages",
        data={"body": "x", "attachments": [(io.BytesIO(b"<html></html>"), "page.html")]},
        headers=caller.headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "page.html is not a type we accept" in response.json["error"]["fields"]["attachments"]
    assert stored_keys(app) == []
    reader = api_token("agent", scope="read")
    forbidden = client.post(
        f"/api/v1/tickets/{number}/messages",
        data={"body": "x", "attachments": [(io.BytesIO(PDF), "a.pdf")]},
        headers=reader.headers,
        content_type="multipart/form-data",
    )
    assert forbidden.status_code == 403 and stored_keys(app) == []


def test_the_openapi_document_describes_files() -> None:
    from helpdesk import create_app
    from tests.conftest import app_config

    app = create_app(app_config("sqlite://"))
    with app.test_request_context():
        from helpdesk.api.spec import spec

        document = spec.spec
    operation = document["paths"]["/api/v1/tickets/{number}/messages"]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert "/api/v1/tickets/{number}/attachments" in document["paths"]
