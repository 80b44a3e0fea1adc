"""Outreach use cases for staff: start writing to a customer, edit and send a draft in one
step, dismiss it, and mark a customer as having left (or undo it). Each is one use case
(`@use_case`: one commit)."""

from __future__ import annotations

from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.errors import Conflict, NotAllowed
from helpdesk.models import Customer, Outreach, User
from helpdesk.outreach.drafting import DraftText, customer_language
from helpdesk.outreach.steps import (
    can_handle,
    check_pending,
    draft_outreach,
    edit_outreach,
    hold_pending_for_left,
    run_playbook,
    send_or_refuse,
)


def _check_handles(actor: User, outreach: Outreach) -> None:
    if not can_handle(actor, outreach):
        raise NotAllowed(_("This message is assigned to someone else."))


@use_case
def outreach_save(*, actor: User, outreach: Outreach, subject: str, body: str) -> bool:
    """Keep the reviewer's changes to a draft without sending it; whether any changed."""
    _check_handles(actor, outreach)
    changed = edit_outreach(outreach, subject=subject, body=body)
    if changed:
        audit(actor=actor, action="outreach.edit", obj=outreach)
    return changed


@use_case
def outreach_send(*, actor: User, outreach: Outreach, subject: str, body: str) -> Outreach:
    """Send a reviewed draft as `actor` wrote it last: a new conversation with the
    customer, emailed to them. Refused (nothing kept) when it may not go now, saying why."""
    _check_handles(actor, outreach)
    edit_outreach(outreach, subject=subject, body=body)
    send_or_refuse(outreach, actor)
    return outreach


@use_case
def outreach_start(*, actor: User, customer: Customer) -> Outreach:
    """A staff member starts writing to `customer` (kind "manual"): an empty draft assigned
    to them, held back with the reason at once when something stands in the way."""
    if not actor.can("agent"):
        raise NotAllowed(_("Only staff can write to customers."))
    if customer.erased_at is not None:
        raise Conflict(_("This customer's data was erased."))
    text = DraftText(subject="", body="", language=customer_language(customer))
    outreach = draft_outreach(customer=customer, kind="manual", assignee=actor, text=text)
    audit(actor=actor, action="outreach.start", obj=outreach, changes={"customer_id": customer.id})
    return outreach


@use_case
def outreach_dismiss(*, actor: User, outreach: Outreach) -> Outreach:
    """Drop a draft: it is kept, marked dismissed, and never sent."""
    _check_handles(actor, outreach)
    check_pending(outreach)
    outreach.state, outreach.dismissed_at = "dismissed", now()
    audit(actor=actor, action="outreach.dismiss", obj=outreach)
    return outreach


@use_case
def customer_mark_left(*, actor: User, customer: Customer) -> Outreach | None:
    """Staff record that `customer` left: no automated message goes to them from now on
    (surveys, rating requests, outreach), and the "left" playbook, when on, drafts (or
    sends) one thank-you. Returns that thank-you, if any."""
    if not actor.can("agent"):
        raise NotAllowed(_("Only staff can change customers."))
    if customer.erased_at is not None:
        raise Conflict(_("This customer's data was erased."))
    if customer.left_at is not None:
        raise Conflict(_("This customer is already marked as left."))
    customer.left_at = now()
    held = hold_pending_for_left(customer)
    audit(actor=actor, action="customer.left", obj=customer, changes={"drafts_held": held})
    return run_playbook("left", customer)


@use_case
def customer_unmark_left(*, actor: User, customer: Customer) -> None:
    """Undo "left": automated messages may reach them again (held drafts stay held)."""
    if not actor.can("agent"):
        raise NotAllowed(_("Only staff can change customers."))
    if customer.left_at is None:
        raise Conflict(_("This customer is not marked as left."))
    before = customer.left_at
    customer.left_at = None
    audit(actor=actor, action="customer.left_undone", obj=customer, changes={"left_at": before})
