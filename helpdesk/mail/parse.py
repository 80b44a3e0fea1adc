"""Inbound MIME parsing: one raw RFC 822 message in, plain facts out (`ParsedEmail`).

Never raises on bad input. Headers are decoded from RFC 2047 words and tolerated as raw
8-bit (read as UTF-8); body parts are decoded by `decode_bytes` (valid UTF-8 first, then
the declared charset strictly, then charset-normalizer's guess, and only then with
replacement characters). An inline text part is the body even when it has a file name.
The text/plain part is preferred; HTML-only mail is turned into Markdown-ish text (links
kept only for http(s) and mailto, `<script>`, `<style>` and `<img>` dropped), so the
message body is rendered by the same Markdown + nh3 path as every other message. Quoted
history and signatures are trimmed by `parse_trim.py`; the caller keeps the raw original.
"""

from __future__ import annotations

import codecs
import email
import hashlib
import re
from dataclasses import dataclass, field
from email.header import Header, decode_header
from email.message import Message
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from typing import Any

import charset_normalizer

from helpdesk.mail.parse_html import html_to_text
from helpdesk.mail.parse_trim import trim_reply

MAX_REFERENCES = 50
MAX_MESSAGE_ID_CHARS = 255
_MESSAGE_ID = re.compile(r"<([^<>\s]{1,250})>")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
# Bidi embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI). Our own
# subjects put the ticket's subject between FSI and PDI (`helpdesk.bidi.isolate`), so a
# reply that does not thread would carry them into a new ticket's subject; a customer's own
# would reorder how the subject is drawn. Pages isolate subjects themselves (`<bdi>`).
_BIDI_CONTROLS = str.maketrans(
    dict.fromkeys("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)
# Reply and forward prefixes as mail programs write them in our four languages and the
# neighbours our customers' colleagues use (AW/WG German, SV Nordic, RIF Italian...).
_SUBJECT_PREFIX = re.compile(
    r"^\s*(?:(?:re|fw|fwd|aw|wg|sv|vs|antw|tr|rif|odp|res|enc|bls|trs|balas|"
    r"ตอบกลับ|ส่งต่อ|উত্তর)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+",
    re.IGNORECASE,
)
# Charsets mail programs send under names Python does not know.
_CHARSET_ALIASES = {
    "windows-874": "cp874",
    "x-windows-874": "cp874",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gbk",
    "x-gbk": "gbk",
    "utf8": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
}


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class DeliveryFailure:
    """One recipient a bounce says we could not reach."""

    email: str
    reason: str


@dataclass
class ParsedEmail:
    message_id: str
    from_name: str
    from_address: str
    subject: str
    text: str
    body: str
    references: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    language: str | None = None
    is_bounce: bool = False
    failures: list[DeliveryFailure] = field(default_factory=list)
    malformed: bool = False


def codec_for(charset: str | None) -> str:
    """A Python codec name for a MIME charset; UTF-8 when absent or unknown."""
    name = (charset or "").strip().strip('"').lower()
    name = _CHARSET_ALIASES.get(name, name)
    if not name:
        return "utf-8"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Text that is never garbled when it can be read: valid UTF-8 with non-ASCII bytes is
    UTF-8 whatever the label says (a part declared gb2312 holding UTF-8 would otherwise
    become "浣犲ソ"); else the declared charset, strictly; else, when some of it is valid
    UTF-8 (a few broken bytes in UTF-8 text), UTF-8 with replacement characters; else
    charset-normalizer's best guess; else the declared charset with replacements."""
    if not data.isascii():
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    codec = codec_for(charset)
    try:
        return data.decode(codec)
    except (LookupError, ValueError):  # undecodable as declared, or a codec that cannot
        pass
    # Legacy 8-bit text almost never holds a valid multi-byte UTF-8 sequence by chance.
    replaced = data.decode("utf-8", errors="replace")
    if any(ord(char) > 127 and char != "\ufffd" for char in replaced):
        return replaced
    guess = _guess_charset(data)
    if guess is not None:
        try:
            return data.decode(guess)
        except (LookupError, ValueError):
            pass
    try:
        return data.decode(codec, errors="replace")
    except (LookupError, ValueError):
        return data.decode("utf-8", errors="replace")


def _guess_charset(data: bytes) -> str | None:
    """charset-normalizer's guess; among the equally clean readings, Windows-1252 (what
    unlabelled 8-bit mail from Western clients almost always is: short texts read as well in
    Polish cp1250 or Farsi cp1006, and the tie-break would pick those)."""
    matches = list(charset_normalizer.from_bytes(data[:200_000]))
    if not matches:
        return None
    cleanest = min(match.chaos for match in matches)
    clean = [match for match in matches if match.chaos <= cleanest + 0.01]
    if any("cp1252" in match.could_be_from_charset for match in clean):
        return "cp1252"
    best = min(matches, key=lambda match: match.chaos)
    return best.encoding or None


# Files that are not MIME messages at all, by their first bytes: an Outlook .msg (OLE
# compound file), a zip, a PDF.
_NOT_MIME_MAGIC = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04", b"%PDF-")


def not_mime(raw: bytes) -> bool:
    """True when `raw` cannot be an email message: a known binary file format, or NUL
    bytes among its headers (RFC 5322 headers never hold them)."""
    if raw.startswith(_NOT_MIME_MAGIC):
        return True
    head = raw[:16_384].replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    return b"\x00" in head


def _header_text(value: Any) -> str:
    """A header's raw text: 8-bit bytes (the parser keeps them as surrogates, or as an
    `unknown-8bit` Header) read as UTF-8."""
    if value is None:
        return ""
    if isinstance(value, Header):
        parts = []
        for chunk, charset in decode_header(value):
            if isinstance(chunk, bytes):
                chunk = decode_bytes(chunk, None if charset == "unknown-8bit" else charset)
            parts.append(chunk)
        return "".join(parts)
    text = str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", errors="replace")
    return text


def decode_words(text: str) -> str:
    """RFC 2047 encoded words decoded (unknown charsets as UTF-8), control characters
    folded to spaces, whitespace collapsed."""
    try:
        parts = decode_header(text)
    except Exception:  # noqa: BLE001 - a broken encoded word: keep the text as it came
        parts = [(text, None)]
    decoded = "".join(
        decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk
        for chunk, charset in parts
    )
    return " ".join(_CONTROL.sub(" ", decoded).split())


def header(message: Message, name: str) -> str:
    return decode_words(_header_text(message.get(name)))


def _addresses(message: Message, *names: str) -> list[tuple[str, str]]:
    raw = [_header_text(value) for name in names for value in (message.get_all(name) or [])]
    pairs = []
    for name, address in getaddresses(raw):
        address = address.strip().lower()
        if "@" in address and len(address) <= 254 and not _CONTROL.search(address):
            pairs.append((decode_words(name), address))
    return pairs


def strip_subject_prefixes(subject: str) -> str:
    """ "Re: AW: Fwd: Order 42" → "Order 42", without bidi embedding, override and isolate
    characters ("Re: <FSI>Order<PDI> [#12]" → "Order [#12]"), spaces they leave collapsed."""
    return " ".join(_SUBJECT_PREFIX.sub("", subject.translate(_BIDI_CONTROLS)).split())


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _message_ids(value: str) -> list[str]:
    return _unique([f"<{found}>" for found in _MESSAGE_ID.findall(value)])[-MAX_REFERENCES:]


def _guess_language(message: Message, text: str) -> str | None:
    declared = header(message, "Content-Language").split(",")[0].strip().lower()[:2]
    if declared in ("en", "th", "id", "bn"):
        return declared
    if re.search(r"[\u0e00-\u0e7f]", text):
        return "th"
    if re.search(r"[\u0980-\u09ff]", text):
        return "bn"
    return None


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    return decode_bytes(payload, part.get_content_charset())


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or part.get_param("name") or ""
    except Exception:  # noqa: BLE001 - a malformed RFC 2231 parameter
        name = ""
    if isinstance(name, tuple):  # an RFC 2231 value the library left undecoded
        name = decode_bytes(str(name[2]).encode("latin-1", "replace"), name[0])
    return decode_words(_header_text(name))


def _failures(message: Message) -> list[DeliveryFailure]:
    """The failed recipients of a bounce: from a delivery-status report, else from the
    `X-Failed-Recipients` header that Exim and others add."""
    found: dict[str, str] = {}
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        for block in blocks if isinstance(blocks, list) else []:
            if not isinstance(block, Message):
                continue
            action = header(block, "Action").lower()
            recipient = header(block, "Final-Recipient") or header(block, "Original-Recipient")
            address = recipient.split(";", 1)[-1].strip().strip("<>").lower()
            if "@" in address and action in ("", "failed"):
                reason = header(block, "Diagnostic-Code") or header(block, "Status")
                found[address] = reason[:1000]
    for _name, address in _addresses(message, "X-Failed-Recipients"):
        found.setdefault(address, "")
    return [DeliveryFailure(email, reason) for email, reason in found.items()]


def _is_bounce(message: Message, from_address: str) -> bool:
    report = (
        message.get_content_type() == "multipart/report"
        and str(message.get_param("report-type") or "").lower() == "delivery-status"
    )
    # mailer-daemon only sends bounces; postmaster is also a person, who may write to us.
    local = from_address.partition("@")[0]
    return report or local == "mailer-daemon"


def _walk(message: Message) -> tuple[str, str, list[ParsedAttachment]]:
    """The first inline text/plain and text/html bodies and every attachment."""
    plain = html = ""
    attachments: list[ParsedAttachment] = []
    for part in message.walk():
        content_type = part.get_content_type()
        if part.is_multipart() or content_type == "message/delivery-status":
            continue
        disposition = part.get_content_disposition()
        filename = _filename(part)
        # An inline text part is the body even when it carries a file name (some clients
        # name it "message.txt"); only an explicit attachment is a file.
        if disposition != "attachment":
            if content_type == "text/plain" and not plain:
                plain = _part_text(part)
                continue
            if content_type == "text/html" and not html:
                html = _part_text(part)
                continue
        if disposition != "attachment" and not filename:
            if content_type.startswith("text/") or content_type == "message/rfc822":
                continue  # alternative bodies and forwarded headers: the original keeps them
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and payload:
            attachments.append(ParsedAttachment(filename, content_type, payload))
    return plain, html, attachments


def parse_email(raw: bytes) -> ParsedEmail:
    """Everything the helpdesk reads from one raw message; bad MIME yields what it can."""
    try:
        message = email.message_from_bytes(raw)
        malformed = bool(message.defects) or any(part.defects for part in message.walk())
        plain, html, attachments = _walk(message)
    except (Exception, RecursionError):  # noqa: BLE001 - MIME too broken (or too deeply
        # nested) to walk: keep the headers and read the whole body as text.
        message = BytesHeaderParser().parsebytes(raw)
        _head, _sep, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
        plain, html, attachments, malformed = decode_bytes(body, None), "", [], True
    # A message whose HTML is all quoted markup still has a body: its quoted text.
    text = plain.strip() or html_to_text(html) or html_to_text(html, keep_quotes=True)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    senders = _addresses(message, "From") or _addresses(message, "Sender", "Return-Path")
    from_name, from_address = senders[0] if senders else ("", "")
    ids = _message_ids(header(message, "Message-ID"))
    message_id = ids[0] if ids else f"<{hashlib.sha256(raw).hexdigest()}@inbound.invalid>"
    references = _message_ids(header(message, "References") + " " + header(message, "In-Reply-To"))
    recipients = _unique(
        [
            address
            for _name, address in _addresses(
                message, "To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To"
            )
        ]
    )
    bounce = _is_bounce(message, from_address)
    return ParsedEmail(
        message_id=message_id[:MAX_MESSAGE_ID_CHARS],
        from_name=from_name,
        from_address=from_address,
        subject=strip_subject_prefixes(header(message, "Subject")),
        text=text,
        body=trim_reply(text),
        references=[ref for ref in references if len(ref) <= MAX_MESSAGE_ID_CHARS],
        recipients=recipients,
        attachments=attachments,
        headers={
            name.lower(): header(message, name)
            for name in ("Auto-Submitted", "Precedence", "List-Id", "X-Autoreply", "Date")
            if message.get(name) is not None
        },
        language=_guess_language(message, text),
        is_bounce=bounce,
        failures=_failures(message) if bounce else [],
        malformed=malformed,
    )
