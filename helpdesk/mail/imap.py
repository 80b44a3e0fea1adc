"""The IMAP poll behind the `fetch_mail` job: read new mail from one mailbox into tickets.

HELPDESK_IMAP_URL names the mailbox: `imaps://user:pass@host[:993]/INBOX` (TLS),
`imap://user:pass@host[:143]/INBOX?starttls=1` (upgraded to TLS; plain `imap://` without
it is for a local test server only), optionally `&processed=Archive` to move handled mail
there. User and password are URL-encoded (`%40` for `@`). Unset, the job does nothing.

Each run takes up to BATCH unseen messages (`UID SEARCH UNSEEN`), fetches each without
marking it (`BODY.PEEK[]`), hands it to `mail_receive`, and only after that succeeded marks
it `\\Seen` (and moves it, if asked). A message `mail_receive` refuses for good (no sender)
is marked too, so it is not read again every minute; one that fails for another reason
(the database is down) stays unseen and is tried again on the next run. `mail_receive` is
idempotent on the Message-ID, so a crash between storing and marking costs nothing.
"""

from __future__ import annotations

import imaplib
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app

from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.mail.inbound import mail_receive

logger = logging.getLogger(__name__)

BATCH = 50


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    tls: bool
    starttls: bool
    username: str
    password: str
    mailbox: str
    processed: str | None


@dataclass(frozen=True)
class FetchReport:
    """How many messages a run took in, and how many it left for the next run."""

    handled: int = 0
    failed: int = 0


def imap_settings(url: str) -> ImapSettings:
    """Parse HELPDESK_IMAP_URL (ValueError when it is not an imap:// or imaps:// URL)."""
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise ValueError("HELPDESK_IMAP_URL must look like imaps://user:pass@host/INBOX")
    query = parse_qs(parts.query)
    tls = parts.scheme == "imaps"
    return ImapSettings(
        host=parts.hostname,
        port=parts.port or (993 if tls else 143),
        tls=tls,
        starttls=query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes"),
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        mailbox=unquote(parts.path.lstrip("/")) or "INBOX",
        processed=query.get("processed", [None])[0],
    )


def imap_connect(settings: ImapSettings) -> imaplib.IMAP4:
    timeout = float(current_app.config["IMAP_TIMEOUT"])
    context = ssl.create_default_context()
    if settings.tls:
        return imaplib.IMAP4_SSL(settings.host, settings.port, ssl_context=context, timeout=timeout)
    client = imaplib.IMAP4(settings.host, settings.port, timeout=timeout)
    if settings.starttls:
        client.starttls(ssl_context=context)
    return client


def _quoted(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _raw_message(data: list[object]) -> bytes | None:
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def _receive(raw: bytes) -> bool:
    """Hand one message over; True when it is done with (stored, or refused for good)."""
    try:
        mail_receive(raw)
    except ValidationError as error:
        logger.warning("Inbound email refused: %s", error.message)
    except Exception:
        db.session.rollback()
        logger.exception("Inbound email failed; it stays unseen and is tried again")
        return False
    return True


def _mark_done(client: imaplib.IMAP4, uid: str, processed: str | None) -> None:
    client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    if processed:
        typ, _data = client.uid("COPY", uid, _quoted(processed))
        if typ == "OK":
            client.uid("STORE", uid, "+FLAGS", "(\\Deleted)")


def mail_fetch(connect: Callable[[ImapSettings], imaplib.IMAP4] | None = None) -> FetchReport:
    """One poll of the configured mailbox (nothing when HELPDESK_IMAP_URL is unset)."""
    url = current_app.config["IMAP_URL"]
    if not url:
        return FetchReport()
    settings = imap_settings(url)
    client = (connect or imap_connect)(settings)
    handled = failed = 0
    try:
        client.login(settings.username, settings.password)
        typ, _data = client.select(_quoted(settings.mailbox))
        if typ != "OK":
            raise imaplib.IMAP4.error(f"cannot open mailbox {settings.mailbox!r}")
        typ, found = client.uid("SEARCH", "UNSEEN")
        listed = found[0] if typ == "OK" and found and isinstance(found[0], bytes) else b""
        uids = [uid.decode() for uid in listed.split()[:BATCH]]
        for uid in uids:
            typ, data = client.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = _raw_message(list(data)) if typ == "OK" else None
            if raw is None or not _receive(raw):
                failed += 1
                continue
            _mark_done(client, uid, settings.processed)
            handled += 1
        if settings.processed and handled:
            client.expunge()
    finally:
        try:
            client.logout()
        except (imaplib.IMAP4.error, OSError):
            logger.info("IMAP logout failed", exc_info=True)
    if handled or failed:
        logger.info("IMAP poll: %d handled, %d left for the next run", handled, failed)
    return FetchReport(handled, failed)
