"""Feature requests: agents link the tickets that ask for one (creating it, or picking an
existing one); founders move it along (open, planned, shipped). Marking it shipped drafts a
personal note to every requester (the customers of its tickets), in their language, with
their name and a link to their ticket: requesters who left are skipped, the others get a
draft, suppressed with the reason when something holds it back (an open complaint). A
person then sends all the drafts of the request in one step. Use cases, one commit each."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.errors import Conflict, NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.models import Customer, FeatureRequest, FeatureRequestTicket, Outreach, Ticket, User
from helpdesk.models.outreach import FEATURE_STATUSES
from helpdesk.outreach.drafting import draft_text
from helpdesk.outreach.steps import draft_outreach, try_send

MAX_TITLE_CHARS = 200


def clean_title(title: str, field: str = "title") -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError(field, _("Name the feature."))
    if len(title) > MAX_TITLE_CHARS:
        raise ValidationError(field, _("Use at most %(count)d characters.", count=MAX_TITLE_CHARS))
    return title


def _by_title(title: str) -> FeatureRequest | None:
    return db.session.scalar(
        sa.select(FeatureRequest).where(sa.func.lower(FeatureRequest.title) == title.lower())
    )


def _create(actor: User, title: str, field: str) -> FeatureRequest:
    title = clean_title(title, field)
    if _by_title(title) is not None:
        raise ValidationError(
            field, _("A feature request with this name exists: pick it from the list.")
        )
    feature = FeatureRequest(title=title, status="open", created_at=now(), created_by_id=actor.id)
    db.session.add(feature)
    db.session.flush()
    audit(actor=actor, action="feature_request.create", obj=feature, changes={"title": title})
    return feature


def _check_staff(actor: User) -> None:
    if not actor.can("agent"):
        raise NotAllowed(_("Only staff can change feature requests."))


@use_case
def feature_request_create(*, actor: User, title: str) -> FeatureRequest:
    """A new feature request (open), named `title` (unique, whatever the case)."""
    _check_staff(actor)
    return _create(actor, title, "title")


@use_case
def feature_request_link(
    *, actor: User, ticket: Ticket, feature_id: int | None, new_title: str | None
) -> FeatureRequest:
    """Link `ticket` to a feature request: the one picked (`feature_id`), or a new one
    named `new_title`; its customer becomes a requester."""
    _check_staff(actor)
    if new_title and new_title.strip():
        if feature_id is not None:
            raise ValidationError(
                "new_title", _("Pick a feature request or name a new one, not both.")
            )
        feature = _create(actor, new_title, "new_title")
    elif feature_id is not None:
        found = db.session.get(FeatureRequest, feature_id)
        if found is None:
            raise ValidationError("feature_id", _("Choose a feature request from the list."))
        feature = found
    else:
        raise ValidationError(
            "feature_id", _("Pick a feature request from the list or name a new one.")
        )
    if db.session.get(FeatureRequestTicket, (feature.id, ticket.id)) is not None:
        raise Conflict(_("This ticket is already linked to that feature request."))
    db.session.add(
        FeatureRequestTicket(
            feature_request=feature, ticket=ticket, added_by_id=actor.id, created_at=now()
        )
    )
    audit(
        actor=actor,
        action="ticket.feature_request",
        obj=ticket,
        changes={"feature_request": [None, feature.id]},
    )
    return feature


@use_case
def feature_request_unlink(*, actor: User, ticket: Ticket, feature: FeatureRequest) -> None:
    """The ticket did not ask for this feature after all."""
    _check_staff(actor)
    link = db.session.get(FeatureRequestTicket, (feature.id, ticket.id))
    if link is None:
        raise Conflict(_("This ticket is not linked to that feature request."))
    db.session.delete(link)
    audit(
        actor=actor,
        action="ticket.feature_request",
        obj=ticket,
        changes={"feature_request": [feature.id, None]},
    )


@dataclass(frozen=True)
class ShipResult:
    drafted: int
    suppressed: int
    skipped_left: int


def requester_tickets(feature: FeatureRequest) -> list[tuple[Customer, Ticket]]:
    """Each requester with the first of their tickets that asked, in the order they asked."""
    rows = db.session.execute(
        sa.select(Customer, Ticket)
        .join(Ticket, Ticket.customer_id == Customer.id)
        .join(FeatureRequestTicket, FeatureRequestTicket.ticket_id == Ticket.id)
        .where(FeatureRequestTicket.feature_request_id == feature.id)
        .order_by(FeatureRequestTicket.created_at, Ticket.id)
    ).all()
    seen: dict[int, tuple[Customer, Ticket]] = {}
    for customer, ticket in rows:
        seen.setdefault(customer.id, (customer, ticket))
    return list(seen.values())


def _draft_notes(actor: User, feature: FeatureRequest) -> ShipResult:
    noted = set(
        db.session.scalars(
            sa.select(Outreach.customer_id).where(Outreach.feature_request_id == feature.id)
        )
    )
    drafted = suppressed = skipped = 0
    for customer, ticket in requester_tickets(feature):
        if customer.left_at is not None:
            skipped += 1
            continue
        if customer.id in noted:
            continue
        text = draft_text(
            customer=customer, kind="feature_shipped", author=actor, feature=feature, ticket=ticket
        )
        outreach = draft_outreach(
            customer=customer,
            kind="feature_shipped",
            assignee=actor,
            text=text,
            feature=feature,
            source_ticket=ticket,
        )
        if outreach.state == "suppressed":
            suppressed += 1
        else:
            drafted += 1
    return ShipResult(drafted=drafted, suppressed=suppressed, skipped_left=skipped)


@use_case
def feature_request_set_status(
    *, actor: User, feature: FeatureRequest, status: str
) -> ShipResult | None:
    """Move a feature request along (founders and admins). Becoming "shipped" drafts the
    requesters' notes (see the module docstring) and returns what it made."""
    if not actor.can("founder"):
        raise NotAllowed(_("Only a founder or an admin can change a feature request's status."))
    if status not in FEATURE_STATUSES:
        raise ValidationError("status", _("Choose a status from the list."))
    if status == feature.status:
        return None
    before = feature.status
    feature.status = status
    feature.shipped_at = now() if status == "shipped" else feature.shipped_at
    audit(
        actor=actor,
        action="feature_request.status",
        obj=feature,
        changes={"status": [before, status]},
    )
    return _draft_notes(actor, feature) if status == "shipped" else None


@dataclass(frozen=True)
class SendResult:
    sent: int
    held: int


@use_case
def feature_request_send_drafts(*, actor: User, feature: FeatureRequest) -> SendResult:
    """Send every draft note of a shipped feature request at once (founders and admins);
    one that something now holds back is suppressed with the reason instead."""
    if not actor.can("founder"):
        raise NotAllowed(_("Only a founder or an admin can send a feature's notes."))
    drafts = db.session.scalars(
        sa.select(Outreach)
        .where(Outreach.feature_request_id == feature.id, Outreach.state == "draft")
        .order_by(Outreach.id)
    ).all()
    if not drafts:
        raise Conflict(_("There are no drafts to send."))
    sent = held = 0
    for outreach in drafts:
        if try_send(outreach, actor):
            held += 1
        else:
            sent += 1
    return SendResult(sent=sent, held=held)
