"""Managing rules (admins): create, edit, switch on or off, reorder, delete — each one use
case, audited. A rule is checked whole before it is saved (`rules.check_spec` for its
shape, `check_references` for the people and saved reply it names), so a refused form
saves nothing."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.automations.actions import active_user, usable_saved_reply
from helpdesk.automations.rules import RuleSpec, check_spec, spec_of, store_spec
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.models import AutomationRule, User

MAX_RULES = 200


def check_references(spec: RuleSpec) -> None:
    """The people and the saved reply a rule names exist and may be used."""
    for action in spec.actions:
        if action.type == "assign":
            active_user(action.user_id or 0, "assign")
        elif action.type == "round_robin":
            for user_id in action.user_ids:
                active_user(user_id, "round_robin")
        elif action.type == "saved_reply":
            usable_saved_reply(action.saved_reply_id or 0)


def checked(spec: RuleSpec) -> RuleSpec:
    spec = check_spec(spec)
    check_references(spec)
    return spec


def _summary(rule: AutomationRule) -> dict[str, object]:
    return {
        "name": rule.name,
        "enabled": rule.enabled,
        "trigger": rule.trigger,
        "conditions": rule.conditions,
        "actions": rule.actions,
    }


@use_case
def automation_create(*, actor: User, spec: RuleSpec, enabled: bool) -> AutomationRule:
    """A new rule at the end of the list."""
    spec = checked(spec)
    count = db.session.scalar(sa.select(sa.func.count(AutomationRule.id))) or 0
    if count >= MAX_RULES:
        raise ValidationError(None, _("There are %(count)d rules already.", count=MAX_RULES))
    last = db.session.scalar(sa.select(sa.func.max(AutomationRule.position))) or 0
    at = now()
    rule = AutomationRule(enabled=enabled, position=last + 1, created_at=at, updated_at=at)
    store_spec(rule, spec)
    db.session.add(rule)
    db.session.flush()
    audit(actor=actor, action="automation.create", obj=rule, changes=_summary(rule))
    return rule


@use_case
def automation_update(
    *, actor: User, rule: AutomationRule, spec: RuleSpec, enabled: bool
) -> AutomationRule:
    spec = checked(spec)
    before = _summary(rule)
    store_spec(rule, spec)
    rule.enabled = enabled
    rule.updated_at = now()
    after = _summary(rule)
    changes = {key: [before[key], value] for key, value in after.items() if before[key] != value}
    audit(actor=actor, action="automation.update", obj=rule, changes=changes)
    return rule


@use_case
def automation_switch(*, actor: User, rule: AutomationRule, enabled: bool) -> AutomationRule:
    """Switch a rule on or off; a rule that no longer reads cannot be switched on."""
    if enabled:
        spec = spec_of(rule)
        check_references(spec)
    if rule.enabled != enabled:
        audit(
            actor=actor,
            action="automation.update",
            obj=rule,
            changes={"enabled": [rule.enabled, enabled]},
        )
        rule.enabled = enabled
        rule.updated_at = now()
    return rule


@use_case
def automation_move(*, actor: User, rule: AutomationRule, direction: str) -> None:
    """Move a rule one place up or down (rules run in this order)."""
    if direction not in ("up", "down"):
        raise ValidationError("direction", _("Move a rule up or down."))
    rules = list(
        db.session.scalars(
            sa.select(AutomationRule).order_by(AutomationRule.position, AutomationRule.id)
        )
    )
    index = rules.index(rule)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(rules):
        return
    rules[index], rules[other] = rules[other], rules[index]
    for position, item in enumerate(rules, start=1):
        item.position = position
    audit(actor=actor, action="automation.move", obj=rule, changes={"direction": direction})


@use_case
def automation_delete(*, actor: User, rule: AutomationRule) -> None:
    audit(actor=actor, action="automation.delete", obj=rule, changes=_summary(rule))
    db.session.delete(rule)
