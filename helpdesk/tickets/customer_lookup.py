"""Who an email address belongs to: the customer whose address it is, else the customer a
record with that address was merged into (`customer_aliases`, see
`helpdesk/customers/merge.py`). Every door a customer comes in by (mail, the widget, staff
opening a ticket for someone, the REST API) asks here, so an old address keeps finding the
kept record. Lives in tickets because intake needs it and tickets import no feature."""

from __future__ import annotations

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import Customer, CustomerAlias


def customer_by_email(email: str) -> Customer | None:
    """The customer with this (normalised) address, directly or by an alias."""
    customer = db.session.scalar(sa.select(Customer).where(Customer.email == email))
    if customer is not None:
        return customer
    return db.session.scalar(
        sa.select(Customer)
        .join(CustomerAlias, CustomerAlias.customer_id == Customer.id)
        .where(CustomerAlias.email == email)
    )
