"""Who is told what, as reactions to other features' events (in their transactions):

- assigned: the new assignee of a ticket (an edit, a bulk change, round-robin intake),
  unless they assigned it to themselves;
- customer_replied: the ticket's assignee (nobody on an unassigned ticket), from any
  channel (the conversation page, the widget, an emailed reply: all publish
  `CustomerReplied`);
- mentioned: each active staff member an internal note @mentions, except its author;
- escalated: every active founder, for every escalation raised, by any path;
- promise_reminder / promise_missed: the ticket's assignee, else who promised.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.founders.events import EscalationRaised
from helpdesk.models import Promise, Ticket, User
from helpdesk.notifications.mentions import mentioned_ids
from helpdesk.notifications.steps import NewNotification, notify
from helpdesk.promises.events import PromisesMissed, RemindersDue
from helpdesk.tickets.events import CustomerReplied, StaffReplied, TicketCreated, TicketUpdated


def _active(user_id: int | None) -> bool:
    if user_id is None:
        return False
    user = db.session.get(User, user_id)
    return user is not None and user.active


def _assigned(ticket: Ticket, assignee_id: object, actor: User | None) -> None:
    if not isinstance(assignee_id, int) or (actor is not None and actor.id == assignee_id):
        return
    if not _active(assignee_id):
        return
    notify(
        [
            NewNotification(
                user_id=assignee_id,
                kind="assigned",
                ticket_id=ticket.id,
                actor_id=actor.id if actor is not None else None,
            )
        ]
    )


def assigned_on_update(event: TicketUpdated) -> None:
    change = event.changes.get("assignee")
    if change:
        _assigned(event.ticket, change[1], event.actor)


def assigned_on_create(event: TicketCreated) -> None:
    """Round-robin (or the agent taking a ticket down for someone else) assigns at intake."""
    _assigned(event.ticket, event.ticket.assignee_id, event.actor)


def customer_replied(event: CustomerReplied) -> None:
    assignee_id = event.ticket.assignee_id
    if assignee_id is None or not _active(assignee_id):
        return
    notify(
        [
            NewNotification(
                user_id=assignee_id,
                kind="customer_replied",
                ticket_id=event.ticket.id,
                message_id=event.message.id,
            )
        ]
    )


def mentioned(event: StaffReplied) -> None:
    if not event.internal:
        return
    notify(
        [
            NewNotification(
                user_id=user_id,
                kind="mentioned",
                ticket_id=event.ticket.id,
                message_id=event.message.id,
                actor_id=event.author.id,
            )
            for user_id in mentioned_ids(event.message.body_source)
            if user_id != event.author.id
        ]
    )


def escalated(event: EscalationRaised) -> None:
    founders = db.session.scalars(
        sa.select(User.id).where(User.active.is_(True), User.role == "founder").order_by(User.id)
    )
    notify(
        [
            NewNotification(
                user_id=user_id,
                kind="escalated",
                ticket_id=event.escalation.ticket_id,
                escalation_id=event.escalation.id,
            )
            for user_id in founders
        ]
    )


def _about_promises(promise_ids: Sequence[int], kind: str) -> None:
    """Tell the ticket's assignee (else the agent who promised) about each promise, when
    that person is still active."""
    if not promise_ids:
        return
    told = sa.func.coalesce(Ticket.assignee_id, Promise.agent_id)
    rows = db.session.execute(
        sa.select(Promise.id, Promise.ticket_id, told)
        .join(Ticket, Ticket.id == Promise.ticket_id)
        .join(User, User.id == told)
        .where(Promise.id.in_(promise_ids), User.active.is_(True))
        .order_by(Promise.due_at, Promise.id)
    )
    notify(
        [
            NewNotification(user_id=user_id, kind=kind, ticket_id=ticket_id, promise_id=promise_id)
            for promise_id, ticket_id, user_id in rows
        ]
    )


def promise_reminders(event: RemindersDue) -> None:
    _about_promises(event.promise_ids, "promise_reminder")


def promises_missed(event: PromisesMissed) -> None:
    _about_promises(event.promise_ids, "promise_missed")


REACTIONS = (
    (TicketCreated, assigned_on_create),
    (TicketUpdated, assigned_on_update),
    (CustomerReplied, customer_replied),
    (StaffReplied, mentioned),
    (EscalationRaised, escalated),
    (RemindersDue, promise_reminders),
    (PromisesMissed, promises_missed),
)
