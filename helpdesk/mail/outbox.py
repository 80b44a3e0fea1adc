"""The outbox: queueing an email in the caller's transaction, and the `send_outbox` use case
that claims due rows and sends them over SMTP (webhook rows: over HTTP, by
`helpdesk.webhooks.delivery`), exactly once under normal operation however
many schedulers run it.

Claiming. A row is due when `status = 'pending' AND next_attempt_at <= now`. A sender
claims a batch with one conditional UPDATE that moves `next_attempt_at` a lease ahead
(LEASE), counts the attempt and writes the claim's own token (`lease_token`), and commits
that claim before talking to SMTP (no database transaction stays open across the network).
On PostgreSQL the candidates are first locked with `FOR UPDATE SKIP LOCKED`, so concurrent
senders take disjoint batches; on SQLite the single `UPDATE ... WHERE id IN (SELECT ...)
AND <due> RETURNING id` is atomic because writes are serialised. Another sender's UPDATE
re-checks `next_attempt_at <= now` at fire time and so skips leased rows.

Leases are short and renewed: while it works through its batch the sender moves the lease
of the rows it still holds another LEASE ahead every RENEW_EVERY (a heartbeat), and it
starts a row only while the lease has at least LEASE - RENEW_EVERY left. A sender that
dies (kill -9) stops renewing: its rows come due again within LEASE and another sender
takes them (counted as an attempt). Outcomes are fenced: a row's result is written only
while the row still carries the claim's token, so a sender that stalled past its lease and
wakes up after another took the row over changes nothing (it logs the discarded outcome).

Outcome. Each row's result is committed on its own right after its SMTP exchange: sent
(status sent), a temporary failure (next attempt after BACKOFF[attempts - 1]), or a
permanent one (a 5xx refusal of the recipient or the content, or MAX_ATTEMPTS used up:
status failed, `last_error`, and an `EmailBounce` when a customer's address was refused).

At most once where SMTP allows. Just before its SMTP transaction the sender records
"sending" (`sending_at`, committed, only while the row carries its token) and clears it
with the outcome. SMTP gives no way to ask a server whether it accepted a message, so a
row found still marked "sending" by the next sender (the first was killed, or stalled past
its lease, between the mark and the outcome) cannot be checked: it is sent again, with the
same Message-ID (mail programs that see both can tell them apart as one message), logged,
and counted in `possible_duplicates` (shown in the dev mail viewer). Holding such rows for
a person to review was the alternative; a lost reminder or reply is worse than a repeat
with the same Message-ID, and the window is one SMTP exchange per crash. So: at most one
duplicate delivery per crash in the SMTP window, and never one otherwise.

Without HELPDESK_SMTP_URL no email is sent: rows stay pending for the dev mail viewer.
Webhook deliveries do not need SMTP and go out either way.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid

import sqlalchemy as sa
from sqlalchemy.orm.util import identity_key

from helpdesk.clock import now
from helpdesk.db.locking import claimable
from helpdesk.db.rows import read_rows
from helpdesk.extensions import db
from helpdesk.mail import smtp
from helpdesk.mail.addresses import mail_from_address
from helpdesk.models import EmailBounce, Outbox
from helpdesk.webhooks import delivery as webhook_delivery

logger = logging.getLogger(__name__)

# Wait after the n-th failed attempt (1-based): 1 min, 5 min, 30 min, 2 h, 6 h, 12 h, 24 h —
# about two days in all; the 8th failure is final.
BACKOFF: tuple[timedelta, ...] = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# How long a claimed row is reserved for its sender without a renewal, and how often the
# sender renews it: a dead sender's rows are taken over within 30 s (issue 26), and a row
# starts with at least LEASE - RENEW_EVERY (20 s) left, many times what an SMTP exchange
# takes; one that stalls longer (HELPDESK_SMTP_TIMEOUT, 20 s per step) may be taken over
# and sent again, which the "sending" marker counts as a possible duplicate.
LEASE = timedelta(seconds=30)
RENEW_EVERY = timedelta(seconds=10)
BATCH = 50
MAX_ERROR_CHARS = 1000
MAX_SUBJECT_CHARS = 300
# Headers a template may set; anything else is dropped (no header injection by accident).
ALLOWED_HEADERS = frozenset(
    {
        "Reply-To",
        "In-Reply-To",
        "References",
        "Auto-Submitted",
        "X-Auto-Response-Suppress",
        "Precedence",
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
    }
)


@dataclass
class Claim:
    """Rows a sender leased, under its own token, and when it last renewed the lease."""

    token: str
    ids: list[int]
    renewed: float  # time.monotonic()

    def renew_if_due(self) -> set[int]:
        """The heartbeat: when RENEW_EVERY has passed, move the lease of the rows still
        held another LEASE ahead (committed); returns the ids still held."""
        if time.monotonic() - self.renewed < RENEW_EVERY.total_seconds():
            return set(self.ids)
        held = set(
            db.session.scalars(
                sa.update(Outbox)
                .where(
                    Outbox.id.in_(self.ids),
                    Outbox.lease_token == self.token,
                    Outbox.status == "pending",
                )
                .values(next_attempt_at=now() + LEASE)
                .returning(Outbox.id)
                .execution_options(synchronize_session=False)
            )
        )
        db.session.commit()
        self.ids = [row_id for row_id in self.ids if row_id in held]
        self.renewed = time.monotonic()
        return held

    def mark_sending(self, row: Outbox) -> bool:
        """Record (committed) that this sender starts the row's SMTP transaction now; False
        (nothing written) when the row no longer carries this claim's token. A mark left
        by an earlier sender means that one was cut off mid-send: this send may duplicate
        its delivery, so it is counted and logged."""
        cut_off = row.sending_at is not None
        marked = db.session.execute(
            sa.update(Outbox)
            .where(
                Outbox.id == row.id,
                Outbox.lease_token == self.token,
                Outbox.status == "pending",
            )
            .values(
                sending_at=now(),
                possible_duplicates=Outbox.possible_duplicates + (1 if cut_off else 0),
            )
            .execution_options(synchronize_session=False)
        )
        if marked.rowcount != 1:  # type: ignore[attr-defined]
            db.session.rollback()
            return False
        db.session.commit()
        if cut_off:
            logger.warning(
                "email %s: its last sender stopped during the SMTP exchange (marked sending "
                "at %s); sending it again with the same Message-ID %s, a possible duplicate",
                row.id,
                row.sending_at,
                row.message_id,
            )
        return True

    def fence(self, row: Outbox, *, sent: bool = True) -> bool:
        """Take the row out of the lease to record its outcome in this transaction; False
        (and nothing to record) when the row no longer carries this claim's token. With
        `sent` false (no SMTP transaction was started) an earlier sender's "sending" mark
        is kept, so the next send is still counted as a possible duplicate."""
        values: dict[str, object] = {"lease_token": None}  # nosec B105 - a lease, not a secret
        if sent:
            values["sending_at"] = None
        taken = db.session.execute(
            sa.update(Outbox)
            .where(
                Outbox.id == row.id,
                Outbox.lease_token == self.token,
                Outbox.status == "pending",
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            return True
        db.session.rollback()
        logger.warning(
            "outbox row %s: lease lost before its outcome was recorded; another sender has it",
            row.id,
        )
        return False


@dataclass(frozen=True)
class SendResult:
    sent: int
    retrying: int
    failed: int


def _one_line(value: str) -> str:
    return " ".join(str(value).split())


def outbox_enqueue(
    *,
    template: str,
    to_address: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    language: str | None = None,
    headers: Mapping[str, str] | None = None,
    ticket_id: int | None = None,
    customer_id: int | None = None,
    user_id: int | None = None,
    send_after: datetime | None = None,
) -> Outbox:
    """Queue one email in the caller's transaction (never commits): it is sent only if the
    change that caused it commits (not before `send_after`), and it gets its Message-ID now
    so every retry carries the same one."""
    domain = mail_from_address().rpartition("@")[2] or "localhost"
    row = Outbox(
        kind="email",
        template=template,
        to_address=_one_line(to_address),
        subject=_one_line(subject)[:MAX_SUBJECT_CHARS],
        body_text=body_text,
        body_html=body_html,
        headers={
            name: _one_line(value)
            for name, value in (headers or {}).items()
            if name in ALLOWED_HEADERS and value
        },
        message_id=make_msgid(idstring="helpdesk", domain=domain),
        language=language,
        ticket_id=ticket_id,
        customer_id=customer_id,
        user_id=user_id,
        status="pending",
        attempts=0,
        next_attempt_at=send_after or now(),
        created_at=now(),
    )
    db.session.add(row)
    return row


def send_outbox(*, batch: int = BATCH) -> SendResult:
    """Send every due email and webhook delivery, batch after batch, until none is left
    (or, for email, a batch could not reach the server); returns what this call did.
    Without SMTP configured, emails wait; webhooks go out regardless."""
    if batch < 1:
        raise ValueError("batch must be positive")
    emails = _send_emails(batch=batch)
    webhooks = _send_webhooks(batch=batch)
    return SendResult(*(a + b for a, b in zip(emails, webhooks, strict=True)))


def _send_emails(*, batch: int) -> tuple[int, int, int]:
    settings = smtp.configured_smtp()
    if settings is None:
        return (0, 0, 0)
    totals = [0, 0, 0]
    while True:
        claim = _claim(batch=batch)
        if claim is None:
            break
        claimed = len(claim.ids)
        counts, reachable = _send_batch(claim, settings)
        totals = [total + count for total, count in zip(totals, counts, strict=True)]
        if claimed < batch or not reachable:
            break
    return (totals[0], totals[1], totals[2])


def _send_webhooks(*, batch: int) -> tuple[int, int, int]:
    """Webhook rows are claimed here like emails and POSTed by `webhooks.delivery`."""
    sent = retrying = failed = 0
    while True:
        claim = _claim(batch=batch, kind="webhook")
        if claim is None:
            break
        claimed = len(claim.ids)
        outcome = webhook_delivery.send_claimed(
            claim.ids, keep=claim.fence, time_limit=(LEASE - RENEW_EVERY).total_seconds()
        )
        sent, retrying, failed = (
            sent + outcome.sent,
            retrying + outcome.retrying,
            failed + outcome.failed,
        )
        if claimed < batch:
            break
    return (sent, retrying, failed)


def _claim(*, batch: int, kind: str = "email") -> Claim | None:
    """Lease up to `batch` due rows of `kind` (oldest due first) under a new token and
    commit the lease; None when nothing is due."""
    cutoff = now()
    token = secrets.token_hex(16)
    due = sa.and_(Outbox.kind == kind, Outbox.status == "pending", Outbox.next_attempt_at <= cutoff)
    candidates = (
        sa.select(Outbox.id).where(due).order_by(Outbox.next_attempt_at, Outbox.id).limit(batch)
    )
    try:
        target = claimable(candidates)
        if target is None:
            db.session.rollback()
            return None
        claim = (
            sa.update(Outbox)
            .where(Outbox.id.in_(target), due)
            .values(next_attempt_at=cutoff + LEASE, attempts=Outbox.attempts + 1, lease_token=token)
            .returning(Outbox.id)
            .execution_options(synchronize_session=False)
        )
        ids = sorted(db.session.scalars(claim))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    for row_id in ids:  # objects loaded earlier in this session must reload the lease
        loaded = db.session.identity_map.get(identity_key(Outbox, row_id))
        if loaded is not None:
            db.session.expire(loaded)
    return Claim(token, ids, time.monotonic()) if ids else None


def _send_batch(claim: Claim, settings: smtp.SmtpSettings) -> tuple[tuple[int, int, int], bool]:
    """Send the claimed rows over one connection (reopened after a temporary failure),
    renewing their lease as it goes; returns (sent, retrying, failed) and whether the
    server could be reached at all."""
    sent = retrying = failed = 0
    connection: smtplib.SMTP | None = None
    reachable = True
    unreachable: smtp.SmtpFailure | None = None
    try:
        for row_id in list(claim.ids):
            if row_id not in claim.renew_if_due():
                continue  # the lease ran out (a stall): another sender has the row
            row = db.session.get(Outbox, row_id)
            if row is None or row.status != "pending":
                continue
            started = False
            try:
                if unreachable is not None:
                    raise unreachable  # the server did not answer: don't wait on it per row
                if connection is None:
                    connection = smtp.connect(settings)
                # Built first (it reads the reply's files): the mark's commit then ends the
                # transaction, and none is open during the SMTP exchange (on PostgreSQL the
                # scheduler's idle-in-transaction timeout would end a slow one).
                message = smtp.build_message(row)
                if not claim.mark_sending(row):
                    continue  # the lease ran out meanwhile: another sender has the row
                started = True
                smtp.deliver(connection, row, message)
            except smtp.SmtpFailure as failure:
                if connection is None:
                    reachable = False
                    unreachable = failure
                elif not failure.permanent:
                    smtp.close(connection)
                    connection = None
                if not claim.fence(row, sent=started):
                    continue
                if _record_failure(row, failure):
                    failed += 1
                else:
                    retrying += 1
            else:
                if not claim.fence(row):
                    continue
                row.status = "sent"
                row.sent_at = now()
                row.last_error = None
                sent += 1
            db.session.commit()
    finally:
        if connection is not None:
            smtp.close(connection)
    return (sent, retrying, failed), reachable


def _record_failure(row: Outbox, failure: smtp.SmtpFailure) -> bool:
    """Record a failed attempt on the row; True when it is final (status failed)."""
    row.last_error = str(failure)[:MAX_ERROR_CHARS]
    if failure.permanent or row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
        logger.warning("email %s to %s failed for good: %s", row.id, row.to_address, failure)
        if failure.bounce and row.customer_id is not None:
            db.session.add(
                EmailBounce(
                    customer_id=row.customer_id,
                    email=row.to_address,
                    reason=row.last_error,
                    created_at=now(),
                )
            )
        return True
    row.next_attempt_at = now() + BACKOFF[min(row.attempts, len(BACKOFF)) - 1]
    return False


_FAILED_FOR_TICKET = (
    sa.select(Outbox.subject, Outbox.to_address, Outbox.last_error, Outbox.created_at)
    .where(
        Outbox.ticket_id == sa.bindparam("ticket_id"),
        Outbox.kind == "email",
        Outbox.status == "failed",
    )
    .order_by(Outbox.created_at.desc(), Outbox.id.desc())
    .limit(5)
)


def failed_emails_for_ticket(ticket_id: int) -> list[sa.Row[tuple[str, str, str | None, datetime]]]:
    """The five newest emails about a ticket that could not be delivered, as the ticket
    page shows them (subject, address, error, time: plain rows)."""
    return list(read_rows(_FAILED_FOR_TICKET, {"ticket_id": ticket_id}))


def outbox_recent(*, status: str | None = None, limit: int = 100) -> list[Outbox]:
    """The newest emails in the outbox (optionally of one status), for the dev mail viewer
    (webhook deliveries have their own log)."""
    query = (
        sa.select(Outbox)
        .where(Outbox.kind == "email")
        .order_by(Outbox.created_at.desc(), Outbox.id.desc())
        .limit(limit)
    )
    if status is not None:
        query = query.where(Outbox.status == status)
    return list(db.session.scalars(query))
