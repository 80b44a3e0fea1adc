"""Lookups views repeat: the row a URL names, or 404 (a ticket by its number:
`tickets/lookups.py`)."""

from __future__ import annotations

from typing import TypeVar

from helpdesk.extensions import db

M = TypeVar("M")


def row_or_404(model: type[M], row_id: int) -> M:
    """The `model` row with this primary key, or the 404 page."""
    return db.get_or_404(model, row_id)
