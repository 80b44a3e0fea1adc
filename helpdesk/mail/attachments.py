"""Files that come with inbound mail, and the raw original of each message.

Stored through the attachments feature's storage (`helpdesk/attachments/storage.py`: a
local directory or S3-compatible object storage) by content hash, so the same file mailed
twice is stored once. A row in `attachments` names it for one message. Files are written
before the intake use case runs; if it fails, they stay unreferenced (harmless: the same
bytes arriving again reuse them). They are deliberately not deleted on rollback as uploads
are: the usual failure here is the same message delivered twice at once, and the copy that
won refers to the very same objects.

Limits: each file at most ATTACHMENT_MAX_BYTES, all files of one message together at most
ATTACHMENTS_MAX_BYTES; a file over a limit is not kept and the message says so. Mail is not
refused over its attachments' types (the sender cannot be asked again): they are stored and
served safely as downloads. The raw original (`original.eml`) is always kept, for staff only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app

from helpdesk.attachments.files import clean_content_type, clean_filename
from helpdesk.attachments.storage import content_key, storage
from helpdesk.mail.parse import ParsedAttachment
from helpdesk.models import Attachment

ORIGINAL_FILENAME = "original.eml"


@dataclass(frozen=True)
class SkippedFile:
    """An attachment that was not kept, and why (`too_large` or `message_too_large`)."""

    filename: str
    size: int
    reason: str


def store_bytes(data: bytes) -> str:
    """Write `data` under its hash (once) and return the hash."""
    key = content_key(data)
    storage().put(key, data)
    return key


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
