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


def original_choices(*, exclude: int | None) -> list[tuple[str, str]]:
    """(id, "title (language)") of every original article (drafts too) but `exclude`, by
    title: what a new translation may translate."""
    rows = db.session.execute(
        sa.select(Article.id, Article.title, Article.language)
        .where(Article.translation_of_id.is_(None))
        .order_by(Article.title, Article.id)
    )
    return [(str(row.id), f"{row.title} ({row.language})") for row in rows if row.id != exclude]


def language_versions(article: Article, *, published_only: bool = False) -> list[Article]:
    """The article's other language versions (its original and the original's
    translations; drafts too unless `published_only`), in language order."""
    original_id = article.original_id
    statement = sa.select(Article).where(
        sa.or_(Article.id == original_id, Article.translation_of_id == original_id),
        Article.id != article.id,
    )
    if published_only:
        statement = statement.where(Article.published.is_(True))
    return list(db.session.scalars(statement.order_by(Article.language, Article.id)))
