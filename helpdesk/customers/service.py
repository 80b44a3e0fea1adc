"""Customer records kept in step with the host site: create or update a customer found by
email (or an alias of a merged record) or by the site's own external id, with plan, lifetime
value, VIP flag, language and time zone (`customer_upsert`, the REST API); and staff's
changes to one customer from the directory (`customer_update`, which may also set the
company). Each is a `@use_case` (one commit, or a rollback when it raises), audited as
`customer.create` / `customer.update`.

Keys: an external id names one customer for good; an email may move to another address
when the external id says whose it is. An email already held by a different customer
(another external id) is a conflict, never a silent merge or re-keying.
"""

from __future__ import annotations

import functools
from typing import Any
from zoneinfo import available_timezones

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from helpdesk.audit import audit
from helpdesk.auth.service import normalise_email
from helpdesk.clock import now
from helpdesk.customers.events import CustomerUpdated
from helpdesk.db.transaction import use_case
from helpdesk.errors import Conflict, NotAllowed, ValidationError
from helpdesk.events import publish
from helpdesk.extensions import db
from helpdesk.forms import strip_control
from helpdesk.models import Customer, CustomerAlias, User
from helpdesk.models.customer import MAX_LIFETIME_VALUE_CENTS
from helpdesk.tickets.customer_lookup import customer_by_email

MAX_NAME_CHARS = 120
MAX_EXTERNAL_ID_CHARS = 120
MAX_PLAN_CHARS = 60
MAX_COMPANY_CHARS = 120

# A field the caller did not send: the customer keeps what they have.
UNSET: Any = object()

# The fields an upsert (the REST API) may change besides the keys, in the order they are
# checked; staff may also set the company (`customer_update`).
FIELDS = ("name", "plan", "lifetime_value_cents", "vip", "language", "timezone")


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _text(value: object, field: str, limit: int) -> str:
    """A one-line text value: trimmed, inner whitespace collapsed, no control characters."""
    if not isinstance(value, str):
        raise ValidationError(field, _("Enter text."))
    if strip_control(value) != value:  # tabs and line breaks are whitespace, collapsed below
        raise ValidationError(field, _("Remove the control characters."))
    cleaned = " ".join(value.split())
    if len(cleaned) > limit:
        raise ValidationError(field, _("Use at most %(count)d characters.", count=limit))
    return cleaned


def clean_external_id(value: str) -> str:
    """The host site's id for a customer, as stored (trimmed, never empty)."""
    cleaned = _text(value, "external_id", MAX_EXTERNAL_ID_CHARS)
    if not cleaned:
        raise ValidationError("external_id", _("Give the external id, or leave it out."))
    return cleaned


def _clean_name(value: object) -> str:
    name = _text(value, "name", MAX_NAME_CHARS) if value is not None else ""
    if not name:
        raise ValidationError("name", _("Enter the customer's name."))
    return name


def _clean_plan(value: object) -> str | None:
    return (_text(value, "plan", MAX_PLAN_CHARS) or None) if value is not None else None


def _clean_company(value: object) -> str | None:
    return (_text(value, "company", MAX_COMPANY_CHARS) or None) if value is not None else None


def _clean_value(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError("lifetime_value_cents", _("Give a whole number of cents."))
    if not 0 <= value <= MAX_LIFETIME_VALUE_CENTS:
        raise ValidationError(
            "lifetime_value_cents",
            _("Use a number from 0 to %(most)d.", most=MAX_LIFETIME_VALUE_CENTS),
        )
    return value


def _clean_vip(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValidationError("vip", _("Use true or false."))
    return value


def _clean_language(value: object) -> str | None:
    if value is None:
        return None
    languages = current_app.config["LANGUAGES"]
    code = value.strip().lower() if isinstance(value, str) else ""
    if code not in languages:
        raise ValidationError(
            "language", _("Use one of: %(codes)s.", codes=", ".join(sorted(languages)))
        )
    return code


def _clean_timezone(value: object) -> str | None:
    if value is None:
        return None
    zone = value.strip() if isinstance(value, str) else ""
    if zone not in _zones():
        raise ValidationError("timezone", _("Use an IANA time zone name, such as Europe/Paris."))
    return zone


_CLEANERS = {
    "name": _clean_name,
    "company": _clean_company,
    "plan": _clean_plan,
    "lifetime_value_cents": _clean_value,
    "vip": _clean_vip,
    "language": _clean_language,
    "timezone": _clean_timezone,
}


@use_case
def customer_upsert(
    *,
    actor: User,
    email: str | None = None,
    external_id: str | None = None,
    name: str | None = UNSET,
    plan: str | None = UNSET,
    lifetime_value_cents: int = UNSET,
    vip: bool = UNSET,
    language: str | None = UNSET,
    timezone: str | None = UNSET,
) -> tuple[Customer, bool]:
    """Create or update the customer found by `external_id` (first) or `email`; returns the
    customer and whether it is new. Fields left UNSET keep their value (a new customer gets
    the defaults); a new customer needs an email and a name. An unchanged customer is not
    written or audited."""
    if not actor.can("agent"):
        raise NotAllowed(_("Only staff can change customers."))
    key_email = normalise_email(email) if email is not None else None
    key_external = clean_external_id(external_id) if external_id is not None else None
    if key_email is None and key_external is None:
        raise ValidationError("email", _("Give the customer's email or external id."))
    values = _cleaned(
        name=name,
        plan=plan,
        lifetime_value_cents=lifetime_value_cents,
        vip=vip,
        language=language,
        timezone=timezone,
    )
    try:
        customer, created = _apply(key_email, key_external, values, actor)
    except IntegrityError:
        # Another request created or re-keyed the same customer meanwhile: start again, so
        # the loser of the race becomes an update of the winner's row (or a conflict).
        db.session.rollback()
        try:
            customer, created = _apply(key_email, key_external, values, actor)
        except IntegrityError as exc:  # @use_case rolls back
            raise Conflict(_("This customer changed at the same time; try again.")) from exc
    return customer, created


@use_case
def customer_update(
    *,
    actor: User,
    customer: Customer,
    name: str | None = UNSET,
    company: str | None = UNSET,
    plan: str | None = UNSET,
    lifetime_value_cents: int = UNSET,
    vip: bool = UNSET,
    language: str | None = UNSET,
    timezone: str | None = UNSET,
) -> dict[str, list[object]]:
    """Staff change one customer's details (fields left UNSET keep their value); returns
    what changed, field by field ([before, after]), after auditing it."""
    if not actor.can("agent"):
        raise NotAllowed(_("Only staff can change customers."))
    values = _cleaned(
        name=name,
        company=company,
        plan=plan,
        lifetime_value_cents=lifetime_value_cents,
        vip=vip,
        language=language,
        timezone=timezone,
    )
    return customer_change(customer, values, actor)


def _cleaned(**given: Any) -> dict[str, Any]:
    """The fields given (not UNSET), each checked and normalised by its cleaner."""
    return {field: _CLEANERS[field](value) for field, value in given.items() if value is not UNSET}


def customer_change(
    customer: Customer, wanted: dict[str, Any], actor: User | str
) -> dict[str, list[object]]:
    """Set the fields that differ; flush, audit and publish `CustomerUpdated` when any did
    (a step of the caller's use case)."""
    changes: dict[str, list[object]] = {}
    for field, value in wanted.items():
        before = getattr(customer, field)
        if before != value:
            changes[field] = [before, value]
            setattr(customer, field, value)
    if changes:
        db.session.flush()
        audit(actor=actor, action="customer.update", obj=customer, changes=changes)
        publish(CustomerUpdated(customer=customer, changes=changes, actor=actor))
    return changes


def _find(email: str | None, external_id: str | None) -> Customer | None:
    by_external = (
        db.session.scalar(sa.select(Customer).where(Customer.external_id == external_id))
        if external_id is not None
        else None
    )
    by_email = customer_by_email(email) if email is not None else None
    if by_external is not None and by_email is not None and by_external is not by_email:
        raise Conflict(_("That email belongs to another customer than the external id's."))
    if (
        by_external is None
        and by_email is not None
        and external_id is not None
        and by_email.external_id not in (None, external_id)
    ):
        raise Conflict(_("That email belongs to a customer with another external id."))
    return by_external or by_email


def _is_alias_of(customer: Customer, email: str) -> bool:
    return (
        db.session.scalar(
            sa.select(CustomerAlias.id).where(
                CustomerAlias.email == email, CustomerAlias.customer_id == customer.id
            )
        )
        is not None
    )


def _apply(
    email: str | None, external_id: str | None, values: dict[str, Any], actor: User
) -> tuple[Customer, bool]:
    """Find, then create or change, the customer in the session (flushed, audited)."""
    customer = _find(email, external_id)
    if customer is None:
        # Well-formed requests that only fail because no such customer exists yet: a 409.
        if email is None:
            raise Conflict(_("A new customer needs an email address."), field="email")
        if "name" not in values:
            raise Conflict(_("Enter the customer's name."), field="name")
        customer = Customer(email=email, external_id=external_id, created_at=now(), **values)
        db.session.add(customer)
        db.session.flush()
        recorded = {"email": email, "external_id": external_id, **values}
        audit(actor=actor, action="customer.create", obj=customer, changes=recorded)
        return customer, True
    wanted = dict(values)
    # An address that is one of the customer's aliases (a merged record's) stays an alias.
    if email is not None and email != customer.email and not _is_alias_of(customer, email):
        wanted["email"] = email
    if external_id is not None:
        wanted["external_id"] = external_id
    customer_change(customer, wanted, actor)
    return customer, False
