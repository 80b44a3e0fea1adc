"""Attachments end to end through the test client, on both storage backends: an agent
attaches files on the ticket page, the customer's email carries a reply's files, the
customer downloads them from `/c/…`, and every refusal (too large, wrong type, too many,
a failure after storing) keeps the text and leaves nothing in storage."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from helpdesk.attachments.previews import LABEL
from helpdesk.attachments.storage import derived_key, storage
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.mail.attachments import store_bytes
from helpdesk.mail.smtp import build_message
from helpdesk.models import Attachment, Message, Outbox, Ticket
from helpdesk.tickets.tokens import ticket_link_token
from tests.conftest import csrf_token
from tests.factories import MessageFactory, TicketFactory
from tests.integration.test_ticket_views import last_message_id
from tests.storage_backends import moto_server, storage_backend, stored_keys  # noqa: F401

# Every test here runs on both storage backends (a directory, and a real S3-compatible server).
pytestmark = pytest.mark.usefixtures("storage_backend")

MB = 1024 * 1024


def png_bytes(size: tuple[int, int] = (800, 600), *, comment: bytes = b"") -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    info = None
    if comment:
        from PIL.PngImagePlugin import PngInfo

        info = PngInfo()
        info.add_text("Comment", comment.decode())
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


PDF = b"%PDF-1.4\n% a small test document\n"


def _ticket(app: Flask) -> int:
    with app.app_context():
        ticket = TicketFactory()
        MessageFactory(ticket=ticket)
        db.session.commit()
        return ticket.number


def send(
    client: FlaskClient,
    number: int,
    body: str,
    files: list[tuple[str, bytes]],
    kind: str = "reply",
) -> Any:
    page = client.get(f"/tickets/{number}").get_data(as_text=True)
    data: dict[str, Any] = {
        "csrf_token": csrf_token(client, f"/tickets/{number}"),
        "kind": kind,
        "body": body,
        "then": "",
        "last_message_id": last_message_id(page),
        "seen_status": "open",
        "attachments": [(io.BytesIO(content), name) for name, content in files],
    }
    return post_multipart(client, f"/tickets/{number}/messages", data)


def post_multipart(client: FlaskClient, url: str, data: dict[str, Any]) -> Any:
    """POST a multipart body encoded in memory (the test client would spool a large one to
    a temporary file it never closes)."""
    boundary, body = encode_multipart(MultiDict(_items(data)))
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _items(data: dict[str, Any]) -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    for name, value in data.items():
        if isinstance(value, list):
            items.extend(
                (
                    name,
                    FileStorage(stream, filename=filename, content_type="application/octet-stream"),
                )
                for stream, filename in value
            )
        else:
            items.append((name, value))
    return items


def _rows(app: Flask) -> list[Attachment]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Attachment).order_by(Attachment.id)))
        db.session.expunge_all()
        return rows


def _customer(app: Flask, number: int) -> FlaskClient:
    with app.app_context():
        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == number))
        token = ticket_link_token(ticket)
        db.session.commit()
    customer = app.test_client()
    assert customer.get(f"/c/{token}").status_code == 303
    return customer


def test_an_agent_attaches_files_and_the_customer_gets_them(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    number = _ticket(app)
    agent = login_as("agent")
    image = png_bytes(comment=b"secret location")
    response = send(agent, number, "Here is the screenshot.", [("shot.png", image), ("a.pdf", PDF)])
    assert response.status_code == 302, response.get_data(as_text=True)
    png, pdf = _rows(app)
    assert (png.filename, png.content_type, png.size) == ("shot.png", "image/png", len(image))
    assert (pdf.filename, pdf.content_type) == ("a.pdf", "application/pdf")
    page = agent.get(f"/tickets/{number}").get_data(as_text=True)
    assert f"/tickets/{number}/attachments/{png.id}/preview" in page
    assert f"/tickets/{number}/attachments/{pdf.id}/preview" not in page
    download = agent.get(f"/tickets/{number}/attachments/{png.id}")
    assert download.data == image and download.headers["Content-Disposition"].startswith(
        "attachment;"
    )
    # The email to the customer carries both files, read from storage at send time.
    with app.app_context():
        row = db.session.scalar(sa.select(Outbox).where(Outbox.template == "staff_reply"))
        email = build_message(row)
        parts = {part.get_filename(): part.get_content() for part in email.iter_attachments()}
    assert parts == {"shot.png": image, "a.pdf": PDF}
    # The customer downloads them from the conversation page; a stranger cannot.
    customer = _customer(app, number)
    conversation = customer.get(f"/c/{number}").get_data(as_text=True)
    assert f"/c/{number}/attachments/{pdf.id}" in conversation
    got = customer.get(f"/c/{number}/attachments/{pdf.id}")
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    stranger = _customer(app, _ticket(app))
    assert stranger.get(f"/c/{number}/attachments/{pdf.id}").status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(f"/c/{number}/attachments/{pdf.id}").status_code == 404
    assert anonymous.get(f"/tickets/{number}/attachments/{pdf.id}").status_code == 302


def test_a_preview_is_a_reencoded_png_without_metadata(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    number = _ticket(app)
    agent = login_as("agent")
    image = png_bytes((1600, 900), comment=b"secret location")
    assert send(agent, number, "Look.", [("big.png", image)]).status_code == 302
    [row] = _rows(app)
    preview = agent.get(f"/tickets/{number}/attachments/{row.id}/preview")
    assert preview.status_code == 200
    assert preview.headers["Content-Type"] == "image/png"
    assert preview.headers["X-Content-Type-Options"] == "nosniff"
    assert b"secret location" not in preview.data and preview.data != image
    thumbnail = Image.open(io.BytesIO(preview.data))
    assert max(thumbnail.size) <= 480 and thumbnail.format == "PNG"
    with app.app_context():  # cached under a key derived from the original's
        assert storage().get(derived_key(row.sha256, LABEL)) == preview.data
    # Only agents: a customer and an anonymous visitor get none.
    assert (
        app.test_client().get(f"/tickets/{number}/attachments/{row.id}/preview").status_code == 302
    )


def test_internal_note_files_never_reach_the_customer(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    number = _ticket(app)
    agent = login_as("agent")
    assert (
        send(agent, number, "Internal log.", [("log.txt", b"secret\n")], kind="note").status_code
        == 302
    )
    [row] = _rows(app)
    customer = _customer(app, number)
    assert customer.get(f"/c/{number}/attachments/{row.id}").status_code == 404
    assert "log.txt" not in customer.get(f"/c/{number}").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Outbox.id))) == 0


def test_twenty_megabytes_are_refused_by_name_and_nothing_is_stored(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    number = _ticket(app)
    agent = login_as("agent")
    huge = b"\x89PNG\r\n\x1a\n" + b"\0" * (20 * MB)
    response = send(agent, number, "My typed words stay.", [("holiday.png", huge)])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "holiday.png is 20 MB; each file may be at most 10 MB." in html
    assert "My typed words stay." in html
    assert "choose them again" in html
    assert _rows(app) == [] and stored_keys(app) == []


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>", "is not a type we accept"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "is not a type we accept"),
        ("fake.png", b"<html>not an image</html>", "does not look like a PNG file"),
        ("empty.pdf", b"", "empty.pdf is empty."),
        ("run.exe", b"MZ\x90\x00", "is not a type we accept"),
    ],
)
def test_a_refused_type_keeps_the_text_and_stores_nothing(
    app: Flask,
    login_as: Callable[[str], FlaskClient],
    name: str,
    content: bytes,
    words: str,
) -> None:
    number = _ticket(app)
    agent = login_as("agent")
    response = send(agent, number, "Still here.", [("ok.pdf", PDF), (name, content)])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert words in html and "Still here." in html
    assert _rows(app) == [] and stored_keys(app) == []


def test_too_many_files_and_too_much_together_are_refused(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    number = _ticket(app)
    agent = login_as("agent")
    app.config["ATTACHMENTS_MAX_FILES"] = 2
    files = [(f"n{i}.txt", f"note {i}".encode()) for i in range(3)]
    response = send(agent, number, "Three notes.", files)
    assert response.status_code == 422
    assert "3 files were attached; a message may carry at most 2." in response.get_data(
        as_text=True
    )
    app.config["ATTACHMENTS_MAX_FILES"] = 10
    app.config["ATTACHMENTS_MAX_BYTES"] = 10
    response = send(agent, number, "Big together.", [("a.txt", b"123456"), ("b.txt", b"123456")])
    assert "The files come to 12 bytes together; one message may carry at most 10 bytes." in (
        response.get_data(as_text=True)
    )
    assert _rows(app) == [] and stored_keys(app) == []


def test_a_failure_after_storing_takes_the_files_back(
    app: Flask,
    login_as: Callable[[str], FlaskClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    number = _ticket(app)
    agent = login_as("agent")

    def refuse(message: Message) -> None:
        raise ValidationError("body", "The mail could not be queued.")

    monkeypatch.setattr("helpdesk.mail.reactions.mail_staff_reply", refuse)
    response = send(agent, number, "Words to keep.", [("a.pdf", PDF), ("b.png", png_bytes())])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The mail could not be queued." in html and "Words to keep." in html
    assert _rows(app) == [] and stored_keys(app) == []


def test_a_body_beyond_the_hard_cap_is_a_friendly_413(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    number = _ticket(app)
    agent = login_as("agent")
    app.config["UPLOAD_MAX_BODY_BYTES"] = 1 * MB
    response = send(agent, number, "Too big.", [("a.txt", b"x" * (2 * MB))])
    assert response.status_code == 413
    assert "larger than we accept" in response.get_data(as_text=True)
    assert stored_keys(app) == []


def test_mailed_html_and_svg_get_no_preview_and_download_as_bytes(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    number = _ticket(app)
    with app.app_context():
        message = db.session.scalar(sa.select(Message))
        rows = [
            Attachment(
                message_id=message.id,
                kind="file",
                filename=name,
                content_type=content_type,
                size=len(content),
                sha256=store_bytes(content),
            )
            for name, content_type, content in [
                ("logo.svg", "image/svg+xml", b"<svg onload='alert(1)'/>"),
                ("page.html", "text/html", b"<script>alert(1)</script>"),
                ("broken.png", "image/png", b"\x89PNG\r\n\x1a\nnot really"),
            ]
        ]
        db.session.add_all(rows)
        db.session.commit()
        ids = [row.id for row in rows]
    agent = login_as("agent")
    page = agent.get(f"/tickets/{number}").get_data(as_text=True)
    for attachment_id in ids:
        assert (
            agent.get(f"/tickets/{number}/attachments/{attachment_id}/preview").status_code == 404
        )
        download = agent.get(f"/tickets/{number}/attachments/{attachment_id}")
        assert download.headers["Content-Disposition"].startswith("attachment;")
    assert (
        f"/attachments/{ids[0]}/preview" not in page
        and f"/attachments/{ids[1]}/preview" not in page
    )
    svg = agent.get(f"/tickets/{number}/attachments/{ids[0]}")
    assert svg.headers["Content-Type"] == "application/octet-stream"


def test_sending_reads_files_from_storage_and_retries_when_it_is_out_of_reach(
    app: Flask, login_as: Callable[[str], FlaskClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpdesk.mail.smtp import SmtpFailure

    number = _ticket(app)
    agent = login_as("agent")
    assert (
        send(agent, number, "Two files.", [("a.pdf", PDF), ("b.txt", b"text\n")]).status_code == 302
    )
    with app.app_context():
        row = db.session.scalar(sa.select(Outbox).where(Outbox.template == "staff_reply"))
        pdf = db.session.scalar(sa.select(Attachment).where(Attachment.filename == "a.pdf"))
        storage().delete(pdf.sha256)  # gone: the reply still goes, without it (logged)
        assert [p.get_filename() for p in build_message(row).iter_attachments()] == ["b.txt"]

        def unreachable(self: object, key: str) -> bytes:
            raise OSError("connection refused")

        store = storage()
        monkeypatch.setattr(type(store), "get", unreachable)
        with pytest.raises(SmtpFailure) as failure:
            build_message(row)
        assert failure.value.permanent is False
