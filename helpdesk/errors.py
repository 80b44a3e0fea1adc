"""Domain errors raised by services; views turn them into form errors or JSON errors."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: a rule of the domain refused the request."""

    code = "invalid"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    """A value broke a rule; `field` names the input it came from (None: the whole form)."""

    code = "validation_error"

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field


class NotAllowed(DomainError):
    """The actor may not do this."""

    code = "not_allowed"


class Conflict(DomainError):
    """The request clashes with the current state (a duplicate, a stale change); `field`
    names the input that clashes, when one does (shown beside it, like a ValidationError)."""

    code = "conflict"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
