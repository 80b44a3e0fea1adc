"""Outbound email through a real SMTP server on loopback (aiosmtpd): what the outbox sends is
read back as received — headers, both parts, the language, the links — and retries,
permanent refusals and several senders behave.

The clock is frozen; a retry becomes due by moving it, never by sleeping.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from helpdesk.bidi import FSI, PDI
from helpdesk.extensions import db
from helpdesk.mail import outbox
from helpdesk.mail.addresses import parse_reply_address
from helpdesk.mail.outbox import BACKOFF, LEASE, MAX_ATTEMPTS, SendResult, send_outbox
from helpdesk.models import EmailBounce, Message, Outbox, Ticket, User
from helpdesk.tickets.intake import CustomerContact, ticket_create_by_customer
from helpdesk.tickets.service import ticket_reply

TUESDAY = datetime(2026, 6, 2, 10, 0, tzinfo=UTC)  # inside the default business hours
LINK = re.compile(r"http://localhost:5000/c/([A-Za-z0-9_-]+)")


class Collector:
    """An aiosmtpd handler keeping every accepted message; `refuse_rcpt` / `refuse_data`
    make it answer with that reply instead."""

    def __init__(self) -> None:
        self.received: list[Any] = []
        self.refuse_rcpt: str | None = None
        self.refuse_data: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if self.refuse_data:
            return self.refuse_data
        self.received.append(envelope)
        return "250 Message accepted"

    def messages(self) -> list[EmailMessage]:
        return [
            message_from_bytes(envelope.content, policy=default_policy)  # type: ignore[misc]
            for envelope in self.received
        ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """An SMTP server on 127.0.0.1 that can be stopped and started again on its port."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.handler = Collector()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_port(app: Any) -> int:
    port = free_port()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    app.config["SMTP_TIMEOUT"] = 5
    return port


@pytest.fixture
def server(smtp_port: int) -> Iterator[Server]:
    running = Server(smtp_port)
    running.start()
    yield running
    running.stop()


def customer_ticket(
    *,
    name: str = "Ana Lima",
    email: str = "ana@example.net",
    language: str | None = None,
    subject: str = "My parcel is late",
    body: str = "Order 1234 has not arrived.",
    verified: bool = True,
) -> tuple[Ticket, str]:
    return ticket_create_by_customer(
        contact=CustomerContact(name=name, email=email, verified=verified, language=language),
        subject=subject,
        body=body,
    )


def staff_user(make_user: Any, role: str = "agent", **fields: str) -> User:
    ref = make_user(role, **fields)
    user = db.session.get(User, ref.id)
    assert user is not None
    return user


def rows(template: str | None = None) -> list[Outbox]:
    query = sa.select(Outbox).order_by(Outbox.id)
    if template:
        query = query.where(Outbox.template == template)
    return list(db.session.scalars(query))


def test_a_staff_reply_arrives_as_a_proper_email_in_the_customers_language(
    app, database, server, make_user, set_now
):
    set_now(TUESDAY)
    ticket, _token = customer_ticket(language="th")
    first = db.session.scalar(sa.select(Message).where(Message.ticket_id == ticket.id))
    first.email_message_id = "<customer-first@mail.example.net>"
    db.session.commit()
    agent = staff_user(make_user, name="Somchai Agent")
    ticket_reply(ticket=ticket, author=agent, body="Your parcel **left the depot** today.")
    ticket_reply(ticket=ticket, author=agent, body="Internal: courier is slow.", internal=True)

    assert send_outbox() == SendResult(sent=2, retrying=0, failed=0)
    received = {message["Subject"]: message for message in server.handler.messages()}
    assert len(received) == 2  # the acknowledgement and the reply; never the note
    reply_row = rows("staff_reply")[0]
    reply = next(m for m in received.values() if m["Message-ID"] == reply_row.message_id)

    assert reply["From"] == "Support <support@localhost>"
    assert reply["To"] == "ana@example.net"
    assert reply["Subject"] == f"Re: {FSI}My parcel is late{PDI} [#{ticket.number}]"
    assert parse_reply_address(reply["Reply-To"]) == ticket.id
    assert reply["In-Reply-To"] == "<customer-first@mail.example.net>"
    assert "<customer-first@mail.example.net>" in reply["References"]
    assert reply["Auto-Submitted"] is None  # a person wrote it
    assert reply["Content-Language"] == "th"
    assert server.handler.received[-1].mail_from == "support@localhost"

    text = reply.get_body(("plain",)).get_content()
    html = reply.get_body(("html",)).get_content()
    assert text.startswith(f"สวัสดีคุณ{FSI}Ana{PDI}")  # the Thai greeting, with her name isolated
    assert "Your parcel **left the depot** today." in text
    assert "Somchai Agent" in text and "Internal" not in text
    assert '<html lang="th">' in html
    assert "<strong>left the depot</strong>" in html
    assert "Dear customer" not in text + html

    # The link opens the conversation, without logging in.
    token = LINK.search(text).group(1)
    assert f"/c/{token}" in html
    with app.test_client() as client:
        opened = client.get(f"/c/{token}", follow_redirects=True)
    assert opened.status_code == 200
    assert "left the depot" in opened.get_data(as_text=True)

    ack = rows("ticket_received")[0]
    assert ack.headers["Auto-Submitted"] == "auto-replied"
    assert db.session.get(Outbox, reply_row.id).status == "sent"


def test_smtp_down_then_up_sends_once_after_recovery(database, smtp_port, set_now):
    set_now(TUESDAY)
    customer_ticket()
    (row,) = rows()

    assert send_outbox() == SendResult(sent=0, retrying=1, failed=0)  # nobody listens yet
    db.session.refresh(row)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == TUESDAY + BACKOFF[0]
    assert "Connection" in (row.last_error or "") or "Errno" in (row.last_error or "")

    server = Server(smtp_port)
    server.start()
    try:
        assert send_outbox() == SendResult(0, 0, 0)  # not due yet
        set_now(TUESDAY + BACKOFF[0])
        assert send_outbox() == SendResult(sent=1, retrying=0, failed=0)
        set_now(TUESDAY + timedelta(days=1))
        assert send_outbox() == SendResult(0, 0, 0)
        assert len(server.handler.received) == 1
        db.session.refresh(row)
        assert (row.status, row.attempts, row.sent_at) == ("sent", 2, TUESDAY + BACKOFF[0])
        assert server.handler.messages()[0]["Message-ID"] == row.message_id
    finally:
        server.stop()


def test_an_unreachable_server_is_tried_once_per_batch(database, smtp_port, set_now, monkeypatch):
    set_now(TUESDAY)
    for number in range(3):
        customer_ticket(email=f"c{number}@example.net")
    calls = []
    real_connect = outbox.smtp.connect

    def counting_connect(settings):
        calls.append(settings)
        return real_connect(settings)

    monkeypatch.setattr(outbox.smtp, "connect", counting_connect)
    assert send_outbox() == SendResult(sent=0, retrying=3, failed=0)
    assert len(calls) == 1
    assert {row.next_attempt_at for row in rows()} == {TUESDAY + BACKOFF[0]}


def test_a_permanent_refusal_fails_records_a_bounce_and_shows_on_the_ticket(
    app, server, login_as, set_now
):
    set_now(TUESDAY)
    server.handler.refuse_rcpt = "550 5.1.1 <ana@example.net>: mailbox unavailable"
    with app.app_context():
        ticket, _token = customer_ticket()
        assert send_outbox() == SendResult(sent=0, retrying=0, failed=1)
        (row,) = rows()
        assert (row.status, row.attempts) == ("failed", 1)
        assert "550" in row.last_error
        bounce = db.session.scalar(sa.select(EmailBounce))
        assert (bounce.email, bounce.customer_id) == ("ana@example.net", ticket.customer_id)
        number = ticket.number
        assert send_outbox() == SendResult(0, 0, 0)  # never retried

    page = login_as("agent").get(f"/tickets/{number}").get_data(as_text=True)
    assert "Email not delivered" in page
    assert "mailbox unavailable" in page


def test_a_temporary_refusal_is_retried_with_backoff_until_attempts_run_out(
    database, server, set_now
):
    set_now(TUESDAY)
    server.handler.refuse_data = "451 4.3.0 try again later"
    customer_ticket()
    (row,) = rows()
    at = TUESDAY
    for attempt in range(1, MAX_ATTEMPTS):
        assert send_outbox() == SendResult(sent=0, retrying=1, failed=0)
        db.session.refresh(row)
        assert (row.status, row.attempts) == ("pending", attempt)
        assert row.next_attempt_at == at + BACKOFF[attempt - 1]
        at = row.next_attempt_at
        set_now(at)
    assert send_outbox() == SendResult(sent=0, retrying=0, failed=1)
    db.session.refresh(row)
    assert (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)
    assert "451" in row.last_error
    assert db.session.scalar(sa.select(sa.func.count(EmailBounce.id))) == 0  # not a bounce
    assert server.handler.received == []


def test_two_senders_never_send_a_row_twice(database, server, set_now):
    """Sequential on SQLite: the second sender finds the row sent, or leased by the first.
    (PostgreSQL adds FOR UPDATE SKIP LOCKED for senders running at the same moment.)"""
    set_now(TUESDAY)
    customer_ticket()
    (row,) = rows()

    claimed = outbox._claim(batch=10)  # a sender that claimed the row and died (kill -9)
    assert claimed is not None and claimed.ids == [row.id]
    assert send_outbox() == SendResult(0, 0, 0)  # leased: the other sender leaves it
    set_now(TUESDAY + LEASE)  # 30 s later, not ten minutes: the lease is short
    assert send_outbox() == SendResult(sent=1, retrying=0, failed=0)
    assert send_outbox() == SendResult(0, 0, 0)
    assert len(server.handler.received) == 1
    db.session.refresh(row)
    assert (row.status, row.attempts, row.lease_token) == ("sent", 2, None)


def test_a_sender_that_wakes_after_its_lease_ran_out_writes_nothing(database, server, set_now):
    """Fencing: the stalled sender's outcome is discarded, the row stays as the sender
    that took it over recorded it."""
    set_now(TUESDAY)
    customer_ticket()
    (row,) = rows()
    stalled = outbox._claim(batch=10)
    assert stalled is not None
    set_now(TUESDAY + LEASE + timedelta(seconds=1))
    assert send_outbox() == SendResult(sent=1, retrying=0, failed=0)  # the other sender
    db.session.refresh(row)
    sent_at = row.sent_at
    # The stalled sender wakes: its SMTP exchange "failed", and it tries to record that.
    set_now(TUESDAY + LEASE + timedelta(minutes=5))
    assert stalled.fence(db.session.get(Outbox, row.id)) is False
    db.session.expire_all()
    row = db.session.get(Outbox, row.id)
    assert (row.status, row.sent_at, row.last_error) == ("sent", sent_at, None)
    # Nor can it renew a lease that is no longer its own.
    stalled.renewed -= outbox.RENEW_EVERY.total_seconds()
    assert stalled.renew_if_due() == set() and stalled.ids == []


class Killed(BaseException):
    """The sender process dying (kill -9) at a chosen moment: nothing after it runs."""


def crash_during_delivery(monkeypatch: Any, *, after_handing_over: bool) -> None:
    """Make the sender die inside its SMTP transaction: after the server accepted the
    message (the real window for a duplicate) or before anything was handed over."""
    real_deliver = outbox.smtp.deliver

    def deliver(connection: Any, row: Outbox, message: Any = None) -> None:
        if after_handing_over:
            real_deliver(connection, row, message)
        raise Killed

    monkeypatch.setattr(outbox.smtp, "deliver", deliver)


def reloaded(row: Outbox) -> Outbox:
    db.session.rollback()
    db.session.expire_all()
    fresh = db.session.get(Outbox, row.id)
    assert fresh is not None
    return fresh


def test_a_normal_send_marks_sending_and_clears_it_with_the_outcome(
    database, server, set_now, monkeypatch
):
    set_now(TUESDAY)
    ticket, _token = customer_ticket()
    (row,) = rows()
    # As a staff reply's email does: building the message reads the message's files.
    row.source_message_id = db.session.scalar(
        sa.select(Message.id).where(Message.ticket_id == ticket.id)
    )
    db.session.commit()
    seen: list[Any] = []
    real_deliver = outbox.smtp.deliver

    def deliver(connection: Any, sending: Outbox, message: Any = None) -> None:
        # During the SMTP transaction: the mark is committed (another connection sees it)
        # and this sender has no database transaction open.
        assert not db.session().in_transaction()
        with db.engine.connect() as other:
            seen.append(
                other.execute(sa.select(Outbox.sending_at).where(Outbox.id == sending.id)).scalar()
            )
        real_deliver(connection, sending, message)
        assert not db.session().in_transaction()

    monkeypatch.setattr(outbox.smtp, "deliver", deliver)
    assert send_outbox() == SendResult(sent=1, retrying=0, failed=0)
    assert seen == [TUESDAY]
    row = reloaded(row)
    assert (row.status, row.sending_at, row.possible_duplicates) == ("sent", None, 0)


def test_a_sender_killed_after_the_server_accepted_resends_once_with_the_same_message_id(
    database, server, set_now, monkeypatch
):
    set_now(TUESDAY)
    customer_ticket()
    (row,) = rows()
    crash_during_delivery(monkeypatch, after_handing_over=True)
    with pytest.raises(Killed):
        send_outbox()
    row = reloaded(row)
    assert (row.status, row.sending_at, row.sent_at) == ("pending", TUESDAY, None)
    assert len(server.handler.received) == 1  # delivered, but the sender never knew

    monkeypatch.undo()
    assert send_outbox() == SendResult(0, 0, 0)  # still leased to the dead sender
    set_now(TUESDAY + LEASE)
    assert send_outbox() == SendResult(sent=1, retrying=0, failed=0)
    assert send_outbox() == SendResult(0, 0, 0)
    row = reloaded(row)
    assert (row.status, row.attempts, row.sending_at) == ("sent", 2, None)
    assert row.possible_duplicates == 1  # one crash in the SMTP window: one duplicate, counted
    first, second = server.handler.messages()
    assert first["Message-ID"] == second["Message-ID"] == row.message_id


def test_a_sender_killed_before_the_smtp_transaction_causes_no_duplicate(
    database, server, set_now, monkeypatch
):
    set_now(TUESDAY)
    customer_ticket()
    (row,) = rows()

    def die(settings: Any) -> Any:
        raise Killed

    monkeypatch.setattr(outbox.smtp, "connect", die)
    with pytest.raises(Killed):
        send_outbox()
    assert reloaded(row).sending_at is None
    monkeypatch.undo()
    set_now(TUESDAY + LEASE)
    assert send_outbox() == SendResult(sent=1, retrying=0, failed=0)
    row = reloaded(row)
    assert (row.status, row.possible_duplicates) == ("sent", 0)
    assert len(server.handler.received) == 1


def test_a_cut_off_send_stays_counted_when_the_next_try_cannot_reach_the_server(
    database, smtp_port, set_now, monkeypatch
):
    """The mark outlives a retry that never started an SMTP transaction: the send that
    finally goes is still counted as a possible duplicate (it may be one)."""
    set_now(TUESDAY)
    customer_ticket()
    (row,) = rows()
    server = Server(smtp_port)
    server.start()
    try:
        crash_during_delivery(monkeypatch, after_handing_over=False)
        with pytest.raises(Killed):
            send_outbox()
        monkeypatch.undo()
    finally:
        server.stop()
    set_now(TUESDAY + LEASE)
    assert send_outbox() == SendResult(sent=0, retrying=1, failed=0)  # nobody listens
    row = reloaded(row)
    assert (row.sending_at, row.possible_duplicates) == (TUESDAY, 0)

    server = Server(smtp_port)
    server.start()
    try:
        set_now(row.next_attempt_at)
        assert send_outbox() == SendResult(sent=1, retrying=0, failed=0)
    finally:
        server.stop()
    row = reloaded(row)
    assert (row.status, row.sending_at, row.possible_duplicates) == ("sent", None, 1)


def test_a_stalled_sender_cannot_mark_a_row_another_sender_took_over(database, server, set_now):
    set_now(TUESDAY)
    customer_ticket()
    (row,) = rows()
    stalled = outbox._claim(batch=10)
    assert stalled is not None
    set_now(TUESDAY + LEASE)
    assert send_outbox() == SendResult(sent=1, retrying=0, failed=0)
    assert stalled.mark_sending(db.session.get(Outbox, row.id)) is False
    row = reloaded(row)
    assert (row.status, row.sending_at) == ("sent", None)


def test_the_mail_viewer_shows_possible_duplicates(app, login_as, set_now):
    set_now(TUESDAY)
    with app.app_context():
        customer_ticket()
        (row,) = rows()
        row.possible_duplicates = 1
        db.session.commit()
        row_id = row.id
    admin = login_as("admin")
    listed = admin.get("/settings/email/outbox").get_data(as_text=True)
    assert "Possible duplicates: 1" in listed
    shown = admin.get(f"/settings/email/outbox/{row_id}").get_data(as_text=True)
    assert "sent again with the same Message-ID" in shown


def test_a_working_sender_renews_its_lease(database, server, set_now):
    """The heartbeat: a sender still working keeps its rows past the first LEASE."""
    set_now(TUESDAY)
    customer_ticket()
    (row,) = rows()
    claim = outbox._claim(batch=10)
    assert claim is not None
    # RENEW_EVERY later (monotonic time), the sender renews; the other senders then
    # find nothing due at the end of the first lease.
    renewed_at = TUESDAY + outbox.RENEW_EVERY
    set_now(renewed_at)
    claim.renewed -= outbox.RENEW_EVERY.total_seconds()
    assert claim.renew_if_due() == {row.id}
    set_now(TUESDAY + LEASE)
    assert send_outbox() == SendResult(0, 0, 0)
    db.session.refresh(row)
    assert row.next_attempt_at == renewed_at + LEASE and row.lease_token == claim.token
    # Not yet due for renewal: nothing is written.
    assert claim.renew_if_due() == {row.id}
    db.session.refresh(row)
    assert row.next_attempt_at == renewed_at + LEASE


def test_without_smtp_configured_mail_waits_in_the_outbox(app, database, set_now):
    set_now(TUESDAY)
    app.config["SMTP_URL"] = ""
    customer_ticket()
    assert send_outbox() == SendResult(0, 0, 0)
    (row,) = rows()
    assert (row.status, row.attempts) == ("pending", 0)


def test_an_email_is_only_queued_if_its_change_commits(database, set_now):
    set_now(TUESDAY)
    outbox.outbox_enqueue(
        template="staff_reply", to_address="ana@example.net", subject="Hi", body_text="Hi"
    )
    db.session.rollback()  # the change that caused it failed
    assert rows() == []
