"""Reads for the saved replies page and the composer's picker."""

from __future__ import annotations

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import SavedReply, User
from helpdesk.search.terms import like_pattern

SCOPES = ("team", "personal")


def _visible(user: User) -> sa.ColumnElement[bool]:
    """Team replies and the user's own (the HEARD panel's phrases are filtered apart)."""
    return sa.or_(SavedReply.owner_id.is_(None), SavedReply.owner_id == user.id)


def replies_listed(
    user: User, *, search: str = "", language: str = "", scope: str = ""
) -> list[SavedReply]:
    """The replies `user` can see (team ones and their own), filtered, most used first."""
    query = sa.select(SavedReply).where(_visible(user), SavedReply.heard_step.is_(None))
    if scope == "team":
        query = query.where(SavedReply.owner_id.is_(None))
    elif scope == "personal":
        query = query.where(SavedReply.owner_id == user.id)
    if language:
        query = query.where(SavedReply.language == language)
    for word in search.split()[:5]:
        pattern = like_pattern(word)
        query = query.where(
            sa.or_(
                SavedReply.title.ilike(pattern, escape="\\"),
                SavedReply.body.ilike(pattern, escape="\\"),
                SavedReply.keywords.ilike(pattern, escape="\\"),
            )
        )
    query = query.order_by(SavedReply.use_count.desc(), SavedReply.title, SavedReply.id)
    return list(db.session.scalars(query.limit(500)))


def replies_for_picker(user: User, language: str | None) -> list[SavedReply]:
    """Everything the picker offers `user`: the ticket's language first, then the others;
    within each, the most used first. The picker searches these in the browser."""
    first = sa.case((SavedReply.language == (language or "en"), 0), else_=1)
    query = (
        sa.select(SavedReply)
        .where(_visible(user), SavedReply.heard_step.is_(None), SavedReply.active.is_(True))
        .order_by(first, SavedReply.use_count.desc(), SavedReply.title, SavedReply.id)
        .limit(500)
    )
    return list(db.session.scalars(query))
