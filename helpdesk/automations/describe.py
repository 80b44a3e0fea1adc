"""A rule as sentences an admin reads ("When a customer replies, if the message mentions
“refund”, then assign to Dewi"), in the reader's language. Names of people and saved
replies are passed in (read once per page), so describing a list makes no queries."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from helpdesk.automations.rules import Action, Conditions, RuleSpec, Trigger
from helpdesk.format_filters import language_name
from helpdesk.tickets.labels import CHANNEL_LABELS, PRIORITY_LABELS, STATUS_LABELS

TRIGGER_LABELS = {
    "ticket_created": _l("A ticket is created"),
    "customer_replied": _l("A customer replies"),
    "customer_writes": _l("A customer writes (a new ticket or a reply)"),
    "status_changed": _l("The status changes"),
    "time_since": _l("Time has passed since…"),
}
TIME_FIELD_LABELS = {
    "status_since": _l("the status last changed"),
    "created": _l("the ticket was created"),
    "last_activity": _l("the last activity"),
    "customer_waiting": _l("the customer's unanswered message"),
}
TIME_UNIT_LABELS = {"hours": _l("hours"), "days": _l("days")}
ACTION_LABELS = {
    "set_priority": _l("Set priority"),
    "add_tags": _l("Add tags"),
    "assign": _l("Assign to"),
    "round_robin": _l("Assign in turns"),
    "note": _l("Add an internal note"),
    "saved_reply": _l("Send a saved reply"),
    "escalate": _l("Escalate to the founders"),
    "close": _l("Close with a message"),
}


def _quoted(values: tuple[str, ...]) -> str:
    return _(" or ").join(f"“{value}”" for value in values)


def _listed(values: list[str]) -> str:
    return _(" or ").join(values)


def trigger_sentence(trigger: Trigger) -> str:
    if trigger.type == "ticket_created":
        return _("When a ticket is created")
    if trigger.type == "customer_replied":
        return _("When a customer replies")
    if trigger.type == "customer_writes":
        return _("When a customer writes (a new ticket or a reply)")
    if trigger.type == "status_changed":
        if trigger.status:
            return _("When the status changes to %(status)s", status=STATUS_LABELS[trigger.status])
        return _("When the status changes")
    since = str(TIME_FIELD_LABELS.get(trigger.time_field or "", ""))
    if trigger.unit == "hours":
        return _("%(count)d hours after %(since)s", count=trigger.amount or 0, since=since)
    return _("%(count)d days after %(since)s", count=trigger.amount or 0, since=since)


def condition_phrases(conditions: Conditions) -> list[str]:
    c = conditions
    phrases = []
    if c.statuses:
        phrases.append(
            _(
                "the status is %(values)s",
                values=_listed([str(STATUS_LABELS[s]) for s in c.statuses]),
            )
        )
    if c.channels:
        phrases.append(
            _(
                "it came by %(values)s",
                values=_listed([str(CHANNEL_LABELS[value]) for value in c.channels]),
            )
        )
    if c.words:
        phrases.append(_("the message mentions %(words)s", words=_quoted(c.words)))
    if c.tags:
        phrases.append(_("it is tagged %(tags)s", tags=_quoted(c.tags)))
    if c.complaint is True:
        phrases.append(_("it is a complaint"))
    elif c.complaint is False:
        phrases.append(_("it is not a complaint"))
    if c.plans:
        phrases.append(_("the customer's plan is %(plans)s", plans=_quoted(c.plans)))
    if c.vip and c.min_value_cents is not None:
        phrases.append(
            _(
                "the customer is a VIP or has a lifetime value of at least %(value)s",
                value=f"{c.min_value_cents / 100:,.2f}",
            )
        )
    elif c.vip:
        phrases.append(_("the customer is a VIP"))
    elif c.min_value_cents is not None:
        phrases.append(
            _(
                "the customer's lifetime value is at least %(value)s",
                value=f"{c.min_value_cents / 100:,.2f}",
            )
        )
    if c.priorities:
        phrases.append(
            _(
                "the priority is %(values)s",
                values=_listed([str(PRIORITY_LABELS[p]) for p in c.priorities]),
            )
        )
    if c.languages:
        phrases.append(
            _(
                "the customer's language is %(values)s",
                values=_listed([language_name(code) for code in c.languages]),
            )
        )
    return phrases


def action_phrase(action: Action, people: Mapping[int, str], replies: Mapping[int, str]) -> str:
    kind = action.type
    if kind == "set_priority":
        return _("set priority to %(priority)s", priority=PRIORITY_LABELS[action.priority or ""])
    if kind == "add_tags":
        return _("tag it %(tags)s", tags=_quoted(action.tags))
    if kind == "assign":
        return _("assign to %(name)s", name=people.get(action.user_id or 0, _("someone removed")))
    if kind == "round_robin":
        names = [people.get(user_id, "?") for user_id in action.user_ids]
        return _("assign in turns to %(names)s", names=", ".join(names))
    if kind == "note":
        return _("add an internal note")
    if kind == "saved_reply":
        title = replies.get(action.saved_reply_id or 0, _("a deleted saved reply"))
        return _("send the saved reply “%(title)s”", title=title)
    if kind == "escalate":
        return _("put it in the founders' queue")
    if kind == "close":
        status = STATUS_LABELS[action.status or "closed"]
        if action.body:
            return _("send a closing message and set the status to %(status)s", status=status)
        return _("send the polite default note and set the status to %(status)s", status=status)
    return kind


def sentence(spec: RuleSpec, people: Mapping[int, str], replies: Mapping[int, str]) -> str:
    """The whole rule in one sentence."""
    when = trigger_sentence(spec.trigger)
    conditions = condition_phrases(spec.conditions)
    then = ", ".join(action_phrase(action, people, replies) for action in spec.actions)
    if conditions:
        return _(
            "%(when)s, if %(conditions)s, then %(actions)s.",
            when=when,
            conditions=_(" and ").join(conditions),
            actions=then,
        )
    return _("%(when)s, then %(actions)s.", when=when, actions=then)
