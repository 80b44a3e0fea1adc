"""`/api/v1/customers`: list (by email or external id, cursor), read with recent tickets,
and create-or-update keyed by email or external id (helpdesk.customers.service)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Literal
from zoneinfo import available_timezones

import sqlalchemy as sa
from flask import Response, abort, jsonify, url_for
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import (
    BaseModel,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
)

from helpdesk.api.blueprint import api_blueprint
from helpdesk.api.pagination import PageQuery, paginate
from helpdesk.api.schemas import In, Out, TicketOut
from helpdesk.api.spec import responses, spec
from helpdesk.api.text_rules import EMAIL, VISIBLE
from helpdesk.auth.access import require_role
from helpdesk.auth.service import LANGUAGES, normalise_email
from helpdesk.customers import service
from helpdesk.customers.queries import customer_by_id, customer_recent_tickets
from helpdesk.customers.service import UNSET, customer_upsert
from helpdesk.models import Customer
from helpdesk.models.customer import MAX_LIFETIME_VALUE_CENTS
from helpdesk.web.converters import api_id

bp = api_blueprint("api_customers", __name__)
bp.before_request(require_role("agent"))

TAG = "Customers"
RECENT_TICKETS = 20


class CustomerOut(Out):
    id: int
    email: str
    name: str
    external_id: str | None = Field(description="The host site's own id for the customer.")
    plan: str | None
    lifetime_value_cents: int = Field(description="What the customer has paid, in cents.")
    vip: bool
    language: str | None
    timezone: str | None = Field(description="An IANA time zone name.")
    last_seen_at: datetime | None
    created_at: datetime


class CustomerDetail(CustomerOut):
    recent_tickets: list[TicketOut] = Field(
        description=f"The customer's newest tickets, at most {RECENT_TICKETS}."
    )


class CustomerPage(BaseModel):
    items: list[CustomerOut]
    next_cursor: str | None = Field(
        description="Pass as `after` for the next page; null on the last page."
    )


class CustomerQuery(PageQuery):
    email: str | None = Field(default=None, max_length=254, json_schema_extra=EMAIL)
    external_id: str | None = Field(
        default=None, max_length=service.MAX_EXTERNAL_ID_CHARS, pattern=VISIBLE
    )


# The languages and time zones a customer may have, listed in the document.
Language = Literal[LANGUAGES]  # type: ignore[valid-type]
TimeZone = Literal[tuple(sorted(available_timezones()))]  # type: ignore[valid-type]


class CustomerUpsert(In):
    """`email` or `external_id` (or both) is required (the service says so, naming
    `email`; `schema_rules` tells the document); `name`, `lifetime_value_cents` and `vip`
    cannot be cleared (no `null`)."""

    schema_rules: ClassVar[dict[str, Any]] = {
        "anyOf": [
            {"required": [key], "properties": {key: {"not": {"type": "null"}}}}
            for key in ("email", "external_id")
        ]
    }

    email: StrictStr | None = Field(
        default=None,
        max_length=254,
        json_schema_extra=EMAIL,
        description="Finds the customer (with no `external_id`), or their new address.",
    )
    external_id: StrictStr | None = Field(
        default=None,
        max_length=service.MAX_EXTERNAL_ID_CHARS,
        pattern=VISIBLE,
        description="The host site's id: finds the customer first when given.",
    )
    # Not nullable, yet optional: the default is never validated, and a field left out
    # is not passed on (`model_fields_set`).
    name: StrictStr = Field(  # type: ignore[assignment]
        default=None,
        max_length=service.MAX_NAME_CHARS,
        pattern=VISIBLE,
        description="Needed for a new customer (a 409 without it).",
    )
    plan: StrictStr | None = Field(default=None, max_length=service.MAX_PLAN_CHARS)
    lifetime_value_cents: StrictInt = Field(  # type: ignore[assignment]
        default=None, ge=0, le=MAX_LIFETIME_VALUE_CENTS
    )
    vip: StrictBool = None  # type: ignore[assignment]
    language: Language | None = Field(
        default=None, description="A language the helpdesk speaks: en, th, id, bn."
    )
    timezone: TimeZone | None = Field(  # type: ignore[valid-type]
        default=None, description="An IANA time zone name, e.g. Asia/Bangkok."
    )


def _out(customer: Customer) -> dict[str, Any]:
    return CustomerOut.model_validate(customer).model_dump(mode="json")


@bp.get("/customers")
@spec.validate(query=CustomerQuery, resp=responses({200: CustomerPage}, 422), tags=[TAG])
def list_customers(query: CustomerQuery) -> Response:
    """List customers, newest first.

    Filter by `email` or `external_id` to look one up. Pages hold 50 customers (`limit`
    up to 100); follow `next_cursor` with `after`."""
    select = sa.select(Customer)
    if query.email is not None:
        select = select.where(Customer.email == normalise_email(query.email))
    if query.external_id is not None:
        external_id = service.clean_external_id(query.external_id)
        select = select.where(Customer.external_id == external_id)
    page = paginate(
        select,
        created_at=Customer.created_at,
        row_id=Customer.id,
        limit=query.limit,
        after=query.after,
    )
    return jsonify(items=[_out(customer) for customer in page.items], next_cursor=page.next_cursor)


@bp.get(f"/customers/{api_id('customer_id')}")
@spec.validate(resp=responses({200: CustomerDetail}, 404), tags=[TAG])
def get_customer(customer_id: int) -> Response:
    """Read a customer with their most recent tickets (newest first, at most 20)."""
    customer = customer_by_id(customer_id)
    if customer is None:
        abort(404, description=_("There is no customer with that id."))
    tickets = customer_recent_tickets(customer, RECENT_TICKETS)
    detail = _out(customer)
    detail["recent_tickets"] = [
        TicketOut.model_validate(ticket).model_dump(mode="json") for ticket in tickets
    ]
    return jsonify(detail)


@bp.put("/customers")
@spec.validate(
    json=CustomerUpsert,
    resp=responses({200: CustomerOut, 201: CustomerOut}, 409, 415, 422),
    tags=[TAG],
)
def upsert_customer(json: CustomerUpsert) -> tuple[Response, int] | tuple[Response, int, dict]:
    """Create or update a customer.

    The customer is found by `external_id` when given, else by `email`; a new one needs
    `email` and `name` (201), an existing one gets the fields sent (200) — fields left out
    keep their value, `null` clears `plan`, `language` or `timezone`. With both keys, the
    email may change to a new address; an email that belongs to a different customer is a
    409."""
    sent = json.model_fields_set
    customer, created = customer_upsert(
        actor=current_user,
        email=json.email,
        external_id=json.external_id,
        **{field: getattr(json, field) if field in sent else UNSET for field in service.FIELDS},
    )
    if created:
        location = url_for("api_customers.get_customer", customer_id=customer.id)
        return jsonify(_out(customer)), 201, {"Location": location}
    return jsonify(_out(customer)), 200
