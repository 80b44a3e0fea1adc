"""Merging a ticket into another of the same customer: the conversation moves to the
target (messages with their files, promises, tags, a rating, the founders' escalations),
the source is closed with `merged_into_id` and a system note, and both histories say so.

Whatever still names the source — an email link `/c/<token>`, the widget's stored
conversation, a reply threaded on the source's Message-IDs or reply address — leads to
the target: the lookups follow `merged_into_id` (`merge_target`). A merge cannot be
undone (the page's confirmation says so).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.errors import ValidationError
from helpdesk.events import publish
from helpdesk.extensions import db
from helpdesk.models import Escalation, Message, Promise, Rating, Ticket, User
from helpdesk.models.ticket import DONE_STATUSES
from helpdesk.rendering import markdown_to_html
from helpdesk.tickets.events import TicketUpdated
from helpdesk.tickets.queries import customer_other_tickets
from helpdesk.tickets.steps import SeenState, apply_status, check_not_stale, snippet

MAX_HOPS = 20  # a chain of merges is followed this far (each merge points at a live one)


def merge_target(ticket: Ticket) -> Ticket:
    """The ticket that holds `ticket`'s conversation now: itself unless it was merged."""
    for _hop in range(MAX_HOPS):
        if ticket.merged_into_id is None:
            return ticket
        target = db.session.get(Ticket, ticket.merged_into_id)
        if target is None:
            return ticket
        ticket = target
    return ticket


def merge_candidates(ticket: Ticket) -> list[sa.Row[Any]]:
    """The customer's other tickets this one could be merged into, latest first (those
    the customer panel lists, without merged or spam ones), as `customer_other_tickets`
    rows."""
    return [
        other
        for other in customer_other_tickets(ticket)
        if other.merged_into_id is None and other.spam_at is None
    ]


def merge_target_by_number(raw: str | int | None) -> Ticket:
    """The ticket a person named ("#42", "42") as the merge target."""
    text = str(raw or "").strip().lstrip("#").strip()
    if not text:
        raise ValidationError("target", _("Choose the ticket to merge into."))
    if not text.isdigit() or len(text) > 12:
        raise ValidationError("target", _("Give a ticket number, like 42."))
    target = db.session.scalar(sa.select(Ticket).where(Ticket.number == int(text)))
    if target is None:
        raise ValidationError("target", _("There is no ticket #%(number)s.", number=text))
    return target


def check_merge(source: Ticket, target: Ticket) -> None:
    """The rules a merge must pass (each a ValidationError on `target`)."""
    if source.id == target.id:
        raise ValidationError("target", _("A ticket cannot be merged into itself."))
    if source.merged_into_id is not None:
        raise ValidationError("target", _("#%(number)d was merged already.", number=source.number))
    if target.merged_into_id is not None:
        raise ValidationError(
            "target",
            _(
                "#%(number)d was merged into another ticket; merge into that one.",
                number=target.number,
            ),
        )
    if source.customer_id != target.customer_id:
        raise ValidationError(
            "target",
            _(
                "#%(number)d belongs to another customer: only the same customer's tickets "
                "can be merged.",
                number=target.number,
            ),
        )
    if target.spam_at is not None or source.spam_at is not None:
        raise ValidationError("target", _("A ticket marked as spam cannot be merged."))


def _system_note(ticket: Ticket, text: str) -> Message:
    message = Message(
        ticket=ticket,
        author_type="system",
        body_source=text,
        body_html=markdown_to_html(text),
        internal=True,
        created_at=now(),
    )
    db.session.add(message)
    return message


def _move_promises(source: Ticket, target: Ticket) -> int:
    """Every promise moves; when both have a pending one the target's stands and the
    source's is cancelled (one pending promise per ticket)."""
    target_pending = db.session.scalar(
        sa.select(Promise.id).where(Promise.ticket_id == target.id, Promise.status == "pending")
    )
    if target_pending is not None:
        db.session.execute(
            sa.update(Promise)
            .where(Promise.ticket_id == source.id, Promise.status == "pending")
            .values(status="cancelled")
            .execution_options(synchronize_session=False)
        )
    moved = db.session.execute(
        sa.update(Promise)
        .where(Promise.ticket_id == source.id)
        .values(ticket_id=target.id)
        .execution_options(synchronize_session=False)
    )
    return int(moved.rowcount or 0)  # type: ignore[attr-defined]


def _refresh_derived(target: Ticket, source: Ticket) -> None:
    """The target's columns derived from its messages, now that it has the source's."""
    latest_public = db.session.scalar(
        sa.select(Message)
        .where(Message.ticket_id == target.id, Message.internal.is_(False))
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(1)
    )
    if latest_public is not None:
        target.last_message_snippet = snippet(latest_public.body_source)
    waits = [at for at in (target.waiting_since, source.waiting_since) if at is not None]
    target.waiting_since = min(waits) if waits else None
    firsts = [at for at in (target.first_staff_reply_at, source.first_staff_reply_at) if at]
    target.first_staff_reply_at = min(firsts) if firsts else None
    target.last_activity_at = now()


@use_case
def ticket_merge(
    *, source: Ticket, target: Ticket, actor: User, seen: SeenState | None = None
) -> Ticket:
    """Merge `source` into `target` (see the module docstring); returns the target.
    `seen` is what the actor's page showed of the source: a change since refuses."""
    check_not_stale(source, seen, actor)
    check_merge(source, target)
    source_was_open = source.is_open
    moved = db.session.execute(
        sa.update(Message)
        .where(Message.ticket_id == source.id)
        .values(ticket_id=target.id)
        .execution_options(synchronize_session=False)
    )
    messages = int(moved.rowcount or 0)  # type: ignore[attr-defined]
    promises = _move_promises(source, target)
    db.session.execute(
        sa.update(Escalation)
        .where(Escalation.ticket_id == source.id)
        .values(ticket_id=target.id)
        .execution_options(synchronize_session=False)
    )
    target_rating = db.session.scalar(sa.select(Rating.id).where(Rating.ticket_id == target.id))
    if target_rating is None:
        db.session.execute(
            sa.update(Rating)
            .where(Rating.ticket_id == source.id)
            .values(ticket_id=target.id)
            .execution_options(synchronize_session=False)
        )
    # Loaded collections still list the moved rows under the source: read them again.
    db.session.expire(source, ["messages"])
    db.session.expire(target, ["messages"])
    tags_before = sorted(tag.name for tag in target.tags)
    for tag in source.tags:
        if tag not in target.tags:
            target.tags.append(tag)
    tags_after = sorted(tag.name for tag in target.tags)
    _refresh_derived(target, source)

    source_status = source.status
    source.merged_into_id = target.id
    source.snoozed_until = None
    source.waiting_since = None
    apply_status(source, "closed", actor)
    target_changes: dict[str, list[object]] = {}
    if source_was_open and target.status in DONE_STATUSES:
        target_changes["status"] = [target.status, "open"]
        apply_status(target, "open", actor)
    if tags_after != tags_before:
        target_changes["tags"] = [tags_before, tags_after]
    _system_note(source, _("Merged into #%(number)d.", number=target.number))
    _system_note(target, _("Merged from #%(number)d.", number=source.number))
    db.session.flush()

    source_changes: dict[str, list[object]] = {}
    if source_status != "closed":
        source_changes["status"] = [source_status, "closed"]
    audit(
        actor=actor,
        action="ticket.merge",
        obj=source,
        changes={**source_changes, "merged_into": f"#{target.number}"},
    )
    audit(
        actor=actor,
        action="ticket.merged_in",
        obj=target,
        changes={
            **target_changes,
            "merged_from": f"#{source.number}",
            "messages_moved": messages,
            "promises_moved": promises,
        },
    )
    if source_changes:
        publish(TicketUpdated(ticket=source, changes=dict(source_changes), actor=actor))
    if target_changes:
        publish(TicketUpdated(ticket=target, changes=dict(target_changes), actor=actor))
    return target
