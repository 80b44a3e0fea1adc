"""Run a use case for a view: call the service, and when a rule refuses the request (the use
case has rolled back whatever it changed: `@use_case`), show a `ValidationError` beside its
field on the form and say which status to answer with. The view then renders its fragment
or page with `Outcome`.

Status codes (`domain_status`): ValidationError 422, Conflict 409, NotAllowed 403, any other
DomainError 409. A few views answer otherwise for historical reasons and pass their own
`status_for` (see "Web layer" in docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask_wtf import FlaskForm

from helpdesk.errors import Conflict, DomainError, NotAllowed, ValidationError
from helpdesk.forms import show_domain_error

T = TypeVar("T")

STATUS = {ValidationError: 422, Conflict: 409, NotAllowed: 403}


def domain_status(error: DomainError) -> int:
    for kind, status in STATUS.items():
        if isinstance(error, kind):
            return status
    return 409


@dataclass
class Outcome(Generic[T]):
    """What a use case did: its value, or the error that refused it and the status."""

    value: T | None = None
    error: DomainError | None = None
    status: int = 200

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def message(self) -> str | None:
        return None if self.error is None else self.error.message


def run_use_case(
    action: Callable[[], T],
    *,
    form: FlaskForm | None = None,
    fields: Mapping[str, str] | None = None,
    status_for: Callable[[DomainError], int] = domain_status,
    catch: type[DomainError] | tuple[type[DomainError], ...] = DomainError,
    every_error_on_form: bool = False,
) -> Outcome[T]:
    """Call `action`. On a domain error of a `catch` kind: put a ValidationError on `form`
    (its field renamed through `fields`, e.g. the service's `email` is the form's
    `customer_email`), and return the error with `status_for(error)`. Other errors raise.
    `every_error_on_form` puts
    any caught error on the form (at its top when it names no field), not only a
    ValidationError."""
    try:
        value = action()
    except catch as error:
        if form is not None and (every_error_on_form or isinstance(error, ValidationError)):
            field = getattr(error, "field", None)
            field = (fields or {}).get(field or "", field)
            show_domain_error(form, ValidationError(field, error.message))
        return Outcome(error=error, status=status_for(error))
    return Outcome(value=value)
