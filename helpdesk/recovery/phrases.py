"""Suggested phrases: placeholders, their checks, and rendering for one customer.

A phrase may use `{customer_first_name}`, `{agent_first_name}`, `{product}`,
`{issue_summary}` and `{promise_time}`; `{{` and `}}` write a literal brace. A value that is
missing (a customer with no name) falls back to words that read naturally in the phrase's
language ("Hi there"), never "Hi None" or a raw placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask_babel import gettext as _

from helpdesk.errors import ValidationError

PLACEHOLDERS = (
    "customer_first_name",
    "agent_first_name",
    "product",
    "issue_summary",
    "promise_time",
)
MAX_PHRASE_CHARS = 1000
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")

FALLBACKS: dict[str, dict[str, str]] = {
    "en": {
        "customer_first_name": "there",
        "agent_first_name": "the support team",
        "product": "us",
        "issue_summary": "the problem you described",
        "promise_time": "tomorrow",
    },
    "th": {
        "customer_first_name": "ลูกค้า",
        "agent_first_name": "ทีมซัพพอร์ต",
        "product": "บริการของเรา",
        "issue_summary": "ปัญหาที่แจ้งมา",
        "promise_time": "พรุ่งนี้",
    },
    "id": {
        "customer_first_name": "Kak",
        "agent_first_name": "tim dukungan",
        "product": "layanan kami",
        "issue_summary": "masalah yang Anda sampaikan",
        "promise_time": "besok",
    },
    "bn": {
        "customer_first_name": "বন্ধু",
        "agent_first_name": "সাপোর্ট টিম",
        "product": "আমাদের সেবা",
        "issue_summary": "আপনার জানানো সমস্যা",
        "promise_time": "আগামীকাল",
    },
}


def check_phrase_text(text: str) -> str:
    """The phrase trimmed, or a ValidationError naming what is wrong with it."""
    text = (text or "").strip()
    if not text:
        raise ValidationError("text", _("Write the phrase."))
    if len(text) > MAX_PHRASE_CHARS:
        raise ValidationError(
            "text", _("Use at most %(count)d characters.", count=MAX_PHRASE_CHARS)
        )
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        name = match.group(1)
        if name is None:
            raise ValidationError(
                "text",
                _(
                    "A lone “%(brace)s”: write {{ or }} for a brace, or close the placeholder.",
                    brace=token,
                ),
            )
        if name not in PLACEHOLDERS:
            raise ValidationError(
                "text",
                _(
                    "Unknown placeholder {%(name)s}. Use one of: %(known)s.",
                    name=name[:40],
                    known=", ".join("{" + p + "}" for p in PLACEHOLDERS),
                ),
            )
    return text


def render_phrase(text: str, values: Mapping[str, str | None], language: str) -> str:
    """The phrase with placeholders filled in (plain text; the template escapes it)."""
    fallback = FALLBACKS.get(language, FALLBACKS["en"])

    def fill(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        name = match.group(1)
        if name is None or name not in PLACEHOLDERS:
            return token  # left as written; the library refuses these on save
        value = (values.get(name) or "").strip()
        return value or fallback[name]

    return _TOKEN.sub(fill, text)
