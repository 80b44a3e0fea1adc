"""Saved replies: text an agent inserts into a reply, with placeholders and an optional
macro (set status, set priority, add tags). Team replies have no owner and are managed by
admins; personal replies belong to one staff member.

One library: the HEARD panel's phrases are team replies with `heard_step` set (managed on
the phrase library page, disabled rather than deleted, in `position` order); the composer's
picker offers the others. Migration 0017 moved the old `phrases` table here."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.clock import now
from helpdesk.models.base import Base, str_enum
from helpdesk.models.recovery import PHRASE_STEPS
from helpdesk.models.ticket import PRIORITIES, STATUSES
from helpdesk.models.user import DEFAULT_REGISTERS, PHRASE_REGISTERS, REGISTER_VALUES

if TYPE_CHECKING:
    from helpdesk.models.user import User

SAVED_REPLY_LANGUAGES = ("en", "th", "id", "bn")
__all__ = ["DEFAULT_REGISTERS", "PHRASE_REGISTERS", "REGISTER_VALUES", "SavedReply"]


class SavedReply(Base):
    __tablename__ = "saved_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL: a team reply (admins manage it); else the one staff member it belongs to.
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(120))
    body: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(str_enum("saved_reply_language", *SAVED_REPLY_LANGUAGES))
    # Words the picker also matches (a shortcut such as "refund"), space separated.
    keywords: Mapped[str] = mapped_column(sa.String(200), default="")
    # The macro: what sending a reply made from this one also changes (all optional).
    set_status: Mapped[str | None] = mapped_column(str_enum("saved_reply_status", *STATUSES))
    set_priority: Mapped[str | None] = mapped_column(str_enum("saved_reply_priority", *PRIORITIES))
    add_tags: Mapped[str] = mapped_column(sa.String(200), default="")  # "billing,refund"
    # A phrase of the HEARD panel: the step it is offered at (NULL: an everyday reply).
    heard_step: Mapped[str | None] = mapped_column(
        str_enum("saved_reply_heard_step", *PHRASE_STEPS)
    )
    # The register a phrase is written in (see PHRASE_REGISTERS); NULL: any register.
    register: Mapped[str | None] = mapped_column(str_enum("saved_reply_register", *REGISTER_VALUES))
    # The starting library's key for a seeded phrase ("hear.thanks"), so a later release can
    # update the rows nobody edited; NULL for phrases the team wrote.
    seed_key: Mapped[str | None] = mapped_column(sa.String(40))
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    use_count: Mapped[int] = mapped_column(default=0)
    last_used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)

    owner: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.Index("ix_saved_replies_owner_id_language", "owner_id", "language"),
        sa.Index("ix_saved_replies_heard_step_language", "heard_step", "language", "active"),
    )

    @property
    def is_team(self) -> bool:
        return self.owner_id is None

    @property
    def tag_names(self) -> list[str]:
        return [name for name in self.add_tags.split(",") if name]

    @property
    def has_actions(self) -> bool:
        return bool(self.set_status or self.set_priority or self.add_tags)

    def __repr__(self) -> str:
        return f"<SavedReply {self.id}>"
