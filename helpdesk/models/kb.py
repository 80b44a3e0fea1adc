"""Knowledge-base articles: Markdown written by staff, published to the help centre."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.clock import now
from helpdesk.models.base import Base

if TYPE_CHECKING:
    from helpdesk.models.ticket import Ticket
    from helpdesk.models.user import User


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    body_source: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    published: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None]
    # The ticket whose reply became this article ("publish as article"), if any.
    source_ticket_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("tickets.id", ondelete="SET NULL")
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # One of the app's languages; the help centre and widget show a reader the article in
    # theirs when there is one (helpdesk.search.articles.for_language).
    language: Mapped[str] = mapped_column(sa.String(8), default="en", server_default="en")
    # The original this article translates; translations of one original share it.
    translation_of_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("articles.id", ondelete="SET NULL")
    )
    helpful_yes: Mapped[int] = mapped_column(default=0, server_default="0")
    helpful_no: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)

    source_ticket: Mapped[Ticket | None] = relationship()
    author: Mapped[User | None] = relationship()
    translation_of: Mapped[Article | None] = relationship(remote_side=[id])

    __table_args__ = (
        sa.Index("ix_articles_published_updated_at", "published", "updated_at", "id"),
        sa.CheckConstraint("helpful_yes >= 0 AND helpful_no >= 0", name="votes_not_negative"),
        # At most one translation per language of an original.
        sa.Index(
            "ix_articles_translation_of_id_language", "translation_of_id", "language", unique=True
        ),
    )

    @property
    def original_id(self) -> int:
        """The id its translations share: the original's."""
        return self.translation_of_id or self.id

    def __repr__(self) -> str:
        return f"<Article {self.slug}>"
