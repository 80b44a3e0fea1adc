"""Names and types of stored files: what is safe to show, to offer for download, and to
send as a Content-Type. Shared by every channel (inbound mail, uploads, the API)."""

from __future__ import annotations

import re
import unicodedata
from mimetypes import guess_extension

from helpdesk.models import Attachment

MAX_FILENAME_CHARS = 200
_CONTENT_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,60}/[a-z0-9][a-z0-9!#$&^_.+-]{0,60}$")
# Types a browser would render or run; served as opaque bytes whatever the sender claimed.
_ACTIVE_TYPES = re.compile(
    r"^(?:text/html|application/xhtml\+xml|image/svg\+xml|text/xml|application/xml|"
    r"text/javascript|application/javascript|application/x-javascript|text/xsl|"
    r"application/x-shockwave-flash)$"
)
# Images a preview is made of (re-encoded by Pillow; never SVG, which is a document).
PREVIEWABLE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


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


def previewable(attachment: Attachment) -> bool:
    """Whether staff see a re-encoded thumbnail of this file."""
    return attachment.kind == "file" and attachment.content_type in PREVIEWABLE_TYPES
