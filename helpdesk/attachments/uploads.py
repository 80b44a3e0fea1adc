"""Files people upload (agents on the ticket page, customers in the widget and on `/c/…`,
the REST API): checked as a whole message before anything is stored.

Every problem names the file and the limit, in the reader's language: a file over
ATTACHMENT_MAX_BYTES, all files together over ATTACHMENTS_MAX_BYTES, more than
ATTACHMENTS_MAX_FILES files, an empty file, or a type outside the allow-list. The type is
decided by the extension AND the first bytes (a `.png` must start like a PNG), and the
stored Content-Type comes from that decision, never from what the browser claimed, so an
HTML page renamed `.png` is refused rather than stored.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import charset_normalizer
from flask import current_app, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from helpdesk.attachments.files import clean_filename
from helpdesk.errors import ValidationError
from helpdesk.format_filters import decimalformat


def _png(data: bytes) -> bool:
    return data.startswith(b"\x89PNG\r\n\x1a\n")


def _jpeg(data: bytes) -> bool:
    return data.startswith(b"\xff\xd8\xff")


def _gif(data: bytes) -> bool:
    return data.startswith((b"GIF87a", b"GIF89a"))


def _webp(data: bytes) -> bool:
    return data[:4] == b"RIFF" and data[8:12] == b"WEBP"


def _pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF-")


def _zip(data: bytes) -> bool:
    return data.startswith((b"PK\x03\x04", b"PK\x05\x06"))


def _ole(data: bytes) -> bool:  # Word 97-2003, Excel 97-2003, PowerPoint 97-2003
    return data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


_TEXT_SAMPLE = 64 * 1024
_UNICODE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decoded_text(sample: bytes) -> str | None:
    """`sample` as text, or None when it is not text. UTF-8 first; UTF-16/32 with a byte
    order mark (Excel's "Unicode text"); otherwise a legacy encoding charset_normalizer
    finds plausible (a cp1252 CSV from Excel, a Big5 or cp1251 log): customers attach
    what their programs write, and the file is only ever downloaded, never shown."""
    for bom, encoding in _UNICODE_BOMS:
        if sample.startswith(bom):
            decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
            try:
                return decoder.decode(sample, final=False)
            except UnicodeDecodeError:
                return None
    if b"\x00" in sample:
        return None
    try:
        return codecs.getincrementaldecoder("utf-8-sig")().decode(sample, final=False)
    except UnicodeDecodeError:
        best = charset_normalizer.from_bytes(sample).best()
        return None if best is None else str(best)


def _mostly_unreadable(text: str) -> bool:
    """Binary that happened to decode (bytes that begin like a UTF-16 byte order mark):
    control characters other than whitespace, private-use or unassigned code points in
    more than 2% of the sample."""
    odd = sum(
        1
        for char in text
        if unicodedata.category(char) in ("Cc", "Co", "Cn") and char not in "\t\n\r\f\v"
    )
    return odd > len(text) * 0.02


def _text(data: bytes) -> bool:
    """Plain text in any encoding (see `_decoded_text`), with no markup a browser would
    run at its start."""
    text = _decoded_text(data[:_TEXT_SAMPLE])
    if text is None or _mostly_unreadable(text):
        return False
    head = text[:512].lstrip().lower()
    return not head.startswith(("<!doctype", "<html", "<svg", "<?xml", "<script"))


# extension → (stored Content-Type, check of the first bytes)
ALLOWED: dict[str, tuple[str, Callable[[bytes], bool]]] = {
    "png": ("image/png", _png),
    "jpg": ("image/jpeg", _jpeg),
    "jpeg": ("image/jpeg", _jpeg),
    "gif": ("image/gif", _gif),
    "webp": ("image/webp", _webp),
    "pdf": ("application/pdf", _pdf),
    "txt": ("text/plain", _text),
    "log": ("text/plain", _text),
    "csv": ("text/csv", _text),
    "zip": ("application/zip", _zip),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _zip),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _zip),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _zip),
    "odt": ("application/vnd.oasis.opendocument.text", _zip),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", _zip),
    "odp": ("application/vnd.oasis.opendocument.presentation", _zip),
    "doc": ("application/msword", _ole),
    "xls": ("application/vnd.ms-excel", _ole),
    "ppt": ("application/vnd.ms-powerpoint", _ole),
}
# For people: what may be attached (shown beside the file picker).
ALLOWED_HINT = _l("Images (PNG, JPEG, GIF, WebP), PDF, text and CSV, office documents, ZIP.")
# For the browser's file picker (`accept=`) and the client-side check.
ACCEPT = ",".join(f".{extension}" for extension in ALLOWED)


def filesize(size: int) -> str:
    """A size as people read it, in binary units named the usual way ("10 MB" is the
    10 × 1024 × 1024 of the settings), with the reader's digits."""
    if size >= 1024 * 1024:
        return _("%(number)s MB", number=decimalformat(round(size / (1024 * 1024), 1)))
    if size >= 1024:
        return _("%(number)s KB", number=decimalformat(round(size / 1024, 1)))
    return _("%(number)s bytes", number=decimalformat(size))


@dataclass(frozen=True)
class Upload:
    """One checked file, not yet stored."""

    filename: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


def limits() -> dict[str, int]:
    """The limits in force (the client-side check gets the same numbers)."""
    config = current_app.config
    return {
        "max_file_bytes": int(config["ATTACHMENT_MAX_BYTES"]),
        "max_total_bytes": int(config["ATTACHMENTS_MAX_BYTES"]),
        "max_files": int(config["ATTACHMENTS_MAX_FILES"]),
    }


def check_upload(filename: str, data: bytes, field: str = "attachments") -> Upload:
    """One file's type and size; raises ValidationError naming the file."""
    name = clean_filename(filename)
    per_file = limits()["max_file_bytes"]
    if not data:
        raise ValidationError(field, _("%(name)s is empty.", name=name))
    if len(data) > per_file:
        raise ValidationError(
            field,
            _(
                "%(name)s is %(size)s; each file may be at most %(limit)s.",
                name=name,
                size=filesize(len(data)),
                limit=filesize(per_file),
            ),
        )
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    allowed = ALLOWED.get(extension)
    if allowed is None:
        raise ValidationError(
            field,
            _(
                "%(name)s is not a type we accept. Allowed: %(allowed)s",
                name=name,
                allowed=ALLOWED_HINT,
            ),
        )
    content_type, looks_right = allowed
    if not looks_right(data):
        raise ValidationError(
            field,
            _(
                "%(name)s does not look like a %(extension)s file; its content does not "
                "match its name.",
                name=name,
                extension=extension.upper(),
            ),
        )
    return Upload(filename=name, content_type=content_type, data=data)


def check_uploads(files: Iterable[tuple[str, bytes]], field: str = "attachments") -> list[Upload]:
    """A whole message's files (name, bytes), each and together; nothing is stored here."""
    files = [(name, data) for name, data in files if name or data]
    limit = limits()
    if len(files) > limit["max_files"]:
        raise ValidationError(
            field,
            _(
                "%(count)d files were attached; a message may carry at most %(limit)d.",
                count=len(files),
                limit=limit["max_files"],
            ),
        )
    checked = [check_upload(name, data, field) for name, data in files]
    total = sum(upload.size for upload in checked)
    if total > limit["max_total_bytes"]:
        raise ValidationError(
            field,
            _(
                "The files come to %(size)s together; one message may carry at most %(limit)s.",
                size=filesize(total),
                limit=filesize(limit["max_total_bytes"]),
            ),
        )
    return checked


def uploads_from_request(files: Any, name: str = "attachments") -> list[Upload]:
    """The files of a multipart request's field `name` (a werkzeug MultiDict), checked.
    Each is read from its start: a validator may have iterated it already."""
    return check_uploads(((file.filename or "", _read(file)) for file in files.getlist(name)), name)


def _read(file: Any) -> bytes:
    if file.stream.seekable():
        file.stream.seek(0)
    data: bytes = file.read()
    return data


def files_not_sent(form: Any, field: str = "attachments") -> None:
    """After a refused send: a browser cannot keep chosen files across a page, so say
    under the file field that they were not sent (the typed text is kept)."""
    if not request.files.getlist(field) or not any(
        f.filename for f in request.files.getlist(field)
    ):
        return
    errors = list(form[field].errors)
    errors.append(_("Nothing was sent, so the files were not saved either: choose them again."))
    form[field].errors = errors
