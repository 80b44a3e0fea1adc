"""Schemathesis hooks for `test_api_fuzz.py` (loaded through SCHEMATHESIS_HOOKS): the two
rules the OpenAPI document states in words because JSON Schema cannot state them, applied
to the requests Schemathesis means to be valid (negative cases are left alone).

- `after`: a cursor is valid only as `next_cursor` of the same list with the same
  parameters; the document gives its alphabet (base64url), the server refuses any other
  cursor with a 422. A valid case's `after` becomes a cursor of the shape that list and
  those parameters use, with values derived from what Schemathesis drew.
- `due_at` of a promise: in the future and at most 60 days ahead, a window that moves with
  the clock. A valid case's `due_at` is moved into it.

Both are derived from the drawn value, so a run stays reproducible for a seed.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import schemathesis

from helpdesk.forms import MAX_ID
from helpdesk.tickets.inbox_filters import encode_cursor


def _number(drawn: Any, salt: str, modulo: int) -> int:
    digest = hashlib.sha256(f"{salt}:{drawn!r}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % modulo


def _moment(drawn: Any) -> datetime:
    return datetime(2000, 1, 1, tzinfo=UTC) + timedelta(seconds=_number(drawn, "t", 3_000_000_000))


def _ticket_cursor(query: dict[str, Any], drawn: Any) -> str:
    """A cursor of the shape `helpdesk.tickets.inbox` reads for these parameters."""
    moment, row_id = _moment(drawn), 1 + _number(drawn, "id", MAX_ID)
    view, sort = query.get("view") or "all", query.get("sort") or "latest"
    if " ".join(str(query.get("q") or "").split()):
        return encode_cursor([_number(drawn, "score", 1000) / 7, row_id])
    if view == "breaching":
        return encode_cursor(["due", moment, row_id])
    if view in ("promises", "snoozed", "spam"):
        return encode_cursor([moment, row_id])
    if sort in ("waiting", "due"):
        part = sort if _number(drawn, "part", 2) else "other"
        return encode_cursor([part, moment, row_id])
    if sort == "priority":
        return encode_cursor([_number(drawn, "rank", 4), moment, row_id])
    return encode_cursor([moment, row_id])


def _is_positive(case: Any) -> bool:
    return case.meta is not None and case.meta.generation.mode.is_positive


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    if not _is_positive(case):
        return case
    path = case.operation.path
    query = case.query
    if isinstance(query, dict) and query.get("after"):
        drawn = query["after"]
        if path.endswith("/tickets"):
            query["after"] = _ticket_cursor(query, drawn)
        else:  # helpdesk.api.pagination: (created_at, id)
            query["after"] = encode_cursor([_moment(drawn), 1 + _number(drawn, "id", MAX_ID)])
    body = case.body
    if path.endswith("/promises") and isinstance(body, dict) and "due_at" in body:
        ahead = timedelta(minutes=10 + _number(body["due_at"], "due", 59 * 24 * 60))
        body["due_at"] = (datetime.now(UTC) + ahead).isoformat()
    return case
