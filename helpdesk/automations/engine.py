"""Running rules on a ticket: claim the run (rule, ticket, trigger) with an INSERT … ON
CONFLICT DO NOTHING, and only if this transaction inserted it, do the actions inside a
savepoint and record the outcome. Part of the caller's transaction; never commits.

Exactly once: the run's unique key is the rule, the ticket and the trigger (the event, or
for a time rule the timestamp the wait started at). Event rules run inside the event's own
use case, so a rolled-back request leaves no run, and a replayed event finds its run.
Several web hosts or schedulers racing on the same key: the database lets one INSERT in,
the others wait for it and then insert nothing.

No loops: while a rule acts, the ticket events its actions publish (a status change, an
update) do not run rules (`acting()`); so a rule's change never triggers a rule, its own or
another's (depth one). A refused action (a complaint whose recovery is under way cannot be
closed) rolls back that rule's actions only; the run is recorded as failed with the reason,
and the person's own change that triggered it goes through."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from helpdesk.audit import audit
from helpdesk.automations.actions import perform
from helpdesk.automations.matching import Facts, conditions_hold
from helpdesk.automations.rules import RuleSpec, spec_of
from helpdesk.clock import now
from helpdesk.db.locking import begin_transaction_now
from helpdesk.db.upsert import insert_on_conflict
from helpdesk.errors import DomainError, ValidationError
from helpdesk.events import publish
from helpdesk.extensions import db
from helpdesk.models import AutomationRule, AutomationRun, Message, Ticket
from helpdesk.tickets.events import TicketUpdated

_acting: ContextVar[bool] = ContextVar("helpdesk_automation_acting", default=False)


def acting() -> bool:
    """Whether a rule's actions are running (events they cause do not run rules)."""
    return _acting.get()


@contextmanager
def _rule_acting() -> Iterator[None]:
    token = _acting.set(True)
    try:
        yield
    finally:
        _acting.reset(token)


@dataclass(frozen=True)
class LoadedRule:
    rule: AutomationRule
    spec: RuleSpec


def enabled_rules(triggers: tuple[str, ...]) -> list[LoadedRule]:
    """The enabled rules with one of these triggers, in position order; a rule that no
    longer reads (edited by hand, from a later version) is left out."""
    rules = db.session.scalars(
        sa.select(AutomationRule)
        .where(AutomationRule.enabled.is_(True), AutomationRule.trigger.in_(triggers))
        .order_by(AutomationRule.position, AutomationRule.id)
    )
    loaded = []
    for rule in rules:
        try:
            loaded.append(LoadedRule(rule, spec_of(rule)))
        except ValidationError:
            continue
    return loaded


def latest_customer_text(ticket_id: int) -> str:
    """The customer's newest message on the ticket (what "mentions" looks at when the
    trigger is not a message)."""
    body = db.session.scalar(
        sa.select(Message.body_source)
        .where(Message.ticket_id == ticket_id, Message.author_type == "customer")
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(1)
    )
    return body or ""


def facts_for(ticket: Ticket, text: str) -> Facts:
    customer = ticket.customer
    return Facts(
        channel=ticket.channel,
        kind=ticket.kind,
        priority=ticket.priority,
        status=ticket.status,
        language=customer.language,
        plan=customer.plan,
        vip=customer.vip,
        lifetime_value_cents=customer.lifetime_value_cents,
        tags=frozenset(tag.name for tag in ticket.tags),
        text=text,
    )


def claim_run(
    rule_id: int, ticket_id: int, key: str, *, trigger_at: datetime | None, outcome: str
) -> int | None:
    """Insert the run's row; its id if this transaction inserted it, None if a run with the
    same key exists (or is being inserted by another transaction, which then wins)."""
    statement = (
        insert_on_conflict(AutomationRun)
        .values(
            rule_id=rule_id,
            ticket_id=ticket_id,
            trigger_key=key[:80],
            trigger_at=trigger_at,
            outcome=outcome,
            done=[],
            at=now(),
        )
        .on_conflict_do_nothing(index_elements=["rule_id", "ticket_id", "trigger_key"])
        .returning(AutomationRun.id)
    )
    return db.session.scalar(statement)


def act(loaded: LoadedRule, ticket: Ticket, run_id: int) -> bool:
    """Do the rule's actions on the ticket (its run claimed as `run_id`), in a savepoint;
    record the outcome on the run and, when anything changed, in the ticket's history.
    Returns whether the actions were done."""
    rule, spec = loaded.rule, loaded.spec
    actor = f"automation:{rule.id}"
    begin_transaction_now()  # so the savepoint nests inside the caller's transaction
    error: str | None = None
    done: list[dict[str, Any]] = []
    changes: dict[str, Any] = {}
    try:
        with _rule_acting(), db.session.begin_nested():
            done, changes = perform(rule, spec, ticket, actor)
            audit(
                actor=actor,
                action="automation.run",
                obj=ticket,
                changes={"automation": rule.name, "automation_id": rule.id, **changes},
            )
            fields = {key: value for key, value in changes.items() if isinstance(value, list)}
            if fields:
                publish(TicketUpdated(ticket=ticket, changes=fields, actor=None))
    except DomainError as refused:
        error = refused.message
        db.session.refresh(ticket)
        audit(
            actor=actor,
            action="automation.failed",
            obj=ticket,
            changes={"automation": rule.name, "automation_id": rule.id, "reason": error},
        )
    db.session.execute(
        sa.update(AutomationRun)
        .where(AutomationRun.id == run_id)
        .values(outcome="failed" if error else "done", done=done, error=(error or None))
        .execution_options(synchronize_session=False)
    )
    return error is None


def run_event_rules(
    *,
    ticket: Ticket,
    triggers: tuple[str, ...],
    key: str,
    text: str | None,
    new_status: str | None = None,
) -> int:
    """Run each enabled rule with one of `triggers` whose conditions hold on the ticket, once
    for this event (`key` names it); returns how many acted. Does nothing while a rule is
    acting (no loops), nor on a ticket closed as spam or merged away (a rule must never
    write to a spammer or on a conversation that moved)."""
    if acting() or ticket.spam_at is not None or ticket.merged_into_id is not None:
        return 0
    rules = enabled_rules(triggers)
    if not rules:
        return 0
    db.session.flush()
    message_text = text if text is not None else latest_customer_text(ticket.id)
    ran = 0
    for loaded in rules:
        trigger = loaded.spec.trigger
        if trigger.type == "status_changed" and trigger.status not in (None, new_status):
            continue
        # Each rule sees the ticket as the rules before it left it.
        if not conditions_hold(loaded.spec.conditions, facts_for(ticket, message_text)):
            continue
        run_id = claim_run(
            loaded.rule.id, ticket.id, f"{trigger.type}:{key}", trigger_at=None, outcome="done"
        )
        if run_id is None:
            continue
        act(loaded, ticket, run_id)
        ran += 1
    return ran
