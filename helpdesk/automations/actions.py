"""Doing a rule's actions on one ticket, through the ticket steps a person's change goes
through (`apply_update`, `apply_status`), so the history, notifications, webhooks and
mail follow as they do for a person. Part of the caller's transaction; never commits.

A rule's messages (an internal note, a saved reply, the closing message) are written by
the helpdesk itself (`author_type="system"`): a public one is emailed to the customer and
announced to webhooks like a staff reply, but it does not keep a promised update (only a
person's reply does) and does not assign the ticket to anyone."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from helpdesk.automations.rules import Action, RuleSpec
from helpdesk.clock import now
from helpdesk.db.upsert import insert_on_conflict
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.founders.escalations import ACTIVE_STATES, escalation_raise
from helpdesk.mail.events import mail_staff_reply
from helpdesk.models import AutomationRule, Escalation, Message, SavedReply, Tag, Ticket, User
from helpdesk.rendering import markdown_to_html
from helpdesk.saved_replies.placeholders import fill_placeholders, promise_time
from helpdesk.tickets.steps import UNSET, apply_update, clean_body, record_message
from helpdesk.webhooks.events import message_created_event


def default_closing_text(language: str | None) -> str:
    """The polite note a closing rule sends when the admin wrote none, in the customer's
    language (English when the catalog has no translation)."""
    with force_locale(language or "en"):
        return _(
            "We haven't heard back from you for a while, so we are closing this conversation "
            "for now. If you still need help, reply to this message within 30 days and it "
            "will open again."
        )


def active_user(user_id: int, field: str) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        raise ValidationError(field, _("Someone the rule names is no longer on the team."))
    return user


def usable_saved_reply(reply_id: int) -> SavedReply:
    reply = db.session.get(SavedReply, reply_id)
    if reply is None or not reply.active or not reply.is_team or reply.heard_step is not None:
        raise ValidationError(
            "saved_reply", _("The saved reply the rule sends was deleted or switched off.")
        )
    return reply


def _message(ticket: Ticket, body: str, *, internal: bool) -> Message:
    body = clean_body(body)
    message = Message(
        ticket=ticket,
        author_type="system",
        body_source=body,
        body_html=markdown_to_html(body),
        internal=internal,
        created_at=now(),
    )
    db.session.add(message)
    record_message(ticket, message)
    db.session.flush()
    if not internal:
        mail_staff_reply(message)
    message_created_event(message)
    return message


def _ensure_tags(names: tuple[str, ...]) -> None:
    """Create the rule's tags if missing, without failing when another transaction (a
    second scheduler, a web host) creates the same tag at the same moment."""
    db.session.execute(
        insert_on_conflict(Tag)
        .values([{"name": name} for name in names])
        .on_conflict_do_nothing(index_elements=["name"])
    )


def _in_founders_queue(ticket: Ticket) -> bool:
    db.session.flush()
    return (
        db.session.scalar(
            sa.select(Escalation.id)
            .where(Escalation.ticket_id == ticket.id, Escalation.status.in_(ACTIVE_STATES))
            .limit(1)
        )
        is not None
    )


def _next_turn(rule: AutomationRule, people: list[User]) -> User:
    """Whose turn it is: one atomic UPDATE … RETURNING on the rule's counter, so two hosts
    running the rule at once hand out different turns."""
    taken = db.session.scalar(
        sa.update(AutomationRule)
        .where(AutomationRule.id == rule.id)
        .values(turns_taken=AutomationRule.turns_taken + 1)
        .returning(AutomationRule.turns_taken)
        .execution_options(synchronize_session=False)
    )
    return people[((taken or 1) - 1) % len(people)]


def _filled(text: str, ticket: Ticket) -> str:
    customer = ticket.customer
    named = bool(customer.name and customer.name.strip())
    values: dict[str, str | None] = {
        "customer_first_name": customer.first_name if named else None,
        "customer_name": customer.name.strip() if named else None,
        "ticket_number": str(ticket.number),
        "promise_time": promise_time(ticket),
    }
    return fill_placeholders(text, values, customer.language or "en")


def perform(
    rule: AutomationRule, spec: RuleSpec, ticket: Ticket, actor: str
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Do each action in order; returns what was done (for the run's record) and the
    ticket's changes (for the history). A refused step raises: the caller undoes them all."""
    done: list[dict[str, Any]] = []
    changes: dict[str, Any] = {}

    def update(**kwargs: Any) -> None:
        arguments: dict[str, Any] = {
            "status": None,
            "priority": None,
            "assignee_id": UNSET,
            "tags": None,
            **kwargs,
        }
        for key, change in apply_update(ticket, **arguments).items():
            before = changes[key][0] if key in changes else change[0]
            changes[key] = [before, change[1]]

    for action in spec.actions:
        done.append(_do(rule, spec, ticket, action, actor, update, changes))
    return done, changes


def _do(
    rule: AutomationRule,
    spec: RuleSpec,
    ticket: Ticket,
    action: Action,
    actor: str,
    update: Any,
    changes: dict[str, Any],
) -> dict[str, Any]:
    kind = action.type
    if kind == "set_priority":
        update(priority=action.priority)
        return {"type": kind, "priority": action.priority}
    if kind == "add_tags":
        _ensure_tags(action.tags)
        update(add_tags=list(action.tags))
        return {"type": kind, "tags": list(action.tags)}
    if kind == "assign":
        user = active_user(action.user_id or 0, "assign")
        update(assignee_id=user.id)
        return {"type": kind, "user_id": user.id}
    if kind == "round_robin":
        people = [
            user
            for user in db.session.scalars(
                sa.select(User).where(User.id.in_(action.user_ids), User.active.is_(True))
            )
        ]
        if not people:
            raise ValidationError("round_robin", _("Nobody the rule takes turns with is active."))
        order = {user_id: index for index, user_id in enumerate(action.user_ids)}
        people.sort(key=lambda user: order[user.id])
        user = _next_turn(rule, people)
        update(assignee_id=user.id)
        return {"type": kind, "user_id": user.id}
    if kind == "note":
        message = _message(ticket, action.body, internal=True)
        changes["note_id"] = message.id
        return {"type": kind, "message_id": message.id}
    if kind == "saved_reply":
        reply = usable_saved_reply(action.saved_reply_id or 0)
        message = _message(ticket, _filled(reply.body, ticket), internal=False)
        changes["message_id"] = message.id
        return {"type": kind, "saved_reply_id": reply.id, "message_id": message.id}
    if kind == "escalate":
        reason = "complaint" if spec.about_complaint else "automation"
        # Already in the queue for any cause (a VIP's complaint is put there by recovery
        # itself, as "vip"): founders see the ticket once.
        if _in_founders_queue(ticket):
            return {"type": kind, "reason": reason, "escalation_id": None}
        detail = action.body or _("Rule “%(name)s”", name=rule.name)
        escalation = escalation_raise(ticket=ticket, reason=reason, detail=detail, actor=actor)
        return {
            "type": kind,
            "reason": reason,
            "escalation_id": escalation.id if escalation is not None else None,
        }
    if kind == "close":
        text = action.body or default_closing_text(ticket.customer.language)
        message = _message(ticket, _filled(text, ticket), internal=False)
        changes["message_id"] = message.id
        update(status=action.status)
        return {"type": kind, "status": action.status, "message_id": message.id}
    raise ValidationError("actions", _("Unknown action."))
