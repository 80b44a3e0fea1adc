"""The keyset pagination helper on the test databases: tuple comparison over UTC
timestamps, ties broken by id, and cursors that are not ours refused."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from helpdesk.api.pagination import _encode, paginate
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.models import Customer

T0 = datetime(2025, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)


def _customers(moments: list[datetime]) -> list[int]:
    rows = [
        Customer(email=f"c{n}@example.net", name=f"C {n}", created_at=moment)
        for n, moment in enumerate(moments)
    ]
    db.session.add_all(rows)
    db.session.commit()
    return [row.id for row in rows]


def _walk(limit: int, after: str | None = None) -> list[int]:
    seen: list[int] = []
    while True:
        page = paginate(
            sa.select(Customer),
            created_at=Customer.created_at,
            row_id=Customer.id,
            limit=limit,
            after=after,
        )
        seen += [row.id for row in page.items]
        if page.next_cursor is None:
            return seen
        after = page.next_cursor


@pytest.mark.parametrize("limit", [1, 2, 3, 50])
def test_pages_walk_newest_first_with_ties_by_id(database, limit):
    # Three rows share one instant (ties), one is a microsecond older, one a day newer.
    ids = _customers([T0, T0, T0 - timedelta(microseconds=1), T0 + timedelta(days=1), T0])
    expected = [ids[3], ids[4], ids[1], ids[0], ids[2]]
    assert _walk(limit) == expected


def test_a_cursor_in_another_offset_means_the_same_instant(database):
    ids = _customers([T0 - timedelta(hours=2), T0 - timedelta(hours=1), T0])
    # The same instant as the middle row, written with a +07:00 offset.
    bangkok = (T0 - timedelta(hours=1)).astimezone(timezone(timedelta(hours=7)))
    raw = json.dumps([bangkok.isoformat(), ids[1]]).encode()
    cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    assert _walk(10, cursor) == [ids[0]]
    assert _walk(10, _encode(T0 - timedelta(hours=1), ids[1])) == [ids[0]]


@pytest.mark.parametrize(
    "cursor",
    [
        "%%%",
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        base64.urlsafe_b64encode(b'["2025-03-01T09:30:00", 1]').decode(),  # naive
        base64.urlsafe_b64encode(b'["2025-03-01T09:30:00+00:00", true]').decode(),
        base64.urlsafe_b64encode(b'["2025-03-01T09:30:00+00:00", 0]').decode(),
        base64.urlsafe_b64encode(b'["2025-03-01T09:30:00+00:00", 99999999999]').decode(),
        base64.urlsafe_b64encode(b'["0001-01-01T00:00:00+05:00", 1]').decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_broken_cursors_name_after(database, cursor):
    with pytest.raises(ValidationError) as caught:
        _walk(10, cursor)
    assert caught.value.field == "after"
