"""Keyset pagination for API lists: newest first by (created_at, id), with an opaque
cursor, so a deep page costs what the first one does and rows added meanwhile don't shift
what the next page shows."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from flask_babel import gettext as _
from pydantic import Field

from helpdesk.api.schemas import In
from helpdesk.api.text_rules import CURSOR
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.forms import MAX_ID

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 100


class PageQuery(In):
    """Query parameters every paginated list accepts (subclass it to add filters)."""

    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    after: str | None = Field(
        default=None,
        max_length=200,
        pattern=CURSOR,
        description="The `next_cursor` of the previous page; any other value is a 422.",
    )


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def _encode(created_at: datetime, row_id: int) -> str:
    raw = json.dumps([created_at.isoformat(), row_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        moment, row_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        created_at = datetime.fromisoformat(moment)
        if (
            created_at.tzinfo is None
            or not isinstance(row_id, int)
            or isinstance(row_id, bool)
            or not 0 < row_id <= MAX_ID
        ):
            raise ValueError
        # In UTC, as stored: a hand-made "+07:00" cursor still means the same instant.
        return created_at.astimezone(UTC), row_id
    except (ValueError, TypeError, OverflowError, binascii.Error, UnicodeDecodeError) as exc:
        raise ValidationError("after", _("This cursor is not valid; start from the top.")) from exc


def paginate(
    query: sa.Select[Any],
    *,
    created_at: Any,
    row_id: Any,
    limit: int,
    after: str | None,
) -> Page[Any]:
    """One page of `query` (a select of model objects), newest first by `created_at` then
    `row_id` (the columns to sort and seek on; index them together)."""
    if after:
        moment, last_id = _decode(after)
        # Bound with the columns' own types: a bare datetime would be bound as a plain
        # DateTime, which on SQLite drops the offset instead of converting to UTC.
        bound = sa.tuple_(
            sa.literal(moment, type_=created_at.type), sa.literal(last_id, type_=row_id.type)
        )
        query = query.where(sa.tuple_(created_at, row_id) < bound)
    rows = list(
        db.session.scalars(query.order_by(created_at.desc(), row_id.desc()).limit(limit + 1))
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = _encode(getattr(last, created_at.key), getattr(last, row_id.key))
    return Page(items=rows, next_cursor=next_cursor)
