"""Reads for the phrase library page."""

from __future__ import annotations

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import SavedReply as Phrase


def phrases_listed(language: str | None = None) -> list[Phrase]:
    """Every phrase of the panel (of `language`, when given), by step, language, position."""
    query = (
        sa.select(Phrase)
        .where(Phrase.heard_step.is_not(None), Phrase.owner_id.is_(None))
        .order_by(Phrase.heard_step, Phrase.language, Phrase.position, Phrase.id)
    )
    if language:
        query = query.where(Phrase.language == language)
    return list(db.session.scalars(query))
