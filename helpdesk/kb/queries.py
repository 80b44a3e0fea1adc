"""Reads for the knowledge-base pages (staff list, help centre, article from a reply)."""

from __future__ import annotations

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import Article, Message, Ticket


def article_by_id(article_id: int) -> Article | None:
    return db.session.get(Article, article_id)


def articles_slice(statement: sa.Select[Article], *, offset: int, limit: int) -> list[Article]:
    """`limit` articles of `statement` from `offset` on (callers ask one more than a page,
    to know whether there is a next one)."""
    return list(db.session.scalars(statement.offset(offset).limit(limit)))


def ticket_message(ticket: Ticket | None, message_id: int) -> Message | None:
    """The message with this id when it belongs to `ticket`, else None."""
    message = db.session.get(Message, message_id)
    if ticket is None or message is None or message.ticket_id != ticket.id:
        return None
    return message
