"""What a rule says, as plain values: its trigger, its conditions (all must hold) and its
actions (in order), read from and written to the rule's JSON columns with a version key.
Everything is checked when a rule is saved and again when it is loaded to run, so a rule
edited by hand in the database, or one naming a field a later version dropped, is refused
with the same specific message instead of half-running.

Shape checks only here (no database); whether a named person or saved reply exists is
`service.check_references`, at save and at run time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _

from helpdesk.errors import ValidationError
from helpdesk.models.automation import TIME_FIELDS, TIME_UNITS, TRIGGERS, AutomationRule
from helpdesk.models.saved_reply import SAVED_REPLY_LANGUAGES
from helpdesk.models.ticket import CHANNELS, PRIORITIES, STATUSES
from helpdesk.tickets.steps import MAX_BODY_CHARS, parse_tags

VERSION = 1
MAX_NAME_CHARS = 120
MAX_WORDS = 50
MAX_WORD_CHARS = 100
MAX_PLANS = 20
MAX_PEOPLE = 50
MAX_HOURS = 24 * 365
MAX_DAYS = 365
MAX_VALUE_CENTS = 10**13
ACTION_TYPES = (
    "set_priority",
    "add_tags",
    "assign",
    "round_robin",
    "note",
    "saved_reply",
    "escalate",
    "close",
)
CLOSE_STATUSES = ("resolved", "closed")


@dataclass(frozen=True)
class Conditions:
    """Each set condition must hold; an empty one is not checked. `vip` and
    `min_value_cents` together mean "VIP or lifetime value at least this"."""

    channels: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    complaint: bool | None = None
    plans: tuple[str, ...] = ()
    vip: bool = False
    min_value_cents: int | None = None
    priorities: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Action:
    type: str
    priority: str | None = None
    tags: tuple[str, ...] = ()
    user_id: int | None = None
    user_ids: tuple[int, ...] = ()
    body: str = ""
    saved_reply_id: int | None = None
    status: str | None = None


@dataclass(frozen=True)
class Trigger:
    type: str
    status: str | None = None  # status_changed: to this status only
    time_field: str | None = None
    amount: int | None = None
    unit: str | None = None

    @property
    def wait(self) -> timedelta:
        """How long a time rule waits after its timestamp."""
        if self.amount is None:
            return timedelta(0)
        return timedelta(hours=self.amount) if self.unit == "hours" else timedelta(days=self.amount)


@dataclass(frozen=True)
class RuleSpec:
    name: str
    trigger: Trigger
    conditions: Conditions = field(default_factory=Conditions)
    actions: tuple[Action, ...] = ()

    @property
    def about_complaint(self) -> bool:
        return self.conditions.complaint is True


def check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError("name", _("Give the rule a name."))
    if len(name) > MAX_NAME_CHARS:
        raise ValidationError(
            "name", _("Use at most %(count)d characters for the name.", count=MAX_NAME_CHARS)
        )
    return name


def check_trigger(trigger: Trigger) -> Trigger:
    if trigger.type not in TRIGGERS:
        raise ValidationError("trigger", _("Choose when the rule runs."))
    if trigger.type == "status_changed":
        if trigger.status is not None and trigger.status not in STATUSES:
            raise ValidationError("trigger_status", _("Unknown status: choose one from the list."))
        return Trigger(type=trigger.type, status=trigger.status)
    if trigger.type != "time_since":
        return Trigger(type=trigger.type)
    if trigger.time_field not in TIME_FIELDS:
        raise ValidationError("time_field", _("Choose what the rule counts the time from."))
    if trigger.unit not in TIME_UNITS:
        raise ValidationError("time_unit", _("Choose hours or days."))
    limit = MAX_HOURS if trigger.unit == "hours" else MAX_DAYS
    if not isinstance(trigger.amount, int) or not 1 <= trigger.amount <= limit:
        message = (
            _("Enter a number of hours from 1 to %(limit)d.", limit=limit)
            if trigger.unit == "hours"
            else _("Enter a number of days from 1 to %(limit)d.", limit=limit)
        )
        raise ValidationError("time_amount", message)
    return trigger


def _strings(data: dict[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(key, _("This condition is not readable; set it again."))
    return tuple(value)


def _choices(values: tuple[str, ...], allowed: tuple[str, ...], key: str) -> tuple[str, ...]:
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise ValidationError(key, _("Unknown value “%(value)s”.", value=unknown[0][:40]))
    return tuple(dict.fromkeys(values))


def clean_words(words: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Words and phrases, trimmed, without blanks or repeats (case-insensitively)."""
    cleaned: dict[str, str] = {}
    for word in words:
        word = " ".join(word.split())
        if not word:
            continue
        if len(word) > MAX_WORD_CHARS:
            raise ValidationError(
                "words",
                _(
                    "“%(word)s…” is too long: %(count)d characters at most.",
                    word=word[:30],
                    count=MAX_WORD_CHARS,
                ),
            )
        cleaned.setdefault(word.casefold(), word)
    if len(cleaned) > MAX_WORDS:
        raise ValidationError("words", _("Use at most %(count)d words.", count=MAX_WORDS))
    return tuple(cleaned.values())


def check_conditions(conditions: Conditions) -> Conditions:
    plans = tuple(
        dict.fromkeys(" ".join(plan.split()) for plan in conditions.plans if plan.strip())
    )
    if len(plans) > MAX_PLANS or any(len(plan) > 60 for plan in plans):
        raise ValidationError("plans", _("Name at most 20 plans, of 60 characters each."))
    value = conditions.min_value_cents
    if value is not None and (not isinstance(value, int) or not 0 <= value <= MAX_VALUE_CENTS):
        raise ValidationError("min_value", _("Enter a lifetime value of 0 or more."))
    return Conditions(
        channels=_choices(conditions.channels, CHANNELS, "channels"),
        words=clean_words(conditions.words),
        tags=tuple(parse_tags(list(conditions.tags))),
        complaint=conditions.complaint,
        plans=plans,
        vip=bool(conditions.vip),
        min_value_cents=value,
        priorities=_choices(conditions.priorities, PRIORITIES, "priorities"),
        languages=_choices(conditions.languages, SAVED_REPLY_LANGUAGES, "languages"),
        statuses=_choices(conditions.statuses, STATUSES, "statuses"),
    )


def _body(body: str, field: str, *, required: bool) -> str:
    body = (body or "").strip()
    if required and not body:
        raise ValidationError(field, _("Write the text first."))
    if len(body) > MAX_BODY_CHARS:
        raise ValidationError(field, _("Use at most %(count)d characters.", count=MAX_BODY_CHARS))
    return body


def check_action(action: Action) -> Action:
    kind = action.type
    if kind == "set_priority":
        if action.priority not in PRIORITIES:
            raise ValidationError("set_priority", _("Unknown priority: choose one from the list."))
        return Action(type=kind, priority=action.priority)
    if kind == "add_tags":
        tags = tuple(parse_tags(list(action.tags)))
        if not tags:
            raise ValidationError("add_tags", _("Name at least one tag."))
        return Action(type=kind, tags=tags)
    if kind == "assign":
        if not isinstance(action.user_id, int):
            raise ValidationError("assign", _("Choose someone on the team."))
        return Action(type=kind, user_id=action.user_id)
    if kind == "round_robin":
        people = tuple(dict.fromkeys(action.user_ids))
        if len(people) < 2 or not all(isinstance(item, int) for item in people):
            raise ValidationError("round_robin", _("Choose at least two people to take turns."))
        if len(people) > MAX_PEOPLE:
            raise ValidationError(
                "round_robin", _("Choose at most %(count)d people.", count=MAX_PEOPLE)
            )
        return Action(type=kind, user_ids=people)
    if kind == "note":
        return Action(type=kind, body=_body(action.body, "note", required=True))
    if kind == "saved_reply":
        if not isinstance(action.saved_reply_id, int):
            raise ValidationError("saved_reply", _("Choose a saved reply."))
        return Action(type=kind, saved_reply_id=action.saved_reply_id)
    if kind == "escalate":
        return Action(type=kind, body=_body(action.body, "escalate", required=False)[:2000])
    if kind == "close":
        if action.status not in CLOSE_STATUSES:
            raise ValidationError("close", _("Choose resolved or closed."))
        return Action(
            type=kind, status=action.status, body=_body(action.body, "close_body", required=False)
        )
    raise ValidationError("actions", _("Unknown action."))


def check_actions(actions: tuple[Action, ...] | list[Action]) -> tuple[Action, ...]:
    checked = tuple(check_action(action) for action in actions)
    if not checked:
        raise ValidationError("actions", _("Choose at least one thing the rule does."))
    kinds = [action.type for action in checked]
    if "assign" in kinds and "round_robin" in kinds:
        raise ValidationError("round_robin", _("Assign to one person or take turns, not both."))
    if len(set(kinds)) != len(kinds):
        raise ValidationError("actions", _("Each kind of action may appear once."))
    return checked


def check_spec(spec: RuleSpec) -> RuleSpec:
    """The rule with every part checked and tidied; raises ValidationError naming the part."""
    checked = RuleSpec(
        name=check_name(spec.name),
        trigger=check_trigger(spec.trigger),
        conditions=check_conditions(spec.conditions),
        actions=check_actions(spec.actions),
    )
    # A status change is still under way when its rules run: closing there would leave the
    # change that started it half-applied.
    if checked.trigger.type == "status_changed" and any(
        action.type == "close" for action in checked.actions
    ):
        raise ValidationError(
            "close", _("A rule that runs when the status changes cannot change the status.")
        )
    return checked


# JSON, with a version key ------------------------------------------------------------


def conditions_json(conditions: Conditions) -> dict[str, Any]:
    data: dict[str, Any] = {"version": VERSION}
    for key in ("channels", "words", "tags", "plans", "priorities", "languages", "statuses"):
        values = getattr(conditions, key)
        if values:
            data[key] = list(values)
    if conditions.complaint is not None:
        data["complaint"] = conditions.complaint
    if conditions.vip:
        data["vip"] = True
    if conditions.min_value_cents is not None:
        data["min_value_cents"] = conditions.min_value_cents
    return data


def actions_json(actions: tuple[Action, ...]) -> dict[str, Any]:
    steps = []
    for action in actions:
        step: dict[str, Any] = {"type": action.type}
        if action.priority is not None:
            step["priority"] = action.priority
        if action.tags:
            step["tags"] = list(action.tags)
        if action.user_id is not None:
            step["user_id"] = action.user_id
        if action.user_ids:
            step["user_ids"] = list(action.user_ids)
        if action.body:
            step["body"] = action.body
        if action.saved_reply_id is not None:
            step["saved_reply_id"] = action.saved_reply_id
        if action.status is not None:
            step["status"] = action.status
        steps.append(step)
    return {"version": VERSION, "steps": steps}


def _unreadable(key: str) -> ValidationError:
    return ValidationError(key, _("This rule was saved in a form this version cannot read."))


def conditions_from_json(data: Any) -> Conditions:
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise _unreadable("conditions")
    known = {
        "version",
        "channels",
        "words",
        "tags",
        "plans",
        "priorities",
        "languages",
        "statuses",
        "complaint",
        "vip",
        "min_value_cents",
    }
    if set(data) - known:
        raise _unreadable("conditions")
    complaint = data.get("complaint")
    value = data.get("min_value_cents")
    if complaint not in (None, True, False) or not isinstance(data.get("vip", False), bool):
        raise _unreadable("conditions")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise _unreadable("conditions")
    return check_conditions(
        Conditions(
            channels=_strings(data, "channels"),
            words=_strings(data, "words"),
            tags=_strings(data, "tags"),
            complaint=complaint,
            plans=_strings(data, "plans"),
            vip=data.get("vip", False),
            min_value_cents=value,
            priorities=_strings(data, "priorities"),
            languages=_strings(data, "languages"),
            statuses=_strings(data, "statuses"),
        )
    )


def actions_from_json(data: Any) -> tuple[Action, ...]:
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise _unreadable("actions")
    steps = data.get("steps")
    if not isinstance(steps, list):
        raise _unreadable("actions")
    actions = []
    fields = {"type", "priority", "tags", "user_id", "user_ids", "body", "saved_reply_id", "status"}
    for step in steps:
        if not isinstance(step, dict) or set(step) - fields or step.get("type") not in ACTION_TYPES:
            raise _unreadable("actions")
        tags, people = step.get("tags", []), step.get("user_ids", [])
        if not isinstance(tags, list) or not isinstance(people, list):
            raise _unreadable("actions")
        for key in ("user_id", "saved_reply_id"):
            if step.get(key) is not None and (
                isinstance(step[key], bool) or not isinstance(step[key], int)
            ):
                raise _unreadable("actions")
        if not all(isinstance(item, int) and not isinstance(item, bool) for item in people):
            raise _unreadable("actions")
        for key in ("priority", "body", "status"):
            if step.get(key) is not None and not isinstance(step[key], str):
                raise _unreadable("actions")
        actions.append(
            Action(
                type=step["type"],
                priority=step.get("priority"),
                tags=tuple(str(tag) for tag in tags),
                user_id=step.get("user_id"),
                user_ids=tuple(people),
                body=step.get("body", ""),
                saved_reply_id=step.get("saved_reply_id"),
                status=step.get("status"),
            )
        )
    return check_actions(actions)


def spec_of(rule: AutomationRule) -> RuleSpec:
    """The stored rule as plain values, checked (raises ValidationError if unreadable)."""
    trigger = check_trigger(
        Trigger(
            type=rule.trigger,
            status=rule.trigger_status,
            time_field=rule.time_field,
            amount=rule.time_amount,
            unit=rule.time_unit,
        )
    )
    return RuleSpec(
        name=rule.name,
        trigger=trigger,
        conditions=conditions_from_json(rule.conditions),
        actions=actions_from_json(rule.actions),
    )


def store_spec(rule: AutomationRule, spec: RuleSpec) -> None:
    """Write a checked spec onto the rule's columns."""
    rule.name = spec.name
    rule.trigger = spec.trigger.type
    rule.trigger_status = spec.trigger.status
    rule.time_field = spec.trigger.time_field
    rule.time_amount = spec.trigger.amount
    rule.time_unit = spec.trigger.unit
    rule.conditions = conditions_json(spec.conditions)
    rule.actions = actions_json(spec.actions)
