"""Reads for the phrase library page."""

from __future__ import annotations

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import Phrase


def phrases_listed(language: str | None = None) -> list[Phrase]:
    """Every phrase (of `language`, when given), by step, language and position."""
    query = sa.select(Phrase).order_by(Phrase.step, Phrase.language, Phrase.position, Phrase.id)
    if language:
        query = query.where(Phrase.language == language)
    return list(db.session.scalars(query))
