"""What sending a reply made from a saved reply does, inside the reply's transaction: count
the use and apply the reply's actions (status, priority, tags). Never commits."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.clock import now
from helpdesk.errors import DomainError, ValidationError
from helpdesk.extensions import db
from helpdesk.models import SavedReply, Ticket, User
from helpdesk.saved_replies.service import can_use
from helpdesk.tickets.steps import UNSET, apply_update, record_update


def saved_reply_used(
    *,
    ticket: Ticket,
    author: User,
    reply_id: int,
    apply_actions: bool,
    requested_status: str | None,
) -> dict[str, list[object]]:
    """Count one use of the saved reply and, if asked, apply its actions; returns what
    changed on the ticket. A reply the author may not use (someone else's personal one, a
    deleted one) counts nothing and changes nothing: the text was the author's to send.
    A status chosen with the send button ("Send and resolve") wins over the reply's."""
    reply = db.session.get(SavedReply, reply_id)
    if reply is None or not can_use(author, reply):
        return {}
    db.session.execute(
        sa.update(SavedReply)
        .where(SavedReply.id == reply.id)
        .values(use_count=SavedReply.use_count + 1, last_used_at=now())
        .execution_options(synchronize_session=False)
    )
    db.session.expire(reply, ["use_count", "last_used_at"])
    if not apply_actions or not reply.has_actions:
        return {}
    status = reply.set_status if requested_status is None else None
    try:
        changes = apply_update(
            ticket,
            status=status,
            priority=reply.set_priority,
            assignee_id=UNSET,
            tags=None,
            add_tags=reply.tag_names,
            actor=author,
        )
    except DomainError as error:  # e.g. a complaint under recovery cannot be closed
        raise ValidationError(
            "saved_reply_id",
            _(
                "The saved reply's actions could not be applied: %(reason)s Remove them "
                "and send again — your text is kept.",
                reason=error.message,
            ),
        ) from error
    if changes:
        record_update(ticket, changes, author, "ticket.update")
    return changes
