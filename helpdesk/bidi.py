"""Text that is not ours, shown safely: names, subjects and messages may be in any script,
and may hold right-to-left or override characters (U+202E ...) that would otherwise run
into the words around them ("Reply sent to [U+202E]moc.evil" spoofing what follows).

In HTML the text goes in `<bdi>` (or an element with `dir="auto"`): its direction is
worked out on its own and nothing inside leaks out. `with_names` builds a translated
sentence whose placeholders are isolated that way (for flash messages and emails).

Where there is no markup (plain-text email parts, email subjects) `isolate` does the same
with Unicode's own isolates: FIRST STRONG ISOLATE (U+2068) before the text and POP
DIRECTIONAL ISOLATE (U+2069) after it. The closing PDI also ends any embedding or override
opened inside (UAX #9, X6a), so an unbalanced U+202E stops there.
"""

from __future__ import annotations

from markupsafe import Markup, escape

FSI = "\u2068"  # FIRST STRONG ISOLATE
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE
_ISOLATE_OPENERS = frozenset("\u2066\u2067\u2068")  # LRI, RLI, FSI
# Characters that end a bidi paragraph (and with it every isolate): inside one value they
# would let the rest of it out, so they become spaces.
_PARAGRAPH_BREAKS = str.maketrans(dict.fromkeys("\n\r\x1c\x1d\x1e\x85\u2029", " "))


def bdi(value: object) -> Markup:
    """`value`, escaped, in a `<bdi>` element."""
    return Markup("<bdi>%s</bdi>") % ("" if value is None else str(value))


def with_names(message: str, **names: object) -> Markup:
    """A translated `message` ("Reply sent to %(name)s.") with each value escaped and
    isolated in `<bdi>`; the message itself is escaped too."""
    return escape(message) % {key: bdi(value) for key, value in names.items()}


def isolate(value: object) -> str:
    """`value` as plain text between FSI and PDI (empty stays empty). A PDI in the value
    with no isolate of its own to close is dropped (it would close ours early) and isolates
    it leaves open are closed, so exactly our PDI ends the value."""
    text = ("" if value is None else str(value)).translate(_PARAGRAPH_BREAKS)
    if not text:
        return ""
    kept: list[str] = []
    depth = 0
    for char in text:
        if char in _ISOLATE_OPENERS:
            depth += 1
        elif char == PDI:
            if depth == 0:
                continue
            depth -= 1
        kept.append(char)
    return FSI + "".join(kept) + PDI * depth + PDI
