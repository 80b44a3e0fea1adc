"""Customers attach files from the widget (multipart messages on its JSON API) and from the
conversation page `/c/…`, and download files of public messages only; on both storage
backends."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.extensions import db
from helpdesk.models import Attachment, Ticket
from tests.conftest import csrf_token
from tests.integration.test_attachments_flow import PDF, _customer, png_bytes, post_multipart, send
from tests.integration.test_widget_api import API, start, token_header
from tests.storage_backends import moto_server, storage_backend, stored_keys  # noqa: F401

pytestmark = pytest.mark.usefixtures("storage_backend")

FRAME = {"X-Widget-Request": "1"}  # what the widget's frame sends with a multipart body


def _conversation(client: FlaskClient) -> tuple[int, dict[str, str]]:
    created = start(client)
    assert created.status_code == 201, created.get_json()
    headers = {**token_header(created.get_json()["token"]), **FRAME}
    return created.get_json()["number"], headers


def test_a_customer_attaches_files_in_the_widget_and_the_agent_downloads_them(
    app: Flask, client: FlaskClient, login_as: Callable[[str], FlaskClient]
) -> None:
    number, token = _conversation(client)
    image = png_bytes()
    response = client.post(
        f"{API}/conversations/{number}/messages",
        data={
            "message": "Here is my receipt",
            "attachments": [(io.BytesIO(PDF), "receipt.pdf"), (io.BytesIO(image), "shot.png")],
        },
        headers=token,
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    files = response.get_json()["message"]["attachments"]
    assert [(f["filename"], f["content_type"], f["size"]) for f in files] == [
        ("receipt.pdf", "application/pdf", len(PDF)),
        ("shot.png", "image/png", len(image)),
    ]
    # The conversation lists them, and the token downloads them; no token, no file.
    listed = client.get(f"{API}/conversations/{number}", headers=token).get_json()
    assert listed["messages"][-1]["attachments"] == files
    got = client.get(files[0]["url"], headers=token)
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert client.get(files[0]["url"]).status_code == 404
    other_number, other_token = _conversation(client)
    assert client.get(files[0]["url"], headers=other_token).status_code == 404
    # The agent sees and downloads them on the ticket page.
    agent = login_as("agent")
    page = agent.get(f"/tickets/{number}").get_data(as_text=True)
    assert "receipt.pdf" in page
    assert agent.get(f"/tickets/{number}/attachments/{files[0]['id']}").data == PDF


def test_the_widget_refuses_a_bad_file_by_name_and_stores_nothing(
    app: Flask, client: FlaskClient
) -> None:
    number, token = _conversation(client)
    before = stored_keys(app)
    response = client.post(
        f"{API}/conversations/{number}/messages",
        data={"message": "Look", "attachments": [(io.BytesIO(b"<svg/>"), "x.svg")]},
        headers={**token, "Accept-Language": "th"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert "x.svg" in error["fields"]["attachments"]
    response = client.post(
        f"{API}/conversations/{number}/messages",
        data={"message": "Big", "attachments": [(io.BytesIO(b"a" * 2048), "a.txt")]},
        headers=token,
        content_type="multipart/form-data",
    )
    assert response.status_code == 201  # under the limit
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    response = client.post(
        f"{API}/conversations/{number}/messages",
        data={"message": "Big", "attachments": [(io.BytesIO(b"b" * 2048), "b.txt")]},
        headers=token,
        content_type="multipart/form-data",
    )
    assert response.get_json()["error"]["fields"]["attachments"] == (
        "b.txt is 2 KB; each file may be at most 1 KB."
    )
    assert len(stored_keys(app)) == len(before) + 1


def test_the_customer_page_takes_files_and_keeps_the_text_on_a_refusal(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    with app.app_context():
        from tests.factories import MessageFactory, TicketFactory

        ticket = TicketFactory()
        MessageFactory(ticket=ticket)
        db.session.commit()
        number = ticket.number
    customer = _customer(app, number)
    token = csrf_token(customer, f"/c/{number}")
    refused = post_multipart(
        customer,
        f"/c/{number}/messages",
        {
            "csrf_token": token,
            "message": "Typed words",
            "attachments": [(io.BytesIO(b"MZ"), "tool.exe")],
        },
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "tool.exe is not a type we accept" in html and "Typed words" in html
    assert stored_keys(app) == []
    sent = post_multipart(
        customer,
        f"/c/{number}/messages",
        {"csrf_token": token, "message": "The bill", "attachments": [(io.BytesIO(PDF), "b.pdf")]},
    )
    assert sent.status_code == 303
    with app.app_context():
        row = db.session.scalar(sa.select(Attachment))
        assert row is not None and row.filename == "b.pdf"
        attachment_id = row.id
    assert f"/c/{number}/attachments/{attachment_id}" in customer.get(f"/c/{number}").get_data(
        as_text=True
    )
    # An agent's note with a file stays invisible to the customer.
    agent = login_as("agent")
    assert (
        send(agent, number, "Internal.", [("n.txt", b"internal\n")], kind="note").status_code == 302
    )
    with app.app_context():
        note_file = db.session.scalar(sa.select(Attachment).where(Attachment.filename == "n.txt"))
        assert note_file is not None
        note_id = note_file.id
        assert db.session.scalar(sa.select(Ticket.status).where(Ticket.number == number))
    assert customer.get(f"/c/{number}/attachments/{note_id}").status_code == 404


def test_a_conversation_starts_with_files_from_the_widget(app: Flask, client: FlaskClient) -> None:
    def post(files: list[tuple[bytes, str]], key: str) -> object:
        return client.post(
            f"{API}/conversations",
            data={
                "name": "Mali Chai",
                "email": "mali@example.net",
                "message": "The lid is broken",
                "attachments": [(io.BytesIO(data), name) for data, name in files],
            },
            headers={"Idempotency-Key": key, **FRAME},
            content_type="multipart/form-data",
        )

    # Another site's page can post a multipart form but cannot add the frame's header.
    forged = client.post(
        f"{API}/conversations",
        data={"name": "Mali", "email": "mali@example.net", "message": "Hi", "attachments": []},
        content_type="multipart/form-data",
    )
    assert forged.status_code == 400
    assert "chat window" in forged.get_json()["error"]["message"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 0
    refused = post([(b"MZ", "x.exe")], "key-1")
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "x.exe" in refused.get_json()["error"]["fields"]["attachments"]  # type: ignore[attr-defined]
    assert stored_keys(app) == []
    created = post([(PDF, "photo.pdf")], "key-2")
    assert created.status_code == 201, created.get_json()  # type: ignore[attr-defined]
    body = created.get_json()  # type: ignore[attr-defined]
    again = post([(PDF, "photo.pdf")], "key-2")  # a retry: the same answer, no second ticket
    assert again.get_json() == body  # type: ignore[attr-defined]
    conversation = client.get(
        f"{API}/conversations/{body['number']}", headers=token_header(body["token"])
    ).get_json()
    assert [f["filename"] for f in conversation["messages"][0]["attachments"]] == ["photo.pdf"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 1
