"""Trimming a reply to what the customer just wrote, without ever losing their words.

A reply is read line by line. Quoted history is:

- lines quoted with ">" (anywhere: a reply above, below or between quotes keeps every
  unquoted line), with the attribution that introduces them ("On Mon, 3 Mar … wrote:", in
  any language: a line, or two or three wrapped lines, ending in ":" that names an
  address in angle brackets and a date or time, or that uses a "wrote" verb);
- everything after an attribution that is not followed by ">" lines (mobile clients
  quote without markers), after a header block ("From: … Sent: … To: …" in a dozen
  languages, Outlook's included), after an "Original Message"-style separator, and after
  a device signature ("Sent from my iPhone", "Gesendet von Outlook für Android").

A forward ("---------- Forwarded message ---------", "Begin forwarded message:") is kept
whole: the forwarded text is what the customer sends us. A signature goes only when it is
one: what follows a "-- " line, or a short device line; "Sent from my desk, is much
easier than my phone." is a sentence and stays. When trimming would leave nothing (a bare
quote), the whole text is kept; the raw original is stored beside the message anyway.

Measured on other projects' fixtures and our own corpus: docs/architecture.md ("Inbound
email"), `bench/mail/evaluate_trim.py`.
"""

from __future__ import annotations

import re

MAX_TRIM_CHARS = 100_000
MAX_ATTRIBUTION_CHARS = 400

_QUOTED = re.compile(r"^\s*>")
_WROTE = re.compile(
    r"(?:wrote|schrieb|a écrit|a ecrit|escribió|escribio|ha scritto|schreef|skrev|"
    r"napisał|napisala|napisała|написал|написала|kirjoitti|escreveu|yazdı|đã viết|"
    r"เขียนว่า|menulis|লিখেছেন|写道|寫道|작성|napsal|írta|scrie|έγραψε)\s*:?\s*$",
    re.IGNORECASE,
)
_ANGLE_ADDRESS = re.compile(
    r"<\s*[^<>\s]+@[^<>\s]+\s*>|\[mailto:[^\]]+\]|\(\s*[^()\s]+@[^()\s]+\s*\)"
)
# Gmail wraps a long attribution just before its closing ">:" (… <x@example.com / >:).
# How attributions open in the common clients: "On …", "Le …", "Am …", "Pada …".
_OPENER = re.compile(
    r"^(?:on|le|el|am|il|op|em|den|på|w dniu|dne|pada|tanggal|เมื่อ|วันที่)\b", re.IGNORECASE
)
_CLOSING = re.compile(r"^>\s*:\s*$")
_SENTENCE_END = re.compile(r"[.!?]\s*$")
_ADDRESS = re.compile(r"\S+@\S+\.\w+")
_DATE_OR_TIME = re.compile(r"\d{1,2}[:.]\d{2}|\d{4}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")
_FROM_KEYS = (
    "from|de|von|van|fra|från|od|от|da|dari|จาก|প্রেরক|lähettäjä|kimden|afzender|"
    "remitente|mittente|发件人|寄件者|差出人|보낸 사람|message du"
)
_OTHER_KEYS = (
    "sent|date|to|subject|cc|envoyé|envoyé le|à|a|objet|sujet|copie à|gesendet|an|betreff|"
    "datum|verzonden|aan|onderwerp|sendt|til|emne|skickat|till|ämne|wysłano|do|temat|"
    "отправлено|кому|тема|дата|inviato|oggetto|data|enviado|para|asunto|fecha|dikirim|"
    "kepada|perihal|subjek|tanggal|tembusan|ส่ง|ถึง|เรื่อง|วันที่|สำเนาถึง|পাঠানো হয়েছে|"
    "প্রাপক|বিষয়|তারিখ|lähetetty|vastaanottaja|aihe|gönderildi|kime|konu|发送时间|"
    "收件人|主题|日期|送信日時|宛先|件名"
)
_FROM_LINE = re.compile(rf"^\*?(?:{_FROM_KEYS})\*?\s*:", re.IGNORECASE)
_HEADER_LINE = re.compile(rf"^\*?(?:{_FROM_KEYS}|{_OTHER_KEYS})\*?\s*:", re.IGNORECASE)
_FORWARD = re.compile(
    r"^(?:-{2,}\s*(?:forwarded message|original message follows|message transféré|"
    r"weitergeleitete nachricht|doorgestuurd bericht|mensaje reenviado|messaggio inoltrato|"
    r"videresendt meddelelse|vidarebefordrat meddelande|przekazana wiadomość|"
    r"пересылаемое сообщение|ข้อความที่ส่งต่อ|pesan yang diteruskan|ফরওয়ার্ড করা বার্তা)"
    r"\s*-{2,}|begin forwarded message:|début du message réexpédié :)\s*$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"^(?:-{2,}\s*[^-\s][^-]{2,60}?\s*-{2,}|-{10,}|_{10,}|={3,}|\*{10,})\s*$")
# Separators that always start the quoted original, whatever follows them.
_ORIGINAL = re.compile(
    r"^-{2,}\s*(?:original message|reply message|ursprüngliche nachricht|oprindelig besked|"
    r"opprinnelig melding|ursprungligt meddelande|message d'origine|mensaje original|"
    r"messaggio originale|oorspronkelijk bericht|mensagem original|alkuperäinen viesti|"
    r"původní zpráva|oryginalna wiadomość|исходное сообщение|ข้อความต้นฉบับ|pesan asli|"
    r"মূল বার্তা)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_URL = re.compile(r"<https?://[^>]*>|https?://\S+")
_DEVICE = re.compile(
    r"^(?:sent from|sent via|get outlook for|envoyé (?:de|depuis|à partir de)|"
    r"gesendet (?:von|vom|mit)|enviado (?:desde|de)|inviato da|verzonden (?:vanaf|met)|"
    r"wysłane z|отправлено с|ส่งจาก|dikirim dari|.{0,30}থেকে পাঠানো)"
    r"[^.,;!?]{0,60}$",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^--\s*$")


def _text(line: str) -> str:
    return line.strip().strip("*").strip()


def _attribution_at(lines: list[str], index: int) -> int:
    """How many lines (1-3) starting at `index` form an attribution; 0 when none. A wrapped
    attribution starts with a date (a digit) and its first line ends no sentence, so a
    customer's paragraph just above an attribution is never taken for part of it."""
    first = _text(lines[index])
    if not first or _QUOTED.match(lines[index]):
        return 0
    for span in (1, 2, 3):
        if index + span > len(lines):
            break
        block = lines[index : index + span]
        if span > 1 and (not re.search(r"\d", first) or _SENTENCE_END.search(first)):
            break
        if any(_QUOTED.match(line) and not _CLOSING.match(line.strip()) for line in block):
            break
        joined = " ".join(_text(line) for line in block).replace("< ", "<").replace(" >", ">")
        if len(joined) > MAX_ATTRIBUTION_CHARS:
            break
        dated = _DATE_OR_TIME.search(joined)
        named = _ANGLE_ADDRESS.search(joined) or (_ADDRESS.search(joined) and dated)
        # "On … <x@y> wrote" (colon or not), or "<date>, <name> <x@y>:" without a verb.
        if _WROTE.search(joined) and (named or dated or _OPENER.match(joined)):
            return span
        if joined.endswith(":") and _ANGLE_ADDRESS.search(joined) and dated:
            return span
    return 0


def _header_block_at(lines: list[str], index: int) -> bool:
    """A "From: … / Sent: … / To: …" block starts here (a wrapped From line allowed)."""
    if not _FROM_LINE.match(_text(lines[index])):
        return False
    following = [_text(line) for line in lines[index + 1 : index + 4]]
    return sum(1 for line in following if _HEADER_LINE.match(line)) >= 1


def _next_content(lines: list[str], index: int) -> int:
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index


def _kept_lines(lines: list[str]) -> list[str]:
    """The customer's lines, quoted history and signatures left out."""
    kept: list[str] = []
    in_signature = False
    index = 0
    while index < len(lines):
        line = lines[index]
        text = _text(line)
        if _FORWARD.match(text):
            return kept + lines[index:]  # a forward is kept whole
        if _QUOTED.match(line):
            in_signature = False
            index += 1
            continue
        span = _attribution_at(lines, index)
        if span:
            after = _next_content(lines, index + span)
            if after < len(lines) and _QUOTED.match(lines[after]):
                index = after  # a ">" block follows: drop it, keep reading below it
                in_signature = False
                continue
            break  # unmarked history follows (mobile clients): the rest is history
        if _ORIGINAL.match(text) or _header_block_at(lines, index):
            break
        if _SEPARATOR.match(text) and _next_is_history(lines, index + 1):
            break
        device = _URL.sub("", text).strip()
        if device and _DEVICE.match(device) and len(device) <= 80:
            break  # the device's signature ends what the customer wrote
        if kept and _continues_quote(lines, index):
            index += 1  # a quoted line the sender's client wrapped without its ">"
            continue
        if _SIGNATURE.match(line) and kept:
            in_signature = True
        if not in_signature:
            kept.append(line)
        index += 1
    return kept


def _continues_quote(lines: list[str], index: int) -> bool:
    """The line right under a long quoted line, in lower case: the rest of that line."""
    previous = lines[index - 1] if index else ""
    text = lines[index].strip()
    return bool(
        _QUOTED.match(previous)
        and len(previous.strip()) >= 60
        and text[:1].islower()
        and len(text) < 60
    )


def _next_is_history(lines: list[str], index: int) -> bool:
    """After a separator: a header block, an attribution or quoted lines (a separator the
    customer typed to divide their own text is kept)."""
    after = _next_content(lines, index)
    if after >= len(lines):
        return True
    return bool(
        _QUOTED.match(lines[after])
        or _HEADER_LINE.match(_text(lines[after]))
        or _attribution_at(lines, after)
    )


def trim_reply(text: str) -> str:
    """What the sender wrote, without quoted history and signatures."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    rest = ""
    if len(text) > MAX_TRIM_CHARS:
        text, rest = text[:MAX_TRIM_CHARS], text[MAX_TRIM_CHARS:]
    lines = text.split("\n")
    kept = _kept_lines(lines)
    if len(kept) < len(lines):
        rest = ""
    trimmed = "\n".join(line.rstrip() for line in kept).strip()
    return (re.sub(r"\n{3,}", "\n\n", trimmed) + rest) or text
