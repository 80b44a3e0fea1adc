"""The `Idempotency-Key` request header (IETF httpapi draft) for creating conversations.

A client sends a fresh key with each new submission and the same key when it retries that
submission (after a timeout, say). The first request with a key claims it (a committed
row); once it has finished, its response is stored against the key:

- same key, same body: the stored response again (nothing is created twice);
- same key, another body: 422, the key was reused for something else;
- same key while the first request is still in flight: 409, try again shortly.

A request that fails validation releases its key, so the customer can correct the form
and resend. A claim left unfinished for `STALE_AFTER` (the process died mid-request) is
released too. Records are purged after `KEEP_FOR`: a key is a retry window, not an
archive. The stored response holds the conversation token, so only someone presenting
the same random key and the same body ever sees it again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from helpdesk.clock import now
from helpdesk.db.busy import database_busy
from helpdesk.errors import Conflict, ValidationError
from helpdesk.extensions import db
from helpdesk.models import IdempotencyRecord

logger = logging.getLogger(__name__)

MAX_KEY_CHARS = 255
STALE_AFTER = timedelta(minutes=5)
KEEP_FOR = timedelta(hours=24)


class KeyReused(ValidationError):
    code = "idempotency_key_reused"


class InFlight(Conflict):
    code = "idempotency_key_in_flight"


@dataclass(frozen=True)
class Replay:
    """The response the first request with this key got."""

    status: int
    body: Any


def fingerprint(payload: Any) -> str:
    """A stable hash of a JSON request body (key order does not matter)."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > MAX_KEY_CHARS or not key.isascii() or not key.isprintable():
        raise ValidationError(
            "Idempotency-Key",
            _("The Idempotency-Key header must be 1 to 255 printable ASCII characters."),
        )
    return key


def idempotency_claim(*, scope: str, key: str, payload: Any) -> IdempotencyRecord | Replay:
    """Claim `key` for this request (committed at once, so a concurrent duplicate sees it),
    or return the earlier response; raises KeyReused or InFlight."""
    key = check_key(key)
    digest = fingerprint(payload)
    for _attempt in range(2):
        existing = db.session.scalar(
            sa.select(IdempotencyRecord).where(
                IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
            )
        )
        if existing is not None:
            if existing.status_code is None and now() - existing.created_at > STALE_AFTER:
                db.session.delete(existing)
                db.session.commit()
                continue
            if existing.fingerprint != digest:
                raise KeyReused(
                    "Idempotency-Key",
                    _("This Idempotency-Key was already used for a different request."),
                )
            if existing.status_code is None:
                raise InFlight(
                    _("The same request is still being processed. Try again in a moment.")
                )
            return Replay(status=existing.status_code, body=existing.response)
        record = IdempotencyRecord(scope=scope, key=key, fingerprint=digest, created_at=now())
        db.session.add(record)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # a concurrent request claimed it first: look again
            continue
        return record
    raise InFlight(_("The same request is still being processed. Try again in a moment."))


def idempotency_finish(*, record: IdempotencyRecord, status: int, body: Any) -> None:
    """Store the response the claimed request produced."""
    record.status_code = status
    record.response = body
    db.session.commit()


def idempotency_release(*, record: IdempotencyRecord) -> None:
    """Give the key back (the request was refused, so nothing was created). When the
    database is too busy to take the DELETE (the request is answering 503), the key stays
    claimed and frees itself after STALE_AFTER; the client is told to retry later anyway."""
    db.session.rollback()
    try:
        db.session.execute(sa.delete(IdempotencyRecord).where(IdempotencyRecord.id == record.id))
        db.session.commit()
    except sa.exc.OperationalError as error:
        db.session.rollback()
        if not database_busy(error):
            raise
        logger.warning("Idempotency-Key %s left claimed: the database was busy", record.id)


def idempotency_purge() -> int:
    """Delete records older than KEEP_FOR; returns how many."""
    result = db.session.execute(
        sa.delete(IdempotencyRecord).where(IdempotencyRecord.created_at < now() - KEEP_FOR)
    )
    db.session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
