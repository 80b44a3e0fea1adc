"""The HEARD panel's phrases as recovery sees them: checked and filled by the saved
replies' rules (one library, one set of placeholders; see
`helpdesk.saved_replies.placeholders`), with the phrase library's own length limit and
field name.

A missing value (a customer with no name) falls back to words that read naturally in the
phrase's language ("Hi there"), never "Hi None" or a raw placeholder.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _

from helpdesk.errors import ValidationError
from helpdesk.saved_replies.placeholders import (
    FALLBACKS,
    PLACEHOLDERS,
    check_placeholders,
    fill_placeholders,
)

__all__ = ["FALLBACKS", "MAX_PHRASE_CHARS", "PLACEHOLDERS", "check_phrase_text", "render_phrase"]

MAX_PHRASE_CHARS = 1000


def check_phrase_text(text: str) -> str:
    """The phrase trimmed, or a ValidationError naming what is wrong with it."""
    text = (text or "").strip()
    if not text:
        raise ValidationError("text", _("Write the phrase."))
    if len(text) > MAX_PHRASE_CHARS:
        raise ValidationError(
            "text", _("Use at most %(count)d characters.", count=MAX_PHRASE_CHARS)
        )
    check_placeholders(text, field="text")
    return text


def render_phrase(
    text: str,
    values: Mapping[str, str | None],
    language: str,
    register: str | None = None,
    *,
    keep: frozenset[str] = frozenset(),
) -> str:
    """The phrase with placeholders filled in (plain text; the template escapes it)."""
    return fill_placeholders(text, values, language, register, keep=keep)
