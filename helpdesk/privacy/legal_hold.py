"""The legal hold: an admin marks a customer whose records must be kept (a dispute, a
claim, an authority's request); erasure is refused until the hold is lifted."""

from __future__ import annotations

from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.db.transaction import use_case
from helpdesk.errors import NotAllowed
from helpdesk.models import Customer, User


@use_case
def customer_legal_hold_set(*, actor: User, customer: Customer, hold: bool) -> Customer:
    """Set or lift the hold (audited as `privacy.legal_hold` when it changes)."""
    if not actor.can("admin"):
        raise NotAllowed(_("Only admins can set or lift a legal hold."))
    if customer.legal_hold != hold:
        audit(
            actor=actor,
            action="privacy.legal_hold",
            obj=customer,
            changes={"legal_hold": [customer.legal_hold, hold]},
        )
        customer.legal_hold = hold
    return customer
