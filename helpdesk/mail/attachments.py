"""Files that come with inbound mail, and the raw original of each message.

Stored on disk by content hash, `<ATTACHMENTS_DIR>/<sha256[:2]>/<sha256>` (default
`instance/attachments/`), written atomically (a temporary file renamed into place), so the
same file mailed twice is stored once and a half-written file is never served. A row in
`attachments` names it for one message. Files are written before the message's
transaction commits: if that transaction fails, the file stays unreferenced (harmless; the
same bytes arriving again reuse it).

Limits: each file at most ATTACHMENT_MAX_BYTES, all files of one message together at most
ATTACHMENTS_MAX_BYTES; a file over a limit is not kept and the message says so. The raw
original (`original.eml`) is always kept, for staff only.

Serving (views in `inbound_views.py`) always sends `Content-Disposition: attachment` and
nosniff; types a browser could run (HTML, SVG, XML, scripts) go out as
`application/octet-stream`, so an attachment can never render as a page of this origin.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from mimetypes import guess_extension
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from helpdesk.extensions import db
from helpdesk.mail.parse import ParsedAttachment
from helpdesk.models import Attachment, Message, Ticket

MAX_FILENAME_CHARS = 200
ORIGINAL_FILENAME = "original.eml"
_CONTENT_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,60}/[a-z0-9][a-z0-9!#$&^_.+-]{0,60}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Types a browser would render or run; served as opaque bytes whatever the sender claimed.
_ACTIVE_TYPES = re.compile(
    r"^(?:text/html|application/xhtml\+xml|image/svg\+xml|text/xml|application/xml|"
    r"text/javascript|application/javascript|application/x-javascript|text/xsl|"
    r"application/x-shockwave-flash)$"
)


@dataclass(frozen=True)
class SkippedFile:
    """An attachment that was not kept, and why (`too_large` or `message_too_large`)."""

    filename: str
    size: int
    reason: str


def _root() -> Path:
    return Path(current_app.config["ATTACHMENTS_DIR"])


def attachment_path(sha256: str) -> Path:
    if not _SHA256.match(sha256):
        raise ValueError("not a SHA-256 hex digest")
    return _root() / sha256[:2] / sha256


def store_bytes(data: bytes) -> str:
    """Write `data` under its hash (once) and return the hash."""
    digest = hashlib.sha256(data).hexdigest()
    path = attachment_path(digest)
    if path.exists():
        return digest
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return digest


def clean_content_type(content_type: str) -> str:
    content_type = (content_type or "").strip().lower()
    return content_type if _CONTENT_TYPE.match(content_type) else "application/octet-stream"


def clean_filename(filename: str, content_type: str = "") -> str:
    """A name safe to show and to offer for download: no directories, no control or
    format characters, no leading dots, at most 200 characters (extension kept)."""
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(
        char for char in name if unicodedata.category(char)[0] != "C" and char not in '"<>:|?*'
    )
    name = " ".join(name.split()).lstrip(". ")
    if not name:
        name = "attachment" + (guess_extension(clean_content_type(content_type)) or "")
    if len(name) > MAX_FILENAME_CHARS:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: MAX_FILENAME_CHARS - len(extension) - 1] + "." + extension
        else:
            name = name[:MAX_FILENAME_CHARS]
    return name


def serving_type(attachment: Attachment) -> str:
    """The Content-Type to send: the stored one unless a browser could run it."""
    if attachment.kind == "original":
        return "message/rfc822"
    content_type = clean_content_type(attachment.content_type)
    return "application/octet-stream" if _ACTIVE_TYPES.match(content_type) else content_type


def attachments_store(
    files: Sequence[ParsedAttachment], raw: bytes
) -> tuple[list[Attachment], list[SkippedFile]]:
    """Store a message's files within the limits, and its raw original; returns unsaved
    `Attachment` rows (the intake service links them to the message) and what was left
    out."""
    config = current_app.config
    per_file = int(config["ATTACHMENT_MAX_BYTES"])
    budget = int(config["ATTACHMENTS_MAX_BYTES"])
    kept: list[Attachment] = []
    skipped: list[SkippedFile] = []
    for file in files:
        filename = clean_filename(file.filename, file.content_type)
        size = len(file.data)
        if size > per_file:
            skipped.append(SkippedFile(filename, size, "too_large"))
            continue
        if size > budget:
            skipped.append(SkippedFile(filename, size, "message_too_large"))
            continue
        budget -= size
        kept.append(
            Attachment(
                kind="file",
                filename=filename,
                content_type=clean_content_type(file.content_type),
                size=size,
                sha256=store_bytes(file.data),
            )
        )
    kept.append(
        Attachment(
            kind="original",
            filename=ORIGINAL_FILENAME,
            content_type="message/rfc822",
            size=len(raw),
            sha256=store_bytes(raw),
        )
    )
    return kept, skipped


def attachment_for_staff(*, number: int, attachment_id: int) -> Attachment | None:
    """Any attachment of ticket `number` (staff may open every one, originals included)."""
    return db.session.scalar(
        sa.select(Attachment)
        .join(Message, Message.id == Attachment.message_id)
        .join(Ticket, Ticket.id == Message.ticket_id)
        .where(Attachment.id == attachment_id, Ticket.number == number)
    )


def attachment_for_customer(*, ticket: Ticket, attachment_id: int) -> Attachment | None:
    """A file on a public message of the customer's own ticket (never a raw original, never
    anything on an internal note)."""
    return db.session.scalar(
        sa.select(Attachment)
        .join(Message, Message.id == Attachment.message_id)
        .where(
            Attachment.id == attachment_id,
            Attachment.kind == "file",
            Message.ticket_id == ticket.id,
            Message.internal.is_(False),
        )
    )


def attachments_by_message(message_ids: Sequence[int]) -> dict[int, list[Attachment]]:
    """The attachments of these messages in one query, keyed by message id."""
    found: dict[int, list[Attachment]] = {}
    if not message_ids:
        return found
    rows = db.session.scalars(
        sa.select(Attachment)
        .where(Attachment.message_id.in_(list(message_ids)))
        .order_by(Attachment.kind, Attachment.id)  # files first, then the original
    )
    for attachment in rows:
        found.setdefault(attachment.message_id, []).append(attachment)
    return found
