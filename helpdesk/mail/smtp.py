"""Talking to the SMTP server: parsing HELPDESK_SMTP_URL, opening a connection (plain,
STARTTLS or implicit TLS, always with a timeout), building the MIME message from an outbox
row and telling a permanent refusal from a temporary failure.

`smtp://user:pass@host:587?starttls=1` — plain connection upgraded with STARTTLS;
`smtps://user:pass@host:465` — implicit TLS; `smtp://host:25` — plain (a local relay).
User name and password are percent-decoded, so `%40` in a user name is an `@`.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, formataddr
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app

from helpdesk.attachments.queries import message_files
from helpdesk.attachments.storage import storage
from helpdesk.models import Outbox

logger = logging.getLogger(__name__)

_TRUE = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None
    password: str | None
    implicit_tls: bool
    starttls: bool
    timeout: int


class SmtpFailure(Exception):
    """Sending one message failed; `permanent` when the server refused it for good (a 5xx
    reply to the recipient or the content), `bounce` when that refusal was the recipient's."""

    def __init__(self, message: str, *, permanent: bool, bounce: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.bounce = bounce


def parse_smtp_url(url: str, *, timeout: int = 20) -> SmtpSettings:
    """Settings from an `smtp://` or `smtps://` URL; ValueError for anything else."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("HELPDESK_SMTP_URL must look like smtp://user:pass@host:587?starttls=1")
    query = {key: values[-1].lower() for key, values in parse_qs(parts.query).items()}
    implicit_tls = parts.scheme == "smtps"
    return SmtpSettings(
        host=parts.hostname,
        port=parts.port or (465 if implicit_tls else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        implicit_tls=implicit_tls,
        starttls=not implicit_tls and query.get("starttls", "") in _TRUE,
        timeout=timeout,
    )


def configured_smtp() -> SmtpSettings | None:
    """The configured server, or None when HELPDESK_SMTP_URL is empty (mail stays queued)."""
    url = str(current_app.config.get("SMTP_URL") or "")
    if not url:
        return None
    return parse_smtp_url(url, timeout=int(current_app.config.get("SMTP_TIMEOUT", 20)))


def connect(settings: SmtpSettings) -> smtplib.SMTP:
    """An open, logged-in connection; raises SmtpFailure (temporary) when that fails."""
    context = ssl.create_default_context()
    try:
        connection: smtplib.SMTP
        if settings.implicit_tls:
            connection = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=context
            )
        else:
            connection = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
            if settings.starttls:
                connection.starttls(context=context)
        if settings.username:
            connection.login(settings.username, settings.password or "")
    except (OSError, smtplib.SMTPException) as error:
        raise SmtpFailure(_describe(error), permanent=False) from error
    return connection


def close(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (OSError, smtplib.SMTPException):
        connection.close()


def build_message(row: Outbox) -> EmailMessage:
    """The MIME message for an outbox row: text and HTML alternatives, the row's stable
    Message-ID and its extra headers (Reply-To, In-Reply-To, Auto-Submitted...)."""
    message = EmailMessage(policy=SMTP_POLICY)
    sender = formataddr(
        (str(current_app.config["MAIL_FROM_NAME"]), str(current_app.config["MAIL_FROM"]))
    )
    message["From"] = sender
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = row.message_id
    for name, value in (row.headers or {}).items():
        message[name] = str(value)
    message.set_content(row.body_text)
    if row.body_html:
        message.add_alternative(row.body_html, subtype="html")
    if row.source_message_id is not None:
        _attach_files(message, row.source_message_id)
    if row.language:  # after the parts: setting content replaces Content-* headers
        message["Content-Language"] = row.language
    return message


def _attach_files(message: EmailMessage, message_id: int) -> None:
    """Attach a conversation message's files (its public ones: only public replies name a
    source message). Storage out of reach is a temporary failure (retried); an object that
    is gone is logged and left out rather than holding the reply back forever."""
    for attachment in message_files(message_id):
        try:
            data = storage().get(attachment.sha256)
        except Exception as error:  # boto3/OS errors: the store may be back later
            raise SmtpFailure(f"attachment storage: {error}", permanent=False) from error
        if data is None:
            logger.error("Attachment %s is missing its object; sent without it", attachment.id)
            continue
        maintype, _slash, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )


def deliver(connection: smtplib.SMTP, row: Outbox, message: EmailMessage | None = None) -> None:
    """Hand one row to the server (as `message`, when the caller built it already: the
    outbox builds it before its transaction ends, so nothing reads the database during the
    SMTP exchange); raises SmtpFailure saying whether to retry."""
    if message is None:
        message = build_message(row)
    sender = str(current_app.config["MAIL_FROM"])
    try:
        connection.send_message(message, from_addr=sender, to_addrs=[row.to_address])
    except smtplib.SMTPRecipientsRefused as error:
        code, reply = next(iter(error.recipients.values()), (0, b""))
        text = f"{code} {_decode(reply)}"
        raise SmtpFailure(text, permanent=code >= 500, bounce=code >= 500) from error
    except smtplib.SMTPDataError as error:
        permanent = error.smtp_code >= 500
        raise SmtpFailure(_describe(error), permanent=permanent, bounce=permanent) from error
    except (OSError, smtplib.SMTPException) as error:
        # Our sender refused, a dropped connection, a timeout: worth trying again later.
        raise SmtpFailure(_describe(error), permanent=False) from error


def _decode(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_decode(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"
