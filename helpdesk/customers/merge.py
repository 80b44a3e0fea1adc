"""Merging two records of one person ("merge into…" on the customer page).

`customer_merge` moves everything of the merged record to the kept one in one transaction:
tickets, the messages they wrote, ratings, NPS invitations and answers, survey opt-out,
emails sent to them, bounces, notes, aliases and product usage counts (`usage.steps`);
then deletes the merged record and keeps its email as an alias of the kept one
(`customer_aliases`), so mail and the widget from the old address find the kept customer
(`tickets.customer_lookup`). The audit events recorded
against the merged record stay as they were; the kept customer's history shows them through
the alias's `merged_from_id`.

The kept record's details win; the ones it lacks (company, plan, language, time zone,
external id) come from the merged record; VIP if either was; the higher lifetime value
(both records usually mirror the same host-site account, so adding would count it twice);
the later last contact. When the moved tickets' plan or VIP flag changes with them,
`CustomerUpdated` is published so service levels match them again. One NPS invitation per
round and customer: when both were invited in a round, the invitation with an answer is
kept (the kept record's when both answered).

Refused: a record into itself, and a merge whose other record is gone (a stale page). No
undo.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import InstrumentedAttribute

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.customers.events import CustomerUpdated
from helpdesk.customers.service import customer_change
from helpdesk.db.transaction import use_case
from helpdesk.errors import Conflict, NotAllowed, ValidationError
from helpdesk.events import publish
from helpdesk.extensions import db
from helpdesk.models import (
    Customer,
    CustomerAlias,
    CustomerNote,
    EmailBounce,
    Message,
    NpsResponse,
    NpsSurvey,
    Outbox,
    Rating,
    SurveyOptOut,
    Ticket,
    User,
)
from helpdesk.usage.steps import usage_move

# The details the kept record takes from the merged one when it has none.
FILLED = ("company", "plan", "language", "timezone")


def _move(
    model: Any, column: InstrumentedAttribute[Any], source: Customer, target: Customer
) -> int:
    """Point every row of `model` that names `source` in `column` at `target`."""
    result = db.session.execute(
        sa.update(model)
        .where(column == source.id)
        .values({column.key: target.id})
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _settle_nps_rounds(source: Customer, target: Customer) -> int:
    """Leave one invitation per round where both were invited; returns how many answers
    were dropped (both answered the same round)."""
    dropped = 0
    target_rounds = sa.select(NpsSurvey.round_id).where(NpsSurvey.customer_id == target.id)
    for survey in db.session.scalars(
        sa.select(NpsSurvey).where(
            NpsSurvey.customer_id == source.id, NpsSurvey.round_id.in_(target_rounds)
        )
    ):
        kept = db.session.scalar(
            sa.select(NpsSurvey).where(
                NpsSurvey.customer_id == target.id, NpsSurvey.round_id == survey.round_id
            )
        )
        answered = survey.responded_at is not None
        if kept is not None and answered and kept.responded_at is None:
            loser = kept
        else:
            loser = survey
            dropped += int(answered)
        db.session.execute(sa.delete(NpsResponse).where(NpsResponse.survey_id == loser.id))
        db.session.execute(sa.delete(NpsSurvey).where(NpsSurvey.id == loser.id))
    return dropped


def _wanted_details(source: Customer, target: Customer) -> dict[str, Any]:
    """What the kept record takes from the merged one (read before that one is deleted)."""
    wanted: dict[str, Any] = {
        field: getattr(source, field)
        for field in FILLED
        if getattr(target, field) is None and getattr(source, field) is not None
    }
    wanted["vip"] = target.vip or source.vip
    wanted["lifetime_value_cents"] = max(target.lifetime_value_cents, source.lifetime_value_cents)
    if target.external_id is None and source.external_id is not None:
        wanted["external_id"] = source.external_id
    return wanted


def _later(*moments: datetime | None) -> datetime | None:
    return max((moment for moment in moments if moment is not None), default=None)


@use_case
def customer_merge(*, actor: User, source_id: int, target_id: int) -> Customer:
    """Merge the customer `source_id` into `target_id` (kept); returns the kept customer."""
    if not actor.can("agent"):
        raise NotAllowed(_("Only staff can merge customers."))
    if source_id == target_id:
        raise ValidationError("target", _("A customer cannot be merged into itself."))
    source = db.session.get(Customer, source_id)
    if source is None:
        raise Conflict(_("This customer no longer exists: someone merged or removed it."))
    target = db.session.get(Customer, target_id)
    if target is None:
        raise ValidationError(
            "target", _("That customer no longer exists: someone merged or removed it.")
        )
    wanted = _wanted_details(source, target)
    merged = {"id": source.id, "email": source.email, "name": source.name}
    plan_and_vip = (source.plan, source.vip)
    last_contact = _later(target.last_contact_at, source.last_contact_at)
    last_seen = _later(target.last_seen_at, source.last_seen_at)
    source.external_id = None  # unique: freed for the kept record
    db.session.flush()
    dropped_answers = _settle_nps_rounds(source, target)
    if db.session.scalar(sa.select(SurveyOptOut.id).where(SurveyOptOut.customer_id == target.id)):
        db.session.execute(sa.delete(SurveyOptOut).where(SurveyOptOut.customer_id == source.id))
    moved = {
        "tickets": _move(Ticket, Ticket.customer_id, source, target),
        "messages": _move(Message, Message.author_customer_id, source, target),
        "ratings": _move(Rating, Rating.customer_id, source, target),
        "nps_answers": _move(NpsResponse, NpsResponse.customer_id, source, target),
        "notes": _move(CustomerNote, CustomerNote.customer_id, source, target),
        "aliases": _move(CustomerAlias, CustomerAlias.customer_id, source, target),
    }
    _move(NpsSurvey, NpsSurvey.customer_id, source, target)
    _move(SurveyOptOut, SurveyOptOut.customer_id, source, target)
    _move(Outbox, Outbox.customer_id, source, target)
    _move(EmailBounce, EmailBounce.customer_id, source, target)
    moved["usage_days"] = usage_move(source_id=source.id, target_id=target.id)
    db.session.execute(
        sa.delete(Customer)
        .where(Customer.id == source.id)
        .execution_options(synchronize_session=False)
    )
    db.session.expunge(source)
    db.session.add(
        CustomerAlias(
            email=merged["email"],
            customer_id=target.id,
            merged_from_id=merged["id"],
            created_at=now(),
        )
    )
    db.session.flush()
    # The UPDATEs bypassed the session: what it holds of the moved rows is stale.
    db.session.expire_all()
    customer_change(target, wanted, actor)
    target.last_contact_at, target.last_seen_at = last_contact, last_seen
    if moved["tickets"] and plan_and_vip != (target.plan, target.vip):
        # The moved tickets' customer now has another plan or VIP flag: service levels
        # match them again, as for an edit.
        publish(
            CustomerUpdated(
                customer=target,
                changes={
                    "plan": [plan_and_vip[0], target.plan],
                    "vip": [plan_and_vip[1], target.vip],
                },
                actor=actor,
            )
        )
    audit(
        actor=actor,
        action="customer.merge",
        obj=target,
        changes={
            "merged_customer_id": merged["id"],
            "merged_email": merged["email"],
            "merged_name": merged["name"],
            **moved,
            "nps_answers_dropped": dropped_answers,
        },
    )
    return target
