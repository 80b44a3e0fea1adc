"""Inbound mail that must not be garbled or lost: a part whose label lies about its
charset, an unlabelled legacy charset, an inline text part with a file name, a file that
is not an email at all, and an ordinary message from a postmaster."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.mail.inbound import mail_receive
from helpdesk.mail.parse import decode_bytes, not_mime, parse_email
from helpdesk.models import Attachment, Ticket
from tests.integration.mail_inbound_support import configure, load

START = datetime(2026, 12, 1, 9, tzinfo=UTC)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500


@pytest.fixture(autouse=True)
def _mail(app: Flask, tmp_path: Path, set_now: Callable[[datetime], None]) -> None:
    configure(app, tmp_path)
    set_now(START)


def raw_message(
    body: bytes, content_type: str, sender: str = "lin@example.cn", **extra: str
) -> bytes:
    head = [
        f"From: Lin <{sender}>",
        "To: support@example.com",
        "Subject: Order 1042",
        f"Message-ID: <{abs(hash(body))}@example.cn>",
        "MIME-Version: 1.0",
        f"Content-Type: {content_type}",
        "Content-Transfer-Encoding: 8bit",
        *(f"{name.replace('_', '-')}: {value}" for name, value in extra.items()),
    ]
    return "\r\n".join(head).encode() + b"\r\n\r\n" + body + b"\r\n"


def test_utf8_in_a_part_labelled_gb2312_is_read_as_utf8() -> None:
    text = "你好，我的订单还没有到。"
    parsed = parse_email(raw_message(text.encode(), 'text/plain; charset="gb2312"'))
    assert text in parsed.body


def test_real_gb2312_is_still_read_as_gb2312() -> None:
    text = "你好，我的订单还没有到。"
    parsed = parse_email(raw_message(text.encode("gb2312"), 'text/plain; charset="gb2312"'))
    assert text in parsed.body


def test_latin1_labelled_utf8_is_guessed_not_replaced() -> None:
    body = "Bonjour, la facture du café crème est fausse. Merci, Hélène".encode("latin-1")
    parsed = parse_email(raw_message(body, 'text/plain; charset="utf-8"'))
    assert "café crème" in parsed.body and "\ufffd" not in parsed.body


@pytest.mark.parametrize(
    ("data", "charset", "expected"),
    [
        (b"plain ascii", None, "plain ascii"),
        ("Olá".encode(), "iso-8859-1", "Olá"),  # valid UTF-8 wins over the label
        ("Grüße".encode("cp1252"), "cp1252", "Grüße"),
        ("Grüße".encode("cp1252"), "x-unknown", "Grüße"),
        (b"\xff\xfe\xfd", "utf-8", None),  # something readable, never an exception
    ],
)
def test_decode_bytes(data: bytes, charset: str | None, expected: str | None) -> None:
    text = decode_bytes(data, charset)
    assert isinstance(text, str)
    if expected is not None:
        assert text == expected


def test_an_inline_text_part_with_a_file_name_is_the_body(database: object) -> None:
    message = EmailMessage()
    message["From"] = "Ann <ann@example.com>"
    message["To"] = "support@example.com"
    message["Subject"] = "Broken export"
    message["Message-ID"] = "<inline-named@example.com>"
    message.set_content("The export stopped working after the update.")
    message.replace_header("Content-Type", 'text/plain; charset="utf-8"; name="message.txt"')
    message["Content-Disposition"] = 'inline; filename="message.txt"'
    result = mail_receive(message.as_bytes())
    assert result.action == "created"
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == result.ticket_number))
    assert "export stopped working" in ticket.messages[0].body_source
    names = set(db.session.scalars(sa.select(Attachment.filename)))
    assert "message.txt" not in names  # only the original message is kept beside it


def test_an_outlook_msg_file_is_refused_with_a_reason(database: object) -> None:
    assert not_mime(OLE) and not_mime(b"%PDF-1.7\n...") and not not_mime(load("gmail_reply_en.eml"))
    with pytest.raises(ValidationError) as refused:
        mail_receive(OLE)
    assert "not an email message" in refused.value.message
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 0


def test_the_inbound_endpoint_answers_422_to_a_file(
    app: Flask, client: FlaskClient, api_token: object
) -> None:
    caller = api_token(role="admin")  # type: ignore[operator]
    response = client.post(
        "/api/v1/inbound/email",
        data=OLE,
        content_type="message/rfc822",
        headers=caller.headers,  # type: ignore[attr-defined]
    )
    assert response.status_code == 422
    assert "not an email message" in response.json["error"]["message"]


def test_a_person_at_postmaster_opens_a_ticket(database: object) -> None:
    raw = raw_message(
        b"Hello, our domain is moving to a new mail host next week.",
        'text/plain; charset="utf-8"',
        sender="postmaster@customer.example",
    )
    result = mail_receive(raw)
    assert result.action == "created"


def test_a_delivery_report_from_postmaster_is_still_a_bounce(database: object) -> None:
    raw = (
        load("bounce_dsn.eml")
        .replace(b"MAILER-DAEMON", b"postmaster")
        .replace(b"mailer-daemon", b"postmaster")
    )
    assert parse_email(raw).is_bounce


def test_html_that_is_all_quoted_markup_still_gives_a_body() -> None:
    html = (
        '<div class="gmail_quote"><div class="gmail_attr">On Mon, Support wrote:</div>'
        "<blockquote>Please confirm your address.</blockquote></div>"
        '<blockquote type="cite">My address is 12 Rama IV Road.</blockquote>'
    )
    parsed = parse_email(raw_message(html.encode(), 'text/html; charset="utf-8"'))
    assert "12 Rama IV Road" in parsed.text and parsed.body
