"""The rules the REST API's input models hold text to, as JSON Schema patterns the
OpenAPI document states and the models (or the services) check: refused control
characters, text that is more than whitespace, email addresses, ids, cursors. Each is
written so Python, Rust (pydantic's regex engine) and ECMAScript (JSON Schema's) read it
alike: no look-around, `\\xHH` and `\\uHHHH` escapes, other characters as themselves."""

from __future__ import annotations

from typing import Any

from email_validator import SPECIAL_USE_DOMAIN_NAMES
from pydantic.config import JsonDict

from helpdesk.forms import CONTROL_CHARACTERS, MAX_ID, strip_control

CONTROL_REFUSED = (
    "Remove the control characters (U+0000-U+001F but tab, line feed and carriage return; "
    "U+007F-U+009F)."
)
# A cursor: base64url without padding (what `next_cursor` gives).
CURSOR = r"^[A-Za-z0-9_-]*$"

_LABEL = "abcdefghijklmnopqrstuvwxyz0123456789-"


def _either_case(chars: str) -> str:
    return "[" + "".join(sorted({*chars, *chars.upper()})) + "]"


def _last_label_not(words: list[str]) -> str:
    """A regex (no look-around: Rust and ECMAScript alike) for a top-level label that starts
    with a letter or digit, ends with a letter and is none of `words` (any case): each way
    of leaving the words' trie."""
    options: list[str] = []

    def leave(prefix: str) -> None:
        following = {
            word[len(prefix)] for word in words if word.startswith(prefix) and word != prefix
        }
        if prefix and prefix not in words:
            options.append(prefix)
        # A label starts with a letter or digit.
        others = "".join(
            char for char in _LABEL if char not in following and (prefix or char != "-")
        )
        letters = "".join(char for char in others if char.isalpha())
        tail = f"{_either_case(others)}[-0-9A-Za-z]*[A-Za-z]"
        options.append(
            f"{prefix}(?:{_either_case(letters)}|{tail})"
            if prefix
            else tail + "|" + _either_case(letters)
        )
        for char in sorted(following):
            leave(prefix + char)

    leave("")
    return "|".join(options)


# An address the services take (`normalise_email`): the format, and a top-level domain
# that ends with a letter and is not a special-use name (.test, .local, .invalid...).
EMAIL: JsonDict = {
    "format": "email",
    "pattern": rf"^[^{CONTROL_CHARACTERS}]*\.(?:{_last_label_not(SPECIAL_USE_DOMAIN_NAMES)})$",
}


def _digits_at_most(limit: str) -> str:
    """A regex alternation for the strings of len(limit) ASCII digits that are <= limit."""
    options = [limit]
    for place, digit in enumerate(limit):
        if digit != "0":
            rest = len(limit) - place - 1
            options.append(f"{limit[:place]}[0-{int(digit) - 1}][0-9]{{{rest}}}")
    return "|".join(options)


# An id as `parse_id` reads it: up to 10 ASCII digits, at most MAX_ID.
ID_DIGITS = f"[0-9]{{1,{len(str(MAX_ID)) - 1}}}|{_digits_at_most(str(MAX_ID))}"


# What the In models refuse, as JSON Schema patterns (read alike by Python and ECMAScript).
# Whitespace is what Python's str.split() and strip() remove, less the control characters.
SPACES = r"\t\n\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NO_CONTROL = rf"^[^{CONTROL_CHARACTERS}]*$"
# Text that is more than whitespace (a subject, a message): the services trim it and
# refuse it when nothing is left.
VISIBLE = rf"^[^{CONTROL_CHARACTERS}]*[^{CONTROL_CHARACTERS}{SPACES}][^{CONTROL_CHARACTERS}]*$"


def refuse_control(value: Any) -> Any:
    """`value`, or a ValueError when a string in it holds a control character."""
    if _has_control(value):
        raise ValueError(CONTROL_REFUSED)
    return value


def _has_control(value: Any) -> bool:
    if isinstance(value, str):
        return strip_control(value) != value
    if isinstance(value, dict):
        return any(_has_control(key) or _has_control(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_control(item) for item in value)
    return False
