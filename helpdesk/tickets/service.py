"""Staff use cases on tickets: reply or note, change properties, bulk changes (new tickets
and customers' own messages are in `intake`).

Each function here is one use case (`@use_case`: it commits once, or rolls back whatever it
changed when it raises). The rules and changes they are made of are in `steps.py`, for
other features to compose; what other features do in reaction (mail, webhooks, promises,
recovery) they do as subscribers to the events in `events.py`. The same rules hold
whichever door a change comes through (agent UI, widget, API, CLI).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.attachments.uploads import Upload
from helpdesk.db.transaction import use_case
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.models import Message, Ticket, User
from helpdesk.tickets.steps import (
    UNSET,
    SeenState,
    StaleTicket,
    apply_update,
    parse_tags,
    record_update,
    staff_reply,
)

# The use cases' parameter types and the error they raise, for their callers.
__all__ = [
    "UNSET",
    "SeenState",
    "StaleTicket",
    "ticket_reply",
    "ticket_update",
    "tickets_bulk_update",
]


@use_case
def ticket_reply(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    internal: bool = False,
    status: str | None = None,
    seen: SeenState | None = None,
    promise_due: datetime | None = None,
    promise_text: str | None = None,
    saved_reply_id: int | None = None,
    saved_reply_actions: bool = False,
    uploads: Sequence[Upload] = (),
) -> Message:
    """A public reply or an internal note by a staff member, with checked files (`uploads`).

    A reply to an unassigned ticket assigns it to the author; the first public reply sets
    the first-response time; `status` optionally moves the ticket on ("reply and resolve").
    `seen` is what the author's page showed: if someone else wrote or the status changed
    since, nothing is sent and StaleTicket says why. A public reply keeps the ticket's
    pending promise and may make a new one (`promise_due`, with the sentence it carries).
    `saved_reply_id` names the saved reply the text came from (its usage is counted and,
    with `saved_reply_actions`, its actions applied by the feature that reacts).
    """
    return staff_reply(
        ticket=ticket,
        author=author,
        body=body,
        internal=internal,
        status=status,
        seen=seen,
        promise_due=promise_due,
        promise_text=promise_text,
        saved_reply_id=saved_reply_id,
        saved_reply_actions=saved_reply_actions,
        uploads=uploads,
    )


@use_case
def ticket_update(
    *,
    ticket: Ticket,
    actor: User,
    status: str | None = None,
    priority: str | None = None,
    assignee_id: int | None | object = UNSET,
    tags: str | list[str] | None = None,
) -> dict[str, list[object]]:
    """Change a ticket's status, priority, assignee or tags; returns what changed."""
    changes = apply_update(
        ticket, status=status, priority=priority, assignee_id=assignee_id, tags=tags, actor=actor
    )
    if changes:
        record_update(ticket, changes, actor, "ticket.update")
    return changes


@use_case
def tickets_bulk_update(
    *,
    numbers: list[int],
    actor: User,
    status: str | None = None,
    assignee_id: int | None | object = UNSET,
    add_tag: str | None = None,
) -> int:
    """Apply one change to many tickets in one transaction; returns how many changed. One
    refused ticket refuses them all."""
    if not numbers:
        raise ValidationError("tickets", _("Select at least one ticket."))
    if status is None and assignee_id is UNSET and not add_tag:
        raise ValidationError("action", _("Choose what to change."))
    if len(numbers) > 500:
        raise ValidationError("tickets", _("Change at most 500 tickets at once."))
    tag_names = parse_tags(add_tag) if add_tag else []
    tickets = list(db.session.scalars(sa.select(Ticket).where(Ticket.number.in_(set(numbers)))))
    if len(tickets) != len(set(numbers)):
        raise ValidationError("tickets", _("Some selected tickets no longer exist."))
    changed = 0
    for ticket in tickets:
        changes = apply_update(
            ticket,
            status=status,
            priority=None,
            assignee_id=assignee_id,
            tags=None,
            add_tags=tag_names,
            actor=actor,
        )
        if changes:
            changed += 1
            record_update(ticket, changes, actor, "ticket.bulk_update")
    return changed
