"""Service-level policy use cases for admins: create, edit, delete, enable or disable, and
reorder (each `@use_case`: one commit, audited). The rules for a policy's fields are here,
so every door gets the same answers.

Editing or disabling a policy changes what later clocks get; clocks already running keep
the due times they were given. Deleting a policy cancels its running clocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.models import SLA_KINDS, SlaPolicy, SlaTarget, Ticket, User
from helpdesk.models.ticket import PRIORITIES
from helpdesk.sla.clocks import sync_ticket

MAX_NAME_CHARS = 80
# Targets up to 60 days of business minutes (around the clock); a warning up to that too.
MAX_TARGET_MINUTES = 60 * 24 * 60
MAX_PLANS = 20
MAX_PLAN_CHARS = 60
MAX_POLICIES = 100


@dataclass(frozen=True)
class PolicyFields:
    """What an admin typed for a policy (targets in minutes; None: no such target)."""

    name: str
    first_reply_minutes: int | None = None
    next_reply_minutes: int | None = None
    resolution_minutes: int | None = None
    warn_minutes: int = 60
    priorities: list[str] = field(default_factory=list)
    plans: str = ""
    vip_only: bool = False
    enabled: bool = True
    escalate_to_assignee: bool = True
    escalate_to_founders: bool = False


def parse_plans(raw: str) -> list[str]:
    """Plan names from "pro, enterprise": trimmed, de-duplicated without case."""
    plans: list[str] = []
    for part in raw.split(","):
        name = " ".join(part.split())
        if not name:
            continue
        if len(name) > MAX_PLAN_CHARS:
            raise ValidationError(
                "plans",
                _("A plan name is at most %(limit)d characters.", limit=MAX_PLAN_CHARS),
            )
        if name.casefold() not in {plan.casefold() for plan in plans}:
            plans.append(name)
    if len(plans) > MAX_PLANS:
        raise ValidationError("plans", _("Name at most %(count)d plans.", count=MAX_PLANS))
    return plans


def _check_minutes(name: str, value: int | None, *, allow_zero: bool = False) -> None:
    if value is None:
        return
    low = 0 if allow_zero else 1
    if not low <= value <= MAX_TARGET_MINUTES:
        raise ValidationError(
            name,
            _(
                "Give between %(low)d minute(s) and 60 days (%(high)d minutes).",
                low=low,
                high=MAX_TARGET_MINUTES,
            ),
        )


def checked(fields: PolicyFields, policy: SlaPolicy | None = None) -> dict[str, object]:
    """The policy's column values from `fields`, or a ValidationError naming the field."""
    name = " ".join((fields.name or "").split())
    if not name:
        raise ValidationError("name", _("Give the policy a name."))
    if len(name) > MAX_NAME_CHARS:
        raise ValidationError("name", _("Use at most %(limit)d characters.", limit=MAX_NAME_CHARS))
    same = db.session.scalar(
        sa.select(SlaPolicy.id).where(
            sa.func.lower(SlaPolicy.name) == name.lower(),
            SlaPolicy.id != (policy.id if policy is not None else -1),
        )
    )
    if same is not None:
        raise ValidationError("name", _("Another policy has this name; choose another."))
    for kind in SLA_KINDS:
        _check_minutes(kind, getattr(fields, f"{kind}_minutes"))
    if all(getattr(fields, f"{kind}_minutes") is None for kind in SLA_KINDS):
        raise ValidationError(
            "first_reply", _("Set at least one target: first reply, next reply or resolution.")
        )
    _check_minutes("warn", fields.warn_minutes, allow_zero=True)
    unknown = [value for value in fields.priorities if value not in PRIORITIES]
    if unknown:
        raise ValidationError("priorities", _("Choose priorities from the list."))
    return {
        "name": name,
        "first_reply_minutes": fields.first_reply_minutes,
        "next_reply_minutes": fields.next_reply_minutes,
        "resolution_minutes": fields.resolution_minutes,
        "warn_minutes": fields.warn_minutes,
        "priorities": [value for value in PRIORITIES if value in fields.priorities],
        "plans": parse_plans(fields.plans or ""),
        "vip_only": bool(fields.vip_only),
        "enabled": bool(fields.enabled),
        "escalate_to_assignee": bool(fields.escalate_to_assignee),
        "escalate_to_founders": bool(fields.escalate_to_founders),
    }


def _require_admin(actor: User) -> None:
    if not actor.can("admin"):
        raise NotAllowed(_("Only admins change service levels."))


def policies_listed() -> list[SlaPolicy]:
    return list(db.session.scalars(sa.select(SlaPolicy).order_by(SlaPolicy.position, SlaPolicy.id)))


@use_case
def sla_policy_create(*, actor: User, fields: PolicyFields) -> SlaPolicy:
    """A new policy, last in the order."""
    _require_admin(actor)
    values = checked(fields)
    count = db.session.scalar(sa.select(sa.func.count(SlaPolicy.id))) or 0
    if count >= MAX_POLICIES:
        raise ValidationError("name", _("There are %(count)d policies already.", count=count))
    last = db.session.scalar(sa.select(sa.func.max(SlaPolicy.position)))
    at = now()
    policy = SlaPolicy(
        **values, position=(last if last is not None else -1) + 1, created_at=at, updated_at=at
    )
    db.session.add(policy)
    db.session.flush()
    audit(actor=actor, action="sla_policy.create", obj=policy, changes=values)
    return policy


@use_case
def sla_policy_update(*, actor: User, policy: SlaPolicy, fields: PolicyFields) -> SlaPolicy:
    _require_admin(actor)
    values = checked(fields, policy)
    changes = {
        key: [getattr(policy, key), value]
        for key, value in values.items()
        if getattr(policy, key) != value
    }
    if changes:
        for key, value in values.items():
            setattr(policy, key, value)
        policy.updated_at = now()
        audit(actor=actor, action="sla_policy.update", obj=policy, changes=changes)
    return policy


@use_case
def sla_policy_toggle(*, actor: User, policy: SlaPolicy, enabled: bool) -> SlaPolicy:
    _require_admin(actor)
    if policy.enabled != enabled:
        audit(
            actor=actor,
            action="sla_policy.update",
            obj=policy,
            changes={"enabled": [policy.enabled, enabled]},
        )
        policy.enabled = enabled
        policy.updated_at = now()
    return policy


@use_case
def sla_policy_move(*, actor: User, policy: SlaPolicy, up: bool) -> None:
    """Swap the policy with its neighbour above (or below); nothing at either end."""
    _require_admin(actor)
    ordered = policies_listed()
    for index, entry in enumerate(ordered):  # positions made dense first
        entry.position = index
    at = ordered.index(policy)
    other = at - 1 if up else at + 1
    if not 0 <= other < len(ordered):
        return
    ordered[at].position, ordered[other].position = other, at
    audit(
        actor=actor,
        action="sla_policy.move",
        obj=policy,
        changes={"position": [at, other]},
    )


@use_case
def sla_policy_delete(*, actor: User, policy: SlaPolicy) -> None:
    """Delete the policy; its running clocks are cancelled (their history stays)."""
    _require_admin(actor)
    at = now()
    running = list(
        db.session.scalars(
            sa.select(SlaTarget).where(
                SlaTarget.policy_id == policy.id,
                SlaTarget.met_at.is_(None),
                SlaTarget.cancelled_at.is_(None),
            )
        )
    )
    for target in running:
        target.cancelled_at = at
    ticket_ids = {target.ticket_id for target in running}
    audit(
        actor=actor,
        action="sla_policy.delete",
        obj=policy,
        changes={"name": policy.name, "cancelled_clocks": len(running)},
    )
    db.session.delete(policy)
    db.session.flush()
    if ticket_ids:
        for ticket in db.session.scalars(sa.select(Ticket).where(Ticket.id.in_(ticket_ids))):
            sync_ticket(ticket)
