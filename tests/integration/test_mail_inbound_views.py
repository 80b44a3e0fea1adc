"""`POST /api/v1/inbound/email` (an admin's read-write API token, content type, size, bad
mail) and downloading attachments: staff, customers with their conversation cookie,
nobody else."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.extensions import db
from helpdesk.models import Attachment, Message, Ticket
from helpdesk.tickets.tokens import ticket_link_token
from tests.conftest import ApiCaller
from tests.integration.mail_inbound_support import configure, load, with_headers

URL = "/api/v1/inbound/email"


# `_post`'s default: the mail server's token (an admin's read-write API token).
MAIL_SERVER = "mail-server"


@pytest.fixture(autouse=True)
def _mail(
    app: Flask, tmp_path: Path, client: FlaskClient, api_token: Callable[..., ApiCaller]
) -> None:
    configure(app, tmp_path)
    client.inbound_token = api_token("admin").secret  # type: ignore[attr-defined]


def _post(client: FlaskClient, raw: bytes, token: str | None = MAIL_SERVER, **headers: str):  # type: ignore[no-untyped-def]
    sent = {"Content-Type": "message/rfc822", **headers}
    if token == MAIL_SERVER:
        token = client.inbound_token  # type: ignore[attr-defined]
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    return client.post(URL, data=raw, headers=sent)


def _ticket_count(client: FlaskClient) -> int:
    with client.application.app_context():
        return db.session.scalar(sa.select(sa.func.count(Ticket.id))) or 0


def test_a_new_message_opens_a_ticket(client: FlaskClient) -> None:
    response = _post(client, load("gmail_new_bn.eml"))
    assert response.status_code == 201
    body = response.get_json()
    assert body["result"] == "created" and body["auto_reply_allowed"] is True
    assert isinstance(body["ticket"], int)
    again = _post(client, load("gmail_new_bn.eml"))
    assert again.status_code == 200 and again.get_json()["result"] == "duplicate"


@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        (None, "unauthorized"),
        ("", "unauthorized"),
        ("Bearer", "unauthorized"),
        ("Bearer wrong-token", "invalid_token"),
        ("Basic {token}", "unauthorized"),
        ("Bearer {token}x", "invalid_token"),
        ("{token}", "unauthorized"),
    ],
)
def test_a_missing_or_wrong_token_is_401(
    client: FlaskClient, authorization: str | None, code: str
) -> None:
    headers = {"Content-Type": "message/rfc822"}
    if authorization is not None:
        headers["Authorization"] = authorization.format(token=client.inbound_token)  # type: ignore[attr-defined]
    response = client.post(URL, data=load("gmail_new_id.eml"), headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == code
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert _ticket_count(client) == 0


@pytest.mark.parametrize(
    ("role", "scope"),
    [("admin", "read"), ("agent", "read-write"), ("founder", "read-write")],
)
def test_only_an_admins_read_write_token_may_pipe_mail(
    client: FlaskClient, api_token: Callable[..., ApiCaller], role: str, scope: str
) -> None:
    caller = api_token(role, scope=scope)
    response = _post(client, load("gmail_new_id.eml"), token=caller.secret)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "insufficient_scope"
    assert _ticket_count(client) == 0


def test_a_revoked_token_is_refused(app: Flask, client: FlaskClient) -> None:
    from helpdesk.auth.api_tokens import token_revoke
    from helpdesk.models import ApiToken

    with app.app_context():
        token = db.session.scalars(sa.select(ApiToken)).one()
        token_revoke(token=token, actor=token.user)
    response = _post(client, load("gmail_new_id.eml"))
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"


def test_an_admins_session_cookie_is_not_enough(
    login_as: Callable[[str], FlaskClient],
) -> None:
    admin = login_as("admin")
    response = admin.post(
        URL, data=load("gmail_new_id.eml"), headers={"Content-Type": "message/rfc822"}
    )
    assert response.status_code == 401
    assert _ticket_count(admin) == 0


def test_the_token_s_api_rate_limit_applies(app: Flask, client: FlaskClient) -> None:
    app.config["RATELIMIT_API"] = "2 per minute"
    assert _post(client, load("gmail_new_id.eml")).status_code == 201
    assert _post(client, load("gmail_new_id.eml")).status_code == 200
    limited = _post(client, load("gmail_new_bn.eml"))
    assert limited.status_code == 429 and "Retry-After" in limited.headers


def test_the_endpoint_is_not_in_the_openapi_document(client: FlaskClient) -> None:
    assert URL not in client.get("/api/v1/openapi.json").get_json()["paths"]


@pytest.mark.parametrize(
    ("content_type", "raw"),
    [
        ("text/plain", load("gmail_new_id.eml")),
        ("application/octet-stream", load("gmail_new_id.eml")),
        ("application/json", b'{"raw": "From: a@example.com"}'),
    ],
)
def test_another_content_type_is_415(client: FlaskClient, content_type: str, raw: bytes) -> None:
    response = _post(client, raw, **{"Content-Type": content_type})
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"


def test_a_30_mb_message_is_413_and_logged(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    raw = with_headers(load("gmail_new_id.eml")) + b"x" * (30 * 1024 * 1024)
    with caplog.at_level(logging.WARNING, logger="helpdesk.mail.inbound_views"):
        response = _post(client, raw)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
    assert any("over the limit" in record.getMessage() for record in caplog.records)


def test_the_inbound_limit_may_exceed_the_general_body_limit(
    app: Flask, client: FlaskClient
) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1000
    raw = load("gmail_new_id.eml") + b"\n" + b"y" * 5000
    assert _post(client, raw).status_code in (200, 201)
    assert client.post("/login", data="x" * 5000).status_code == 413


def test_a_message_over_the_inbound_limit_is_413(app: Flask, client: FlaskClient) -> None:
    app.config["INBOUND_MAX_MESSAGE_BYTES"] = 300
    assert _post(client, load("gmail_new_id.eml")).status_code == 413


def test_malformed_mime_still_becomes_a_ticket(client: FlaskClient) -> None:
    assert _post(client, load("malformed_mime.eml")).status_code == 201
    assert _post(client, load("unknown_charset.eml")).status_code == 201


@pytest.mark.parametrize("raw", [b"", b"not an email at all", load("no_sender.eml")])
def test_a_message_without_a_sender_is_422(client: FlaskClient, raw: bytes) -> None:
    response = _post(client, raw)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"from": "The email has no sender address."}


def test_a_bounce_is_accepted_without_a_ticket(client: FlaskClient) -> None:
    response = _post(client, load("bounce_dsn.eml"))
    assert response.status_code == 200 and response.get_json()["result"] == "bounce"


def test_only_post_is_allowed(client: FlaskClient) -> None:
    assert client.get(URL).status_code == 405


# Attachments


def _ticket_with_files(client: FlaskClient) -> tuple[int, dict[str, int]]:
    number = _post(client, load("attachments.eml")).get_json()["ticket"]
    with client.application.app_context():
        rows = db.session.execute(
            sa.select(Attachment.filename, Attachment.id)
            .join(Message, Message.id == Attachment.message_id)
            .join(Ticket, Ticket.id == Message.ticket_id)
            .where(Ticket.number == number)
        ).all()
    return number, {name: attachment_id for name, attachment_id in rows}


def _download(client: FlaskClient, url: str):  # type: ignore[no-untyped-def]
    """GET a download, buffered and closed (a file response holds the file open)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def _customer_client(app: Flask, number: int) -> FlaskClient:
    with app.app_context():
        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == number))
        assert ticket is not None
        token = ticket_link_token(ticket)
        db.session.commit()
    customer = app.test_client()
    assert customer.get(f"/c/{token}").status_code == 303
    return customer


def test_an_agent_downloads_attachments_never_inline(
    client: FlaskClient, login_as: Callable[[str], FlaskClient]
) -> None:
    number, files = _ticket_with_files(client)
    agent = login_as("agent")
    response = _download(agent, f"/tickets/{number}/attachments/{files['invoice.pdf']}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data.startswith(b"%PDF-1.4")
    html = _download(agent, f"/tickets/{number}/attachments/{files['page.html']}")
    assert html.headers["Content-Type"] == "application/octet-stream"
    assert html.headers["Content-Disposition"] == "attachment; filename=page.html"
    png = _download(agent, f"/tickets/{number}/attachments/{files['ภาพ.png']}")
    assert "filename*=UTF-8''%E0%B8%A0%E0%B8%B2%E0%B8%9E.png" in png.headers["Content-Disposition"]
    original = _download(agent, f"/tickets/{number}/attachments/{files['original.eml']}")
    assert original.status_code == 200 and original.data == load("attachments.eml")
    page = agent.get(f"/tickets/{number}").get_data(as_text=True)
    assert f"/tickets/{number}/attachments/{files['invoice.pdf']}" in page
    assert "invoice.pdf" in page and "Original email" in page


def test_unknown_attachments_and_other_tickets_are_404(
    client: FlaskClient, login_as: Callable[[str], FlaskClient]
) -> None:
    number, files = _ticket_with_files(client)
    other = _post(client, load("gmail_new_id.eml")).get_json()["ticket"]
    agent = login_as("agent")
    assert (
        _download(agent, f"/tickets/{other}/attachments/{files['invoice.pdf']}").status_code == 404
    )
    assert _download(agent, f"/tickets/{number}/attachments/999999").status_code == 404
    assert _download(agent, f"/tickets/{number}/attachments/99999999999").status_code == 404


def test_logged_out_visitors_are_sent_to_log_in(client: FlaskClient) -> None:
    number, files = _ticket_with_files(client)
    response = _download(client, f"/tickets/{number}/attachments/{files['invoice.pdf']}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_customer_downloads_files_of_their_own_conversation(
    app: Flask, client: FlaskClient
) -> None:
    number, files = _ticket_with_files(client)
    customer = _customer_client(app, number)
    response = _download(customer, f"/c/{number}/attachments/{files['invoice.pdf']}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    # The raw original (it may carry headers meant for staff) is not for the customer page.
    assert (
        _download(customer, f"/c/{number}/attachments/{files['original.eml']}").status_code == 404
    )
    page = customer.get(f"/c/{number}").get_data(as_text=True)
    assert f"/c/{number}/attachments/{files['invoice.pdf']}" in page
    assert f"/attachments/{files['original.eml']}" not in page


def test_a_customer_cannot_reach_another_conversations_files(
    app: Flask, client: FlaskClient
) -> None:
    number, files = _ticket_with_files(client)
    other = _post(client, load("gmail_new_id.eml")).get_json()["ticket"]
    stranger = _customer_client(app, other)
    assert _download(stranger, f"/c/{number}/attachments/{files['invoice.pdf']}").status_code == 404
    # Even with the other conversation's cookie sent on every path.
    cookie = stranger.get_cookie("helpdesk_conversation", path=f"/c/{other}")
    assert cookie is not None
    stranger.set_cookie("helpdesk_conversation", cookie.value, path="/")
    assert _download(stranger, f"/c/{number}/attachments/{files['invoice.pdf']}").status_code == 404
    assert _download(client, f"/c/{number}/attachments/{files['invoice.pdf']}").status_code == 404
