"""Trimming a reply to what the customer just wrote: quoted history and signatures go.

Quoted history starts at a mail program's attribution ("On Mon, 3 Mar … wrote:") or header
block ("From: … Sent: …"). `mail-parser-reply` recognises these in English and a dozen
European and East Asian languages; it knows no Thai, Indonesian or Bengali, so the
patterns for those (as Gmail, Outlook and Apple Mail write them) are here. The library's
own signature rules are not used: they cut everything after a line starting "Thanks," or
"- ", which eats real messages and lists. Instead a signature is what follows the
conventional "-- " line, and "Sent from my iPhone"-style lines at the end (in all four
languages) are dropped. When trimming would leave nothing (a forward, a bare quote), the
whole text is kept; the raw original is always stored beside the message anyway.
"""

from __future__ import annotations

import re

from mailparser_reply.constants import MAIL_LANGUAGES
from mailparser_reply.parser import EmailMessage

# "… wrote:" in the languages the library lacks: Gmail/Apple Mail Thai, Indonesian, Bengali.
_WROTE = re.compile(r"(?:เขียนว่า|menulis|লিখেছেন|wrote)\s*:?\s*$", re.IGNORECASE)
_WROTE_OPENER = re.compile(r"^(?:เมื่อ|วันที่|pada|on)\b|^[^\s,]{1,12},\s", re.IGNORECASE)
# Outlook's header block ("From:/Sent:/To:/Subject:") in Thai, Indonesian and Bengali.
_OUTLOOK_KEY = re.compile(
    r"^\*?(?:จาก|ส่ง|ถึง|เรื่อง|สำเนาถึง|วันที่|dari|dikirim|kepada|subjek|perihal|tanggal|"
    r"tembusan|cc|প্রেরক|পাঠানো হয়েছে|প্রাপক|বিষয়|তারিখ)\*?\s*:",
    re.IGNORECASE,
)
_SENT_FROM = re.compile(
    r"^(?:sent from my|sent from outlook|get outlook for|ส่งจาก|dikirim dari|"
    r".{0,40}থেকে পাঠানো)",
    re.IGNORECASE,
)
_SIGNATURE_DELIMITER = re.compile(r"^--\s*$")
_SEPARATOR = re.compile(r"^(?:[_=]{10,}|-{10,}|-+ ?original message ?-+)$", re.IGNORECASE)
_LIBRARY_LANGUAGES = sorted(MAIL_LANGUAGES)
# The library's patterns backtrack badly on long lines (minutes for one 60,000-character
# line), so it only ever sees lines cut to this length (attributions are far shorter),
# and only the start of a very long message is trimmed at all.
PROBE_LINE_CHARS = 300
MAX_TRIM_CHARS = 100_000


def _unquoted(line: str) -> str:
    return line.lstrip("> ").strip()


def _own_header_line(lines: list[str]) -> int | None:
    """The index of the first line that starts quoted history in th/id/bn (or an English
    attribution the library's stricter pattern missed)."""
    for index, line in enumerate(lines):
        text = _unquoted(line)
        if len(text) < 300 and _WROTE.search(text):
            # Gmail wraps a long attribution: "On Mon, … Name <x@y>" / "wrote:" on the next.
            previous = _unquoted(lines[index - 1]) if index else ""
            if index and not _WROTE_OPENER.search(text) and _WROTE_OPENER.search(previous):
                return index - 1
            if _WROTE_OPENER.search(text) or "@" in text or re.search(r"\d", text):
                return index
        if (
            _OUTLOOK_KEY.match(text)
            and index + 1 < len(lines)
            and _OUTLOOK_KEY.match(_unquoted(lines[index + 1]))
        ):
            return index
    return None


def _library_cut(lines: list[str]) -> list[str]:
    """`lines` up to the first attribution or header block the library recognises."""
    probe = [line.strip()[:PROBE_LINE_CHARS].strip() for line in lines]
    message = EmailMessage(text="\n".join(probe), languages=list(_LIBRARY_LANGUAGES))
    match = message.HEADER_REGEX.search(message.text)
    if match is None:
        return lines
    first = message.text[match.start() :].lstrip("\n").split("\n", 1)[0].strip()
    for index, line in enumerate(probe):
        if line == first:
            return lines[:index]
    return lines


def _drop_tail(lines: list[str]) -> list[str]:
    """Without the signature ("-- " and below), trailing quotes and "Sent from…" lines."""
    for index, line in enumerate(lines):
        if _SIGNATURE_DELIMITER.match(line) and index > 0:
            lines = lines[:index]
            break
    while lines and (
        not lines[-1].strip()
        or lines[-1].lstrip().startswith(">")
        or _SENT_FROM.match(lines[-1])
        or _SEPARATOR.match(lines[-1].strip())
    ):
        lines.pop()
    return lines


def trim_reply(text: str) -> str:
    """What the sender wrote above the quoted conversation, without their signature."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    rest = ""
    if len(text) > MAX_TRIM_CHARS:
        text, rest = text[:MAX_TRIM_CHARS], text[MAX_TRIM_CHARS:]
    lines = text.split("\n")
    cut = _own_header_line(lines)
    if cut is not None:
        lines = lines[:cut]
        rest = ""
    kept = _library_cut(lines)
    if len(kept) < len(lines):
        rest = ""
    trimmed = "\n".join(_drop_tail(kept)).strip()
    return (re.sub(r"\n{3,}", "\n\n", trimmed) + rest) or text
