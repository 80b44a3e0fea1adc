"""Sending webhook deliveries: the `send_outbox` job hands claimed `kind = 'webhook'` rows
here (claiming, leases and SKIP LOCKED are the outbox's; see `helpdesk.mail.outbox`).

Each delivery is one HTTP POST of the row's `body_text`, exactly as stored, with

    Content-Type: application/json
    User-Agent: Helpdesk-Webhooks/1
    webhook-id: <the delivery id, also the body's "id">
    webhook-timestamp: <unix seconds>
    webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>
    X-Helpdesk-Event: ticket.created
    X-Helpdesk-Delivery: <the same delivery id>
    X-Helpdesk-Timestamp: <the same unix seconds>
    X-Helpdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>

signed at send time with the subscription's current secret. The three `webhook-*` headers
follow the Standard Webhooks specification, so a receiver verifies with that project's
library in its own language (`Webhook(secret).verify(body, headers)`), made here by the
`standardwebhooks` reference library itself: the key is the secret after its `whsec_`
prefix, base64-decoded. Our secrets (`whsec_` + 48 hex digits) are valid base64 as they
stand (hex digits are base64 characters, 48 is a multiple of 4), so every existing secret
works unchanged: nothing to migrate, nothing to rotate. The `X-Helpdesk-*` headers are the
original scheme (HMAC keyed with the whole secret string, hex), still sent for receivers
written against it. The target is checked
against SSRF again (DNS may have changed since it was saved) and the connection goes to an
address that check approved, with the URL's host in the Host header and for TLS; redirects
are not followed; each socket operation times out after 10 seconds.

A 2xx answer is success. Anything else (another status, a timeout, a refused connection,
a refused address) is recorded on the row (`response_code`, `last_error`) and retried
after BACKOFF[attempts - 1]: 1, 2, 4, … minutes, capped at 4 hours — about a day in all —
after which the row is failed. A paused or deleted subscription sends nothing more: its
pending deliveries fail at their turn. Without SMTP, webhooks still go out.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import logging
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import standardwebhooks

from helpdesk.clock import now
from helpdesk.extensions import db
from helpdesk.models import Outbox, Webhook
from helpdesk.webhooks import ssrf
from helpdesk.webhooks.settings import webhook_settings

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
USER_AGENT = "Helpdesk-Webhooks/1"
# Wait after the n-th failed attempt: 1, 2, 4, ... minutes, capped at 4 hours; 13 waits
# add up to 24 h 15 min, so the 14th failed attempt, a day after the event, is final.
BACKOFF: tuple[timedelta, ...] = tuple(timedelta(minutes=min(2**n, 240)) for n in range(13))
MAX_ATTEMPTS = len(BACKOFF) + 1
MAX_ERROR_CHARS = 1000
# Enough of an error response to show in the delivery log; the rest is not read.
MAX_RESPONSE_EXCERPT = 300


class DeliveryFailure(Exception):  # noqa: N818 - an outcome, named for what happened
    """The receiver did not accept the delivery; `status` is its HTTP status if it sent one."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Outcome:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def signature(secret: str, timestamp: int, body: str) -> str:
    """The `X-Helpdesk-Signature` value: `t=<timestamp>,v1=<hex HMAC-SHA256>` over
    `"<timestamp>.<body>"` keyed with the subscription's secret."""
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def standard_signature(secret: str, delivery_id: str, timestamp: int, body: str) -> str:
    """The Standard Webhooks `webhook-signature` value, `v1,<base64 HMAC-SHA256>` over
    `"<delivery id>.<timestamp>.<body>"`, keyed with the base64 part of the secret (made by
    the specification's reference library, so it is what every receiver library checks)."""
    moment = datetime.fromtimestamp(timestamp, UTC)
    return standardwebhooks.Webhook(secret).sign(delivery_id, moment, body)


def verify_signature(secret: str, header: str, body: str, *, at: int, tolerance: int = 300) -> bool:
    """What a receiver does (documented in the README): the timestamp is recent and one of
    the `v1` values matches, compared in constant time."""
    fields = [item.partition("=") for item in header.split(",")]
    stamps = [value for key, _sep, value in fields if key.strip() == "t"]
    candidates = [value.strip() for key, _sep, value in fields if key.strip() == "v1"]
    if len(stamps) != 1 or not stamps[0].strip().isdigit() or not candidates:
        return False
    timestamp = int(stamps[0])
    if abs(at - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body).partition(",v1=")[2]
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked addresses only, never resolving the host again."""

    def __init__(self, target: ssrf.Target) -> None:
        super().__init__(target.host, target.port, timeout=TIMEOUT_SECONDS)
        self._addresses = target.addresses

    def _open_socket(self) -> socket.socket:
        error: OSError | None = None
        for address in self._addresses:
            try:
                return socket.create_connection((address, self.port), timeout=self.timeout)
            except OSError as exc:
                error = exc
        raise error or OSError("no address to connect to")

    def connect(self) -> None:
        self.sock = self._open_socket()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    """The same over TLS, verifying the certificate for the URL's host name."""

    def connect(self) -> None:
        sock = self._open_socket()
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(sock, server_hostname=self.host)


def post(target: ssrf.Target, *, body: str, headers: dict[str, str]) -> int:
    """POST `body` to the checked target; the status of a 2xx answer, else
    DeliveryFailure. Redirects are answers like any other (not followed)."""
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target)
    try:
        connection.request("POST", target.path, body=body.encode(), headers=headers)
        response = connection.getresponse()
        excerpt = response.read(MAX_RESPONSE_EXCERPT).decode("utf-8", "replace")
    except ssl.SSLError as exc:
        raise DeliveryFailure(f"TLS error: {exc}") from exc
    except TimeoutError as exc:
        raise DeliveryFailure(f"no answer within {TIMEOUT_SECONDS} seconds") from exc
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise DeliveryFailure(f"connection failed: {exc}") from exc
    finally:
        connection.close()
    if 200 <= response.status < 300:
        return response.status
    detail = " ".join(excerpt.split())
    message = f"HTTP {response.status} {response.reason}".strip()
    if 300 <= response.status < 400:
        message += " (redirects are not followed)"
    if detail:
        message += f": {detail}"
    raise DeliveryFailure(message, status=response.status)


def deliver(row: Outbox, webhook: Webhook, *, allow_private: bool) -> int:
    """Send one delivery now; the receiver's 2xx status, else DeliveryFailure."""
    try:
        target = ssrf.check_target(webhook.url, allow_private=allow_private)
    except ssrf.UnsafeTarget as exc:
        raise DeliveryFailure(f"refused target: {exc.detail}") from exc
    timestamp = int(now().timestamp())
    try:
        standard = standard_signature(webhook.secret, row.message_id, timestamp, row.body_text)
    except (ValueError, standardwebhooks.webhooks.EmptyWebhookSecretError) as exc:
        # Only a secret not made by `service.new_secret` (not base64 after `whsec_`) gets here.
        message = "the signing secret is not a whsec_ base64 secret; rotate it"
        raise DeliveryFailure(message) from exc
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": row.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": standard,
        "X-Helpdesk-Event": row.template,
        "X-Helpdesk-Delivery": row.message_id,
        "X-Helpdesk-Timestamp": str(timestamp),
        "X-Helpdesk-Signature": signature(webhook.secret, timestamp, row.body_text),
    }
    return post(target, body=row.body_text, headers=headers)


def send_claimed(ids: list[int], *, keep: Callable[[Outbox], bool], time_limit: float) -> Outcome:
    """Send the claimed webhook rows one by one, committing each outcome that `keep` lets
    through (the claim's fence: False when the lease was lost, and nothing is recorded);
    stops after `time_limit` seconds (the rest keep their lease and go next time)."""
    sent = retrying = failed = 0
    allow_private = webhook_settings().allow_private
    started = time.monotonic()
    for row_id in ids:
        if time.monotonic() - started > time_limit:
            break
        row = db.session.get(Outbox, row_id)
        if row is None or row.status != "pending" or row.kind != "webhook":
            continue
        webhook = (  # fresh from the database: paused or rotated a moment ago counts
            db.session.get(Webhook, row.webhook_id, populate_existing=True)
            if row.webhook_id
            else None
        )
        if webhook is None or not webhook.active:
            if not keep(row):
                continue
            row.status = "failed"
            row.last_error = "the subscription was paused or deleted before this was sent"
            failed += 1
        else:
            try:
                status = deliver(row, webhook, allow_private=allow_private)
            except DeliveryFailure as failure:
                if not keep(row):
                    continue
                if _record_failure(row, failure):
                    failed += 1
                else:
                    retrying += 1
            else:
                if not keep(row):
                    continue
                row.status = "sent"
                row.sent_at = now()
                row.response_code = status
                row.last_error = None
                sent += 1
        db.session.commit()
    return Outcome(sent, retrying, failed)


def _record_failure(row: Outbox, failure: DeliveryFailure) -> bool:
    """Record a failed attempt; True when it was the last (status failed)."""
    row.response_code = failure.status
    row.last_error = str(failure)[:MAX_ERROR_CHARS]
    if row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
        logger.warning("webhook delivery %s failed for good: %s", row.message_id, failure)
        return True
    row.next_attempt_at = now() + BACKOFF[min(row.attempts, len(BACKOFF)) - 1]
    return False
