"""Service-level clocks (steps: nothing here commits; the ticket use case that published
the event does). Which policy applies to a ticket, and every move of its clocks: start,
meet, pause while the customer has the ball, resume, cancel, and start again under
another policy.

Rules (see also `SlaTarget`'s docstring):
- The first enabled policy in `position` order whose priorities, plans and VIP condition
  all match the ticket applies; an empty list matches anything. Plans compare without
  case.
- A clock's due time is its target counted in business time (`settings/hours.py`) from
  when it started; its warning time is the policy's warn window earlier, in business
  time too.
- Pausing (status "pending") keeps the business time left in `remaining_seconds` and
  clears `due_at`; resuming (back to new/open, or the customer writes) computes `due_at`
  again from now. A clock already breached is paused only in name (`paused_at`): its
  due time is a fact, kept for the record, and it leaves the ticket's soonest-due column
  while paused.
- Reopening a resolved ticket starts a fresh resolution clock (the old one stays met, so
  reports keep the first resolution's verdict).
- `sync_ticket` keeps `tickets.sla_due_at` / `sla_due_kind` / `sla_warn_at` equal to the
  soonest running, unpaused clock; every step calls it last.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from helpdesk.clock import now
from helpdesk.extensions import db
from helpdesk.models import SlaPolicy, SlaTarget, Ticket
from helpdesk.settings.hours import (
    BusinessHours,
    add_business_time,
    business_hours,
    business_time_between,
)

REPLY_KINDS = ("first_reply", "next_reply")


def policy_matches(policy: SlaPolicy, *, priority: str, plan: str | None, vip: bool) -> bool:
    if not policy.enabled:
        return False
    if policy.priorities and priority not in policy.priorities:
        return False
    if policy.plans:
        wanted = {str(name).strip().casefold() for name in policy.plans}
        if (plan or "").strip().casefold() not in wanted:
            return False
    return vip or not policy.vip_only


def enabled_policies() -> list[SlaPolicy]:
    return list(
        db.session.scalars(
            sa.select(SlaPolicy)
            .where(SlaPolicy.enabled.is_(True))
            .order_by(SlaPolicy.position, SlaPolicy.id)
        )
    )


def policy_for(ticket: Ticket, policies: list[SlaPolicy] | None = None) -> SlaPolicy | None:
    """The policy that applies to `ticket` now, if any."""
    customer = ticket.customer
    for policy in enabled_policies() if policies is None else policies:
        if policy_matches(
            policy,
            priority=ticket.priority,
            plan=customer.plan if customer is not None else None,
            vip=bool(customer.vip) if customer is not None else False,
        ):
            return policy
    return None


def target_minutes(policy: SlaPolicy, kind: str) -> int | None:
    minutes: int | None = getattr(policy, f"{kind}_minutes")
    return minutes


def schedule(
    base: datetime, remaining: timedelta, warn_minutes: int, hours: BusinessHours
) -> tuple[datetime, datetime]:
    """The due time `remaining` business time after `base`, and the warning time the
    warn window earlier (not before `base`)."""
    due = add_business_time(base, remaining, hours)
    warn_left = max(remaining - timedelta(minutes=warn_minutes), timedelta(0))
    return due, add_business_time(base, warn_left, hours)


def running_targets(ticket: Ticket) -> list[SlaTarget]:
    """The ticket's clocks with no verdict that ends them (not met, not cancelled); a
    breached clock still runs until it is met late."""
    return list(
        db.session.scalars(
            sa.select(SlaTarget)
            .where(
                SlaTarget.ticket_id == ticket.id,
                SlaTarget.met_at.is_(None),
                SlaTarget.cancelled_at.is_(None),
            )
            .order_by(SlaTarget.id)
        )
    )


def sync_ticket(ticket: Ticket, targets: list[SlaTarget] | None = None) -> None:
    """Copy the soonest running, unpaused clock onto the ticket (for the inbox)."""
    running = running_targets(ticket) if targets is None else targets
    live = [
        target
        for target in running
        if target.due_at is not None
        and target.paused_at is None
        and target.met_at is None
        and target.cancelled_at is None
    ]
    soonest = min(live, key=lambda target: (target.due_at, target.id), default=None)
    ticket.sla_due_at = soonest.due_at if soonest is not None else None
    ticket.sla_due_kind = soonest.kind if soonest is not None else None
    ticket.sla_warn_at = (
        min((target.warn_at or target.due_at) for target in live)  # type: ignore[type-var]
        if live
        else None
    )


def _start(
    ticket: Ticket,
    policy: SlaPolicy,
    kind: str,
    started_at: datetime,
    hours: BusinessHours,
) -> SlaTarget | None:
    minutes = target_minutes(policy, kind)
    if minutes is None:
        return None
    due, warn = schedule(started_at, timedelta(minutes=minutes), policy.warn_minutes, hours)
    target = SlaTarget(
        ticket_id=ticket.id,
        policy_id=policy.id,
        kind=kind,
        started_at=started_at,
        due_at=due,
        warn_at=warn,
    )
    db.session.add(target)
    return target


def _pause(target: SlaTarget, at: datetime, hours: BusinessHours) -> None:
    if target.paused_at is not None:
        return
    target.paused_at = at
    if target.breached_at is not None or target.due_at is None:
        return
    target.remaining_seconds = int(business_time_between(at, target.due_at, hours).total_seconds())
    target.due_at = None
    target.warn_at = None


def _resume(target: SlaTarget, at: datetime, warn_minutes: int, hours: BusinessHours) -> None:
    if target.paused_at is None:
        return
    target.paused_at = None
    if target.due_at is not None:  # breached before the pause: its due time stands
        return
    remaining = timedelta(seconds=target.remaining_seconds or 0)
    target.due_at, target.warn_at = schedule(at, remaining, warn_minutes, hours)
    target.remaining_seconds = None


def _meet(target: SlaTarget, at: datetime) -> None:
    """Met; a clock met after its due time before the sweep saw it is breached too (at its
    due time), so "attained" (met, never breached) stays true for reports."""
    target.met_at = at
    if target.breached_at is None and target.due_at is not None and at > target.due_at:
        target.breached_at = target.due_at


def _warn_minutes(policy_id: int | None) -> int:
    policy = db.session.get(SlaPolicy, policy_id) if policy_id is not None else None
    return policy.warn_minutes if policy is not None else 0


# --- the steps the reactions call ----------------------------------------------------------


def start_for_new_ticket(
    ticket: Ticket,
    started_at: datetime | None = None,
    policies: list[SlaPolicy] | None = None,
) -> list[SlaTarget]:
    """A new ticket: its policy's first-reply and resolution clocks, from its creation
    (or `started_at`: the demo data starts clocks near now)."""
    policy = policy_for(ticket, policies)
    if policy is None:
        return []
    db.session.flush()  # the ticket's id
    hours = business_hours()
    start = started_at or ticket.created_at
    started = [
        target
        for kind in ("first_reply", "resolution")
        if (target := _start(ticket, policy, kind, start, hours)) is not None
    ]
    if ticket.status == "pending":
        for target in started:
            _pause(target, now(), hours)
    sync_ticket(ticket, started)
    return started


def meet_replies(ticket: Ticket, at: datetime | None = None) -> None:
    """A public staff reply meets the running first-reply or next-reply clock."""
    at = at or now()
    targets = running_targets(ticket)
    for target in targets:
        if target.kind in REPLY_KINDS:
            _meet(target, at)
    sync_ticket(ticket, targets)


def start_next_reply(ticket: Ticket, started_at: datetime) -> SlaTarget | None:
    """The customer wrote: a next-reply clock starts unless a reply clock already runs."""
    targets = running_targets(ticket)
    if any(target.kind in REPLY_KINDS for target in targets):
        return None
    policy = policy_for(ticket)
    if policy is None:
        return None
    target = _start(ticket, policy, "next_reply", started_at, business_hours())
    if target is not None:
        targets.append(target)
    sync_ticket(ticket, targets)
    return target


def pause_all(ticket: Ticket) -> None:
    """The ticket waits on the customer: every running clock stops counting."""
    at, hours = now(), business_hours()
    targets = running_targets(ticket)
    for target in targets:
        _pause(target, at, hours)
    sync_ticket(ticket, targets)


def resume_all(ticket: Ticket) -> None:
    at, hours = now(), business_hours()
    targets = running_targets(ticket)
    for target in targets:
        _resume(target, at, _warn_minutes(target.policy_id), hours)
    sync_ticket(ticket, targets)


def finish(ticket: Ticket) -> None:
    """Resolved or closed: the resolution clock is met, reply clocks are cancelled."""
    at = now()
    targets = running_targets(ticket)
    for target in targets:
        if target.kind == "resolution":
            _meet(target, at)
        else:
            target.cancelled_at = at
        target.paused_at = None
    sync_ticket(ticket, [])


def reopen(ticket: Ticket) -> SlaTarget | None:
    """A resolved ticket is open again: a fresh resolution clock from now."""
    policy = policy_for(ticket)
    targets = running_targets(ticket)
    target = None
    if policy is not None and not any(t.kind == "resolution" for t in targets):
        hours = business_hours()
        target = _start(ticket, policy, "resolution", now(), hours)
        if target is not None:
            targets.append(target)
            if ticket.status == "pending":
                _pause(target, now(), hours)
    sync_ticket(ticket, targets)
    return target


def rematch(ticket: Ticket) -> None:
    """Priority or the customer changed: when another policy (or none) now applies, the
    running clocks are cancelled and the new policy's start again from the same start
    times (a ticket without clocks gets first-reply and resolution from its creation)."""
    if ticket.status not in ("new", "open", "pending"):
        return
    policy = policy_for(ticket)
    targets = running_targets(ticket)
    current = {target.policy_id for target in targets}
    if targets and current == {policy.id if policy is not None else None}:
        return
    if not targets and policy is None:
        return
    at, hours = now(), business_hours()
    starts: dict[str, datetime] = {}
    for target in targets:
        target.cancelled_at = at
        starts.setdefault(target.kind, target.started_at)
    if not targets:
        had_any = db.session.scalar(
            sa.select(sa.func.count(SlaTarget.id)).where(SlaTarget.ticket_id == ticket.id)
        )
        if had_any:
            sync_ticket(ticket, [])
            return
        if ticket.first_staff_reply_at is None:
            starts["first_reply"] = ticket.created_at
        starts["resolution"] = ticket.created_at
    started: list[SlaTarget] = []
    if policy is not None:
        for kind, started_at in starts.items():
            new = _start(ticket, policy, kind, started_at, hours)
            if new is not None:
                started.append(new)
                if ticket.status == "pending":
                    _pause(new, at, hours)
    sync_ticket(ticket, started)


def cancel_all(ticket: Ticket) -> None:
    """Stop every running clock without a verdict (for a ticket merged into another or
    marked as spam: no target was met or missed)."""
    at = now()
    for target in running_targets(ticket):
        target.cancelled_at = at
    sync_ticket(ticket, [])
