"""Internal notes about a customer: what the team should know whoever answers next (never
shown to the customer). Added from the customer page; audited as `customer.note`."""

from __future__ import annotations

from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.models import Customer, CustomerNote, User

MAX_NOTE_CHARS = 5000


def clean_note(body: str | None) -> str:
    text = (body or "").strip()
    if not text:
        raise ValidationError("body", _("Write the note first."))
    if len(text) > MAX_NOTE_CHARS:
        raise ValidationError("body", _("Use at most %(count)d characters.", count=MAX_NOTE_CHARS))
    return text


@use_case
def customer_note_add(*, actor: User, customer: Customer, body: str) -> CustomerNote:
    """Staff add a note about `customer`."""
    if not actor.can("agent"):
        raise NotAllowed(_("Only staff can write notes about customers."))
    note = CustomerNote(
        customer_id=customer.id, author_id=actor.id, body=clean_note(body), created_at=now()
    )
    db.session.add(note)
    db.session.flush()
    audit(actor=actor, action="customer.note", obj=customer, changes={"note_id": note.id})
    return note
