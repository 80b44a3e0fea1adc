"""The text rules of erasure: what replaces a customer's words, and how their name, email
and external id are taken out of text that is not theirs (a promise an agent wrote, an
audit entry, a digest) without touching the rest of it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

# What an erased subject, message, comment or summary reads afterwards (stored data, the
# same in every language, like a ticket number).
ERASED_TEXT = "[erased]"

# Keys of audit `changes` whose values are the customer's own words or details: replaced
# whole in the entries about the customer and their tickets. Other keys (status, score,
# channel, ids) keep their values, which the trends read.
PERSONAL_KEYS = frozenset(
    {
        "name",
        "email",
        "external_id",
        "subject",
        "body",
        "comment",
        "reason",
        "text",
        "problem_summary",
        "resolution",
    }
)

# Shorter values are not searched for inside other text: a two-letter name would take
# letters out of every sentence.
MIN_SECRET_CHARS = 3


def erased_email(customer_id: int) -> str:
    return f"erased-{customer_id}@invalid"


def erased_name(customer_id: int) -> str:
    return f"Erased customer #{customer_id}"


class Redactor:
    """Replaces each of `secrets` (anywhere, case-insensitive) and each of `words` (as a
    whole word only: a first name inside a longer word stays) with ERASED_TEXT."""

    def __init__(self, secrets: Iterable[str | None], words: Iterable[str] = ()) -> None:
        self.secrets = _longest_first(secrets)
        self.words = [word for word in _longest_first(words) if word not in self.secrets]
        parts = [re.escape(secret) for secret in self.secrets]
        parts += [rf"(?<!\w){re.escape(word)}(?!\w)" for word in self.words]
        self._pattern = re.compile("|".join(parts), re.IGNORECASE) if parts else None

    def text(self, value: str) -> str:
        if self._pattern is None or not value:
            return value
        return self._pattern.sub(ERASED_TEXT, value)

    def matches(self, value: object) -> bool:
        """Whether `value` is a text holding a secret."""
        return bool(self._pattern and isinstance(value, str) and self._pattern.search(value))

    def optional(self, value: str | None) -> str | None:
        return None if value is None else self.text(value)

    def json(self, value: Any, *, personal_keys: frozenset[str] = frozenset()) -> Any:
        """A JSON value with every string redacted, and strings under `personal_keys`
        (at any depth) replaced whole."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json(item, personal_keys=personal_keys) for item in value]
        if isinstance(value, dict):
            return {
                key: _erase_whole(item)
                if key in personal_keys
                else self.json(item, personal_keys=personal_keys)
                for key, item in value.items()
            }
        return value

    def like_patterns(self) -> list[str]:
        """LIKE patterns that find a secret (not the words) in a column, raw and as JSON
        writes it with ASCII escapes, LIKE's own wildcards escaped with '\\'."""
        patterns = set()
        for secret in self.secrets:
            for form in (secret, json.dumps(secret)[1:-1]):
                escaped = form.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                patterns.add(f"%{escaped}%")
        return sorted(patterns)


def _longest_first(values: Iterable[str | None]) -> list[str]:
    """The values worth searching for, longest first (an email before the name in it)."""
    wanted = {value.strip() for value in values if value and len(value.strip()) >= MIN_SECRET_CHARS}
    return sorted(wanted, key=lambda value: (-len(value), value))


def _erase_whole(value: Any) -> Any:
    """A personal value replaced: strings by ERASED_TEXT (lists and pairs item by item),
    numbers, booleans and None kept."""
    if isinstance(value, str):
        return ERASED_TEXT if value else value
    if isinstance(value, list):
        return [_erase_whole(item) for item in value]
    if isinstance(value, dict):
        return {key: _erase_whole(item) for key, item in value.items()}
    return value
