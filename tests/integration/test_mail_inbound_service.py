"""`mail_receive`: new tickets, threading, duplicates, loop protection, bounces, the
per-sender limit and attachments, on the sample messages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from helpdesk.attachments.storage import LocalStorage, storage
from helpdesk.clock import now
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.mail.addresses import reply_address
from helpdesk.mail.inbound import mail_receive
from helpdesk.models import (
    Attachment,
    AuditEvent,
    Customer,
    EmailBounce,
    Message,
    Outbox,
    Ticket,
    User,
)
from tests.factories import CustomerFactory, TicketFactory
from tests.integration.mail_inbound_support import configure, load, message_id, with_headers

START = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _mail(app: Flask, tmp_path: Path, set_now: Callable[[datetime], None]) -> None:
    configure(app, tmp_path)
    set_now(START)


def _ticket(number: int | None) -> Ticket:
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == number))
    assert ticket is not None
    return ticket


def _acks() -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Outbox.id)).where(Outbox.template == "ticket_received")
        )
        or 0
    )


def _messages() -> list[Message]:
    return list(db.session.scalars(sa.select(Message).order_by(Message.id)))


@pytest.mark.parametrize(
    ("name", "customer_name", "subject", "text"),
    [
        ("outlook_new_en.eml", "Mark O'Neil", "Charged twice for INV-2231", "charged twice"),
        ("eight_bit_headers_th.eml", "สมหญิง รักดี", "สั่งซื้อแล้วแต่ยังไม่ได้รับสินค้า", "หมายเลข 5521"),
        ("gmail_new_id.eml", "Siti Rahma", "Tidak bisa membayar dengan kartu kredit", "ditolak"),
        ("gmail_new_bn.eml", "রহিম উদ্দিন", "অর্ডার এখনও আসেনি", "অর্ডার নম্বর ৭৭১২"),
    ],
)
def test_a_new_sender_becomes_a_customer_and_a_ticket(
    database: object, name: str, customer_name: str, subject: str, text: str
) -> None:
    result = mail_receive(load(name))
    assert result.action == "created" and result.auto_reply_allowed
    ticket = _ticket(result.ticket_number)
    assert ticket.channel == "email" and ticket.status == "new"
    assert ticket.subject == subject
    assert ticket.customer.name == customer_name
    [message] = ticket.messages
    assert text in message.body_source and text in message.body_html
    assert message.email_message_id == message_id(load(name))
    [original] = db.session.scalars(
        sa.select(Attachment).where(Attachment.message_id == message.id)
    )
    assert original.kind == "original" and storage().get(original.sha256) == load(name)
    assert _acks() == 1
    assert (
        db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "ticket.create"))
        is not None
    )


def test_without_a_display_name_the_local_part_names_the_customer(database: object) -> None:
    raw = with_headers(load("gmail_new_id.eml"), From="siti.rahma@gmail.com")
    ticket = _ticket(mail_receive(raw).ticket_number)
    assert ticket.customer.name == "siti.rahma"


def test_an_existing_customer_is_not_renamed_by_an_email(database: object) -> None:
    CustomerFactory(email="siti.rahma@gmail.com", name="Siti R.")
    ticket = _ticket(mail_receive(load("gmail_new_id.eml")).ticket_number)
    assert ticket.customer.name == "Siti R."
    assert db.session.scalar(sa.select(sa.func.count(Customer.id))) == 1


def test_hostile_html_is_stored_inert(database: object) -> None:
    ticket = _ticket(mail_receive(load("html_hostile.eml")).ticket_number)
    html = ticket.messages[0].body_html
    assert "my account is locked" in html
    for bad in ("<script", "<img", "javascript:", "hx-get", "onclick", "style=", "<iframe"):
        assert bad not in html


def test_malformed_mime_and_unknown_charsets_still_make_tickets(database: object) -> None:
    assert mail_receive(load("malformed_mime.eml")).action == "created"
    result = mail_receive(load("unknown_charset.eml"))
    assert "has not arrived" in _ticket(result.ticket_number).messages[0].body_source


def test_a_message_without_a_sender_is_refused(database: object) -> None:
    with pytest.raises(ValidationError):
        mail_receive(load("no_sender.eml"))
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 0


def test_a_message_over_the_size_limit_is_rejected(app: Flask, database: object) -> None:
    app.config["INBOUND_MAX_MESSAGE_BYTES"] = 500
    assert mail_receive(load("gmail_new_id.eml")).action == "rejected"
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 0


def test_an_overlong_body_is_shortened_to_the_message_limit(database: object) -> None:
    raw = with_headers(load("auto_reply.eml"), Auto_Submitted=None) + b"word " * 20_000
    body = _ticket(mail_receive(raw).ticket_number).messages[0].body_source
    assert len(body) <= 50_000 and body.endswith("(Shortened: the full email is attached.)")


def test_the_same_message_twice_is_stored_once(database: object) -> None:
    first = mail_receive(load("gmail_new_bn.eml"))
    second = mail_receive(load("gmail_new_bn.eml"))
    assert (first.action, second.action) == ("created", "duplicate")
    assert len(_messages()) == 1


# Threading


def _customer_ticket(email: str, **fields: object) -> Ticket:
    customer = CustomerFactory(email=email)
    return TicketFactory(customer=customer, channel="email", **fields)


def test_a_reply_threads_by_in_reply_to_our_outbox_message_id(database: object) -> None:
    ticket = _customer_ticket("jane.doe@gmail.com")
    db.session.add(
        Outbox(
            template="staff_reply",
            to_address="jane.doe@gmail.com",
            subject="Re: Refund",
            body_text="x",
            message_id="<outbound-1@example.com>",
            ticket_id=ticket.id,
        )
    )
    db.session.commit()
    result = mail_receive(load("gmail_reply_en.eml"))
    assert (result.action, result.ticket_number) == ("replied", ticket.number)
    message = _messages()[-1]
    assert message.ticket_id == ticket.id and message.author_type == "customer"
    assert message.body_source.startswith("Hi team,\n\nThanks, but the refund")
    assert "We sent the refund yesterday" not in message.body_source


def test_a_reply_threads_by_references_to_an_earlier_customer_message(database: object) -> None:
    first = mail_receive(load("gmail_new_bn.eml"))
    reply = with_headers(
        load("gmail_reply_bn.eml"), In_Reply_To=message_id(load("gmail_new_bn.eml"))
    )
    result = mail_receive(reply)
    assert (result.action, result.ticket_number) == ("replied", first.ticket_number)
    ticket = _ticket(first.ticket_number)
    assert [m.body_source for m in ticket.messages][-1] == "ধন্যবাদ, এখন কাজ করছে।"


def test_a_reply_threads_by_the_signed_reply_address(database: object) -> None:
    ticket = _customer_ticket("budi.santoso@outlook.co.id", status="resolved")
    raw = with_headers(load("outlook_reply_id.eml"), To=reply_address(ticket))
    result = mail_receive(raw)
    assert (result.action, result.ticket_number) == ("replied", ticket.number)
    assert _ticket(ticket.number).status == "open"  # a resolved ticket reopens


def test_our_subject_isolates_do_not_reach_a_new_ticket_and_replies_still_thread(
    database: object, make_user: Callable[..., object]
) -> None:
    from email.header import Header

    from helpdesk.tickets.service import ticket_reply

    ticket = _customer_ticket("budi.santoso@outlook.co.id", subject="Pesanan 1042")
    agent = db.session.get(User, make_user("agent").id)  # type: ignore[attr-defined]
    ticket_reply(ticket=ticket, author=agent, body="Pesanan Anda sedang dikirim.")
    ours = db.session.scalar(sa.select(Outbox).where(Outbox.template == "staff_reply"))
    assert ours is not None
    # Our Subject isolates the ticket's subject (U+2068 ... U+2069), as mail programs keep it.
    assert ours.subject == f"Re: \u2068Pesanan 1042\u2069 [#{ticket.number}]"
    subject = Header(f"Re: {ours.subject}", "utf-8").encode()

    # A reply that threads (In-Reply-To our Message-ID) lands on the ticket as before.
    threaded = with_headers(
        load("outlook_reply_id.eml"), Subject=subject, In_Reply_To=ours.message_id, References=None
    )
    result = mail_receive(threaded)
    assert (result.action, result.ticket_number) == ("replied", ticket.number)

    # One written afresh to the support address (no references) starts a ticket whose
    # subject keeps the words and the [#N] tag, without our isolates.
    fresh = with_headers(
        load("outlook_reply_id.eml"),
        Subject=subject,
        Message_ID="<fresh-reply@outlook.co.id>",
        In_Reply_To=None,
        References=None,
    )
    result = mail_receive(fresh)
    assert result.action == "created" and result.ticket_number != ticket.number
    assert _ticket(result.ticket_number).subject == f"Pesanan 1042 [#{ticket.number}]"

    # A customer's own overrides and embeddings (U+202A-U+202E) go the same way.
    spoofed = with_headers(
        load("outlook_reply_id.eml"),
        Subject=Header("Invoice \u202etxt.exe\u202c \u2066paid\u2069", "utf-8").encode(),
        Message_ID="<spoofed@outlook.co.id>",
        In_Reply_To=None,
        References=None,
    )
    result = mail_receive(spoofed)
    assert _ticket(result.ticket_number).subject == "Invoice txt.exe paid"


@pytest.mark.parametrize(
    "forged",
    [
        "support+t{id}-00000000000000000000@example.com",
        "support+t{other}-{signature}@example.com",
        "support+t{id}@example.com",
    ],
)
def test_a_forged_reply_token_starts_a_new_ticket(database: object, forged: str) -> None:
    ticket = _customer_ticket("budi.santoso@outlook.co.id")
    other = _customer_ticket("someone@example.net")
    signature = reply_address(other).split("-", 1)[1].split("@")[0]
    address = forged.format(id=ticket.id, other=ticket.id + 1000, signature=signature)
    raw = with_headers(load("outlook_reply_id.eml"), To=address)
    result = mail_receive(raw)
    assert result.action == "created" and result.ticket_number != ticket.number
    assert len(_ticket(ticket.number).messages) == 0


def test_someone_else_replying_into_a_thread_gets_their_own_ticket(database: object) -> None:
    ticket = _customer_ticket("jane.doe@gmail.com")
    raw = with_headers(
        load("gmail_reply_en.eml"), From="Eve <eve@example.org>", To=reply_address(ticket)
    )
    result = mail_receive(raw)
    assert result.action == "created" and result.ticket_number != ticket.number
    assert _ticket(result.ticket_number).customer.email == "eve@example.org"


def test_a_reply_to_a_ticket_closed_over_30_days_ago_starts_a_new_ticket(database: object) -> None:
    ticket = _customer_ticket(
        "budi.santoso@outlook.co.id", status="closed", resolved_at=START - timedelta(days=31)
    )
    raw = with_headers(load("outlook_reply_id.eml"), To=reply_address(ticket))
    result = mail_receive(raw)
    assert result.action == "created" and result.ticket_number != ticket.number
    assert _ticket(ticket.number).status == "closed"
    assert _ticket(result.ticket_number).subject == "Pesanan 1042"


def test_a_reply_to_a_ticket_closed_recently_reopens_it(database: object) -> None:
    ticket = _customer_ticket(
        "budi.santoso@outlook.co.id", status="closed", resolved_at=START - timedelta(days=29)
    )
    raw = with_headers(load("outlook_reply_id.eml"), To=reply_address(ticket))
    assert mail_receive(raw).action == "replied"
    assert _ticket(ticket.number).status == "open"


# Loops, bounces and limits


@pytest.mark.parametrize(
    "headers",
    [
        {},  # auto_reply.eml carries Auto-Submitted: auto-replied
        {"Auto_Submitted": None, "X_Autoreply": None, "Precedence": "bulk"},
        {"Auto_Submitted": None, "X_Autoreply": None, "Precedence": "list"},
        {"Auto_Submitted": None, "X_Autoreply": None, "List_Id": "<news.example.com>"},
        {"Auto_Submitted": None, "X_Autoreply": None, "From": "noreply@shop.example.com"},
    ],
)
def test_automated_mail_gets_no_automatic_answer(
    database: object, headers: dict[str, str | None]
) -> None:
    result = mail_receive(with_headers(load("auto_reply.eml"), **headers))
    assert result.action == "created" and not result.auto_reply_allowed
    assert _acks() == 0


def test_auto_submitted_no_is_a_person(database: object) -> None:
    raw = with_headers(load("auto_reply.eml"), Auto_Submitted="no", X_Autoreply=None)
    assert mail_receive(raw).auto_reply_allowed
    assert _acks() == 1


@pytest.mark.parametrize(
    "sender", ["Support <support@example.com>", "support+t1-abc@example.com", "SUPPORT@Example.com"]
)
def test_mail_from_our_own_address_is_dropped(database: object, sender: str) -> None:
    result = mail_receive(with_headers(load("gmail_new_id.eml"), From=sender))
    assert (result.action, result.reason) == ("dropped", "own_address")
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 0


def test_a_bounce_is_recorded_against_the_customer_and_makes_no_ticket(database: object) -> None:
    customer = CustomerFactory(email="gone@example.net")
    result = mail_receive(load("bounce_dsn.eml"))
    assert result.action == "bounce" and not result.auto_reply_allowed
    [bounce] = db.session.scalars(sa.select(EmailBounce))
    assert (bounce.customer_id, bounce.email) == (customer.id, "gone@example.net")
    assert "5.1.1" in bounce.reason
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 0
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "email.bounce"))


def test_mail_from_mailer_daemon_without_a_report_is_a_bounce_too(database: object) -> None:
    raw = with_headers(
        load("auto_reply.eml"),
        From="MAILER-DAEMON@mx.example.com",
        X_Failed_Recipients="gone@example.net",
    )
    assert mail_receive(raw).action == "bounce"
    [bounce] = db.session.scalars(sa.select(EmailBounce))
    assert bounce.email == "gone@example.net" and bounce.customer_id is None
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 0


def test_a_sender_over_the_hourly_limit_is_dropped(
    app: Flask, database: object, set_now: Callable[[datetime], None]
) -> None:
    app.config["INBOUND_SENDER_LIMIT_PER_HOUR"] = 3
    raw = load("gmail_new_id.eml")
    actions = [
        mail_receive(with_headers(raw, Message_ID=f"<flood-{n}@example.com>")).action
        for n in range(4)
    ]
    assert actions == ["created"] * 3 + ["dropped"]
    set_now(now() + timedelta(minutes=61))
    assert mail_receive(with_headers(raw, Message_ID="<flood-9@example.com>")).action == "created"


# Attachments


def _files(ticket: Ticket) -> list[Attachment]:
    return list(
        db.session.scalars(
            sa.select(Attachment)
            .where(Attachment.message_id == ticket.messages[0].id)
            .order_by(Attachment.id)
        )
    )


def test_attachments_are_stored_by_hash_with_safe_names(database: object, tmp_path: Path) -> None:
    ticket = _ticket(mail_receive(load("attachments.eml")).ticket_number)
    files = _files(ticket)
    assert [(f.kind, f.filename, f.content_type) for f in files] == [
        ("file", "invoice.pdf", "application/pdf"),
        ("file", "page.html", "text/html"),
        ("file", "ภาพ.png", "image/png"),
        ("original", "original.eml", "message/rfc822"),
    ]
    pdf = files[0]
    local = storage()
    assert isinstance(local, LocalStorage)
    path = local.path(pdf.sha256)
    assert path == tmp_path / "attachments" / pdf.sha256[:2] / pdf.sha256
    assert path.read_bytes().startswith(b"%PDF-1.4") and pdf.size == path.stat().st_size


def test_an_attachment_over_the_file_limit_is_left_out_and_said_so(
    app: Flask, database: object
) -> None:
    app.config["ATTACHMENT_MAX_BYTES"] = 20
    ticket = _ticket(mail_receive(load("attachments.eml")).ticket_number)
    assert [f.filename for f in _files(ticket)] == ["ภาพ.png", "original.eml"]
    body = ticket.messages[0].body_source
    assert "“invoice.pdf”" in body and "“page.html”" in body and "not kept" in body


def test_attachments_over_the_message_budget_are_left_out(app: Flask, database: object) -> None:
    app.config["ATTACHMENTS_MAX_BYTES"] = 40
    ticket = _ticket(mail_receive(load("attachments.eml")).ticket_number)
    assert [f.filename for f in _files(ticket)] == ["invoice.pdf", "original.eml"]


def test_a_reply_from_an_internationalised_domain_threads(database: object) -> None:
    from helpdesk.mail.inbound import mail_receive

    first = (
        "From: Bob <bob@xn--bcher-kva.de>\r\nTo: support@example.com\r\n"
        "Subject: Bücher\r\nMessage-ID: <idn-1@bücher.de>\r\n\r\nHallo\r\n"
    ).encode()
    created = mail_receive(first)
    answer = (
        "From: Bob <bob@xn--bcher-kva.de>\r\nTo: support@example.com\r\nSubject: Re: Bücher\r\n"
        "Message-ID: <idn-2@bücher.de>\r\nIn-Reply-To: <idn-1@bücher.de>\r\n\r\nNoch da?\r\n"
    ).encode()
    replied = mail_receive(answer)
    assert replied.ticket_number == created.ticket_number
