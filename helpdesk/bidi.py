"""Text that is not ours, shown safely: names, subjects and messages may be in any script,
and may hold right-to-left or override characters (U+202E ...) that would otherwise run
into the words around them ("Reply sent to [U+202E]moc.evil" spoofing what follows).

In HTML the text goes in `<bdi>` (or an element with `dir="auto"`): its direction is
worked out on its own and nothing inside leaks out. `with_names` builds a translated
sentence whose placeholders are isolated that way (for flash messages and emails).
"""

from __future__ import annotations

from markupsafe import Markup, escape


def bdi(value: object) -> Markup:
    """`value`, escaped, in a `<bdi>` element."""
    return Markup("<bdi>%s</bdi>") % ("" if value is None else str(value))


def with_names(message: str, **names: object) -> Markup:
    """A translated `message` ("Reply sent to %(name)s.") with each value escaped and
    isolated in `<bdi>`; the message itself is escaped too."""
    return escape(message) % {key: bdi(value) for key, value in names.items()}
