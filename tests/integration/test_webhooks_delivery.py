"""Sending webhooks to a real HTTP receiver on loopback (http.server in a thread): the body
arrives exactly as queued, signed so the receiver can verify it; failures are retried
with backoff until a day has passed; redirects are not followed; the SSRF check runs
again at send time; SMTP is not needed.

The clock is frozen; a retry becomes due by moving it, never by sleeping.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import sqlalchemy as sa
import standardwebhooks

from helpdesk.auth.service import user_create
from helpdesk.extensions import db
from helpdesk.mail.outbox import SendResult, outbox_enqueue, send_outbox
from helpdesk.models import Outbox, User, Webhook
from helpdesk.tickets.intake import ticket_create
from helpdesk.webhooks import delivery, service, ssrf
from helpdesk.webhooks.delivery import BACKOFF, MAX_ATTEMPTS, verify_signature
from helpdesk.webhooks.settings import webhook_settings_update

T0 = datetime(2026, 6, 2, 10, 0, tzinfo=UTC)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """What the test server got, and what it answers next (`replies`, then 200)."""

    port: int = 0
    requests: list[Received] = field(default_factory=list)
    replies: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/helpdesk?source=test"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            length = int(self.headers.get("Content-Length", "0"))
            state.requests.append(
                Received(self.path, dict(self.headers.items()), self.rfile.read(length))
            )
            status, headers = state.replies.pop(0) if state.replies else (200, {})
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            reply = b"nope, try later" if status >= 400 else b"ok"
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def admin(database: Any, set_now: Any) -> User:
    set_now(T0)
    user = user_create(
        email="admin@example.com",
        name="Ada Admin",
        role="admin",
        password="long-enough-password",
        actor="test",
    )
    webhook_settings_update(actor=user, allow_private=True)  # the receiver is on loopback
    return user


def subscribe(admin: User, url: str, *events: str) -> tuple[Webhook, str]:
    return service.webhook_create(
        actor=admin, url=url, description="test", events=events or ("ticket.created",)
    )


def new_ticket(admin: User) -> None:
    ticket_create(
        actor=admin,
        customer_email="nattaya@example.net",
        customer_name="Nattaya",
        subject="Refund",
        body="Where is my refund? ไม่ได้รับเงินคืน",
    )


def rows() -> list[Outbox]:
    db.session.expire_all()
    return list(
        db.session.scalars(sa.select(Outbox).where(Outbox.kind == "webhook").order_by(Outbox.id))
    )


def receiver_verifies(secret: str, request: Received) -> bool:
    """What the README tells integrators to do, written independently of the app."""
    header = request.headers["X-Helpdesk-Signature"]
    parts = dict(item.split("=", 1) for item in header.split(","))
    signed = parts["t"].encode() + b"." + request.body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


def test_a_delivery_arrives_exactly_as_queued_and_signed(admin, receiver):
    _webhook, secret = subscribe(admin, receiver.url)
    new_ticket(admin)
    [row] = rows()
    assert send_outbox() == SendResult(sent=1, retrying=0, failed=0)

    [got] = receiver.requests
    assert got.path == "/hooks/helpdesk?source=test"
    assert got.body == row.body_text.encode()
    assert receiver_verifies(secret, got)
    assert not receiver_verifies("whsec_wrong", got)
    timestamp = str(int(T0.timestamp()))
    assert got.headers["X-Helpdesk-Timestamp"] == timestamp
    assert got.headers["X-Helpdesk-Signature"].startswith(f"t={timestamp},v1=")
    assert got.headers["X-Helpdesk-Event"] == "ticket.created"
    assert got.headers["X-Helpdesk-Delivery"] == row.message_id
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["User-Agent"].startswith("Helpdesk-Webhooks/")
    assert got.headers["Host"] == f"127.0.0.1:{receiver.port}"
    payload = json.loads(got.body)
    assert payload["id"] == row.message_id
    assert payload["data"]["message"]["body"] == "Where is my refund? ไม่ได้รับเงินคืน"

    [sent] = rows()
    assert (sent.status, sent.response_code, sent.attempts) == ("sent", 200, 1)
    assert sent.sent_at == T0 and sent.last_error is None
    assert send_outbox() == SendResult(0, 0, 0)
    assert len(receiver.requests) == 1


def test_the_documented_verification_accepts_a_fresh_signature_only(admin, receiver):
    _webhook, secret = subscribe(admin, receiver.url)
    new_ticket(admin)
    send_outbox()
    [got] = receiver.requests
    header, text = got.headers["X-Helpdesk-Signature"], got.body.decode()
    now = int(T0.timestamp())
    assert verify_signature(secret, header, text, at=now)
    assert not verify_signature(secret, header, text + " ", at=now)
    assert not verify_signature(secret, header, text, at=now + 301)  # a replay, later
    assert not verify_signature(secret, "v1=abc", text, at=now)
    assert not verify_signature(secret, "", text, at=now)


def standard_receiver_verifies(secret: str, request: Received) -> bool:
    """The Standard Webhooks check written from the specification, not with our code: the
    key is the secret after `whsec_`, base64-decoded; the signed text is
    `<webhook-id>.<webhook-timestamp>.<body>`; any `v1,<base64>` entry may match."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = (
        request.headers["webhook-id"].encode()
        + b"."
        + request.headers["webhook-timestamp"].encode()
        + b"."
        + request.body
    )
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(
        version == "v1" and hmac.compare_digest(expected, value)
        for version, _comma, value in (
            entry.partition(",") for entry in request.headers["webhook-signature"].split()
        )
    )


def test_a_delivery_carries_standard_webhooks_headers(admin, receiver):
    _webhook, secret = subscribe(admin, receiver.url)
    new_ticket(admin)
    [row] = rows()
    send_outbox()
    [got] = receiver.requests
    assert got.headers["webhook-id"] == row.message_id == got.headers["X-Helpdesk-Delivery"]
    assert got.headers["webhook-timestamp"] == str(int(T0.timestamp()))
    assert got.headers["webhook-signature"].startswith("v1,")
    assert standard_receiver_verifies(secret, got)
    assert not standard_receiver_verifies(service.new_secret(), got)
    assert receiver_verifies(secret, got)  # the original headers still verify too


def test_the_standard_webhooks_library_verifies_a_delivery(admin, receiver, set_now):
    set_now(datetime.now(UTC))  # the library checks the timestamp against the real clock
    _webhook, secret = subscribe(admin, receiver.url)
    new_ticket(admin)
    send_outbox()
    [got] = receiver.requests
    payload = standardwebhooks.Webhook(secret).verify(got.body, got.headers)
    assert payload["id"] == got.headers["webhook-id"]
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        standardwebhooks.Webhook(service.new_secret()).verify(got.body, got.headers)
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        standardwebhooks.Webhook(secret).verify(got.body + b" ", got.headers)
    replayed = {**got.headers, "webhook-timestamp": str(int(T0.timestamp()))}
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        standardwebhooks.Webhook(secret).verify(got.body, replayed)


def test_the_standard_signature_matches_the_specification_vector():
    # The Standard Webhooks reference libraries' own test vector.
    assert (
        delivery.standard_signature(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            '{"test": 2432232314}',
        )
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_existing_secrets_are_standard_secrets_as_they_stand():
    """`whsec_` + 48 hex digits is valid base64: a 36-byte key, no migration."""
    secret = service.new_secret()
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 36
    body = '{"id": "d-1"}'
    header = delivery.standard_signature(secret, "d-1", 1_780_000_000, body)
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, b"d-1.1780000000." + body.encode(), hashlib.sha256).digest()
    assert header == "v1," + base64.b64encode(mac).decode()


def test_a_secret_that_is_not_base64_fails_the_delivery_not_the_job(admin, receiver):
    webhook, _secret = subscribe(admin, receiver.url)
    new_ticket(admin)
    webhook.secret = "whsec_a"  # one base64 character: not decodable
    db.session.commit()
    assert send_outbox() == SendResult(sent=0, retrying=1, failed=0)
    [row] = rows()
    assert row.last_error is not None and "rotate it" in row.last_error
    assert receiver.requests == []


def test_a_failed_delivery_is_retried_later_and_then_succeeds(admin, receiver, set_now):
    _webhook, secret = subscribe(admin, receiver.url)
    new_ticket(admin)
    receiver.replies.append((500, {}))
    assert send_outbox() == SendResult(sent=0, retrying=1, failed=0)
    [row] = rows()
    assert (row.status, row.attempts, row.response_code) == ("pending", 1, 500)
    assert row.last_error is not None and row.last_error.startswith("HTTP 500")
    assert "nope, try later" in row.last_error
    assert row.next_attempt_at == T0 + BACKOFF[0]

    assert send_outbox() == SendResult(0, 0, 0)  # not due yet
    set_now(T0 + BACKOFF[0])
    assert send_outbox() == SendResult(sent=1, retrying=0, failed=0)
    [row] = rows()
    assert (row.status, row.attempts, row.response_code, row.last_error) == ("sent", 2, 200, None)
    first, second = receiver.requests
    assert first.body == second.body  # the same delivery, the same id
    assert first.headers["X-Helpdesk-Delivery"] == second.headers["X-Helpdesk-Delivery"]
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == row.message_id
    assert second.headers["X-Helpdesk-Timestamp"] == str(int((T0 + BACKOFF[0]).timestamp()))
    assert receiver_verifies(secret, second)


def test_backoff_doubles_up_to_a_cap_and_gives_up_after_about_a_day(admin, receiver, set_now):
    subscribe(admin, receiver.url)
    new_ticket(admin)
    receiver.replies.extend([(503, {})] * 100)
    moment = T0
    waits = []
    for _attempt in range(MAX_ATTEMPTS):
        result = send_outbox()
        [row] = rows()
        if row.status == "failed":
            assert result == SendResult(sent=0, retrying=0, failed=1)
            break
        assert result == SendResult(sent=0, retrying=1, failed=0)
        waits.append(row.next_attempt_at - moment)
        moment = row.next_attempt_at
        set_now(moment)
    [row] = rows()
    assert row.status == "failed"
    assert row.attempts == MAX_ATTEMPTS == len(receiver.requests)
    assert row.response_code == 503
    assert waits[:4] == [timedelta(minutes=minutes) for minutes in (1, 2, 4, 8)]
    assert max(waits) == timedelta(hours=4)
    assert timedelta(hours=23) < moment - T0 < timedelta(hours=25)
    set_now(moment + timedelta(days=2))
    assert send_outbox() == SendResult(0, 0, 0)
    assert len(receiver.requests) == MAX_ATTEMPTS


def test_redirects_are_not_followed(admin, receiver):
    subscribe(admin, receiver.url)
    new_ticket(admin)
    receiver.replies.append((302, {"Location": "http://169.254.169.254/latest/meta-data/"}))
    assert send_outbox() == SendResult(sent=0, retrying=1, failed=0)
    assert len(receiver.requests) == 1
    [row] = rows()
    assert row.response_code == 302
    assert "redirects are not followed" in (row.last_error or "")


def test_webhooks_go_out_without_smtp_while_emails_wait(app, admin, receiver):
    assert not app.config.get("SMTP_URL")
    subscribe(admin, receiver.url)
    new_ticket(admin)
    outbox_enqueue(template="test", to_address="x@example.net", subject="Hi", body_text="Hi")
    db.session.commit()
    assert send_outbox() == SendResult(sent=1, retrying=0, failed=0)
    email = db.session.scalar(sa.select(Outbox).where(Outbox.kind == "email"))
    assert email is not None and email.status == "pending" and email.attempts == 0
    assert len(receiver.requests) == 1


def test_a_target_is_checked_again_at_send_time(admin, receiver):
    """Saved while private addresses were allowed; refused once they are not."""
    subscribe(admin, receiver.url)
    new_ticket(admin)
    webhook_settings_update(actor=admin, allow_private=False)
    assert send_outbox() == SendResult(sent=0, retrying=1, failed=0)
    assert receiver.requests == []
    [row] = rows()
    assert row.response_code is None
    assert (row.last_error or "").startswith("refused target: 127.0.0.1")


def test_a_name_that_resolves_elsewhere_at_send_time_is_refused(admin, monkeypatch):
    """DNS rebinding: public when saved, the metadata address when sending."""
    webhook_settings_update(actor=admin, allow_private=False)
    answer = {"address": "93.184.215.14"}

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        assert host == "hooks.example.com"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answer["address"], port))]

    monkeypatch.setattr(ssrf.socket, "getaddrinfo", getaddrinfo)
    subscribe(admin, "https://hooks.example.com/helpdesk")
    new_ticket(admin)
    answer["address"] = "169.254.169.254"
    connections: list[Any] = []
    monkeypatch.setattr(delivery.socket, "create_connection", connections.append)
    assert send_outbox() == SendResult(sent=0, retrying=1, failed=0)
    assert connections == []
    [row] = rows()
    assert "169.254.169.254" in (row.last_error or "")


def test_the_connection_goes_to_the_address_that_was_checked(admin, monkeypatch):
    """The sender never resolves the name a second time (a rebinding answer gains nothing)."""
    webhook_settings_update(actor=admin, allow_private=False)
    answers = iter(["93.184.215.14", "93.184.215.14", "127.0.0.1"])

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(ssrf.socket, "getaddrinfo", getaddrinfo)
    subscribe(admin, "http://hooks.example.com/helpdesk")
    new_ticket(admin)
    connected: list[tuple[str, int]] = []

    def create_connection(address: tuple[str, int], timeout: float) -> socket.socket:
        connected.append(address)
        raise ConnectionRefusedError("test: not really connecting")

    monkeypatch.setattr(delivery.socket, "create_connection", create_connection)
    send_outbox()
    assert connected == [("93.184.215.14", 80)]
    [row] = rows()
    assert "connection failed" in (row.last_error or "")


def test_a_receiver_that_does_not_answer_times_out(admin, monkeypatch):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    try:
        monkeypatch.setattr(delivery, "TIMEOUT_SECONDS", 0.2)
        subscribe(admin, f"http://127.0.0.1:{listener.getsockname()[1]}/")
        new_ticket(admin)
        assert send_outbox() == SendResult(sent=0, retrying=1, failed=0)
    finally:
        listener.close()
    [row] = rows()
    assert "no answer within" in (row.last_error or "")


def test_a_closed_port_is_a_failure_to_retry(admin):
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    subscribe(admin, f"http://127.0.0.1:{port}/")
    new_ticket(admin)
    assert send_outbox() == SendResult(sent=0, retrying=1, failed=0)
    assert "connection failed" in (rows()[0].last_error or "")


def test_a_paused_subscription_sends_nothing_more(admin, receiver):
    webhook, _secret = subscribe(admin, receiver.url)
    new_ticket(admin)
    service.webhook_set_active(webhook=webhook, actor=admin, active=False)
    assert send_outbox() == SendResult(sent=0, retrying=0, failed=1)
    assert receiver.requests == []
    assert "paused" in (rows()[0].last_error or "")


def test_a_test_event_goes_to_that_subscription_only(admin, receiver):
    webhook, secret = subscribe(admin, receiver.url, "rating.received")
    other, _other_secret = subscribe(admin, receiver.url + "&other=1", "rating.received")
    service.webhook_send_test(webhook=webhook, actor=admin)
    assert send_outbox() == SendResult(sent=1, retrying=0, failed=0)
    [got] = receiver.requests
    assert got.headers["X-Helpdesk-Event"] == "ping"
    assert receiver_verifies(secret, got)
    payload = json.loads(got.body)
    assert payload["event"] == "ping"
    assert payload["data"]["webhook"]["id"] == webhook.id
    assert [row.webhook_id for row in rows()] == [webhook.id]
    assert other.id != webhook.id


def test_a_rotated_secret_signs_the_next_attempt(admin, receiver, set_now):
    webhook, old = subscribe(admin, receiver.url)
    new_ticket(admin)
    receiver.replies.append((500, {}))
    send_outbox()
    new = service.webhook_secret_rotate(webhook=webhook, actor=admin)
    set_now(T0 + BACKOFF[0])
    send_outbox()
    first, second = receiver.requests
    assert receiver_verifies(old, first) and not receiver_verifies(old, second)
    assert receiver_verifies(new, second)
