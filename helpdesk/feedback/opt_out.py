"""Survey opt-outs: a customer who unsubscribes gets no more survey emails (and is not
invited to later NPS rounds). Support replies are not marketing and still reach them."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.extensions import db
from helpdesk.models import Customer, SurveyOptOut


def has_opted_out(customer: Customer) -> bool:
    return (
        db.session.scalar(sa.select(SurveyOptOut.id).where(SurveyOptOut.customer_id == customer.id))
        is not None
    )


@use_case
def survey_opt_out(*, customer: Customer) -> bool:
    """Record that `customer` wants no survey emails; False if they already had."""
    if has_opted_out(customer):
        return False
    db.session.add(SurveyOptOut(customer_id=customer.id, created_at=now()))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()  # a double click racing itself
        return False
    audit(actor=f"customer:{customer.id}", action="survey.opt_out", obj=customer)
    return True
