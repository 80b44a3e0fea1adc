"""The audit log for admins: every `AuditEvent`, newest first, filtered by who acted, the
action, the kind of thing changed and a date range (days in the reader's zone); paged by
id (keyset: a deep page costs what the first does, and events added meanwhile don't shift
the next page), and exported as CSV with spreadsheet formulas defused."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.forms import parse_id
from helpdesk.models import AuditEvent, User

PAGE_SIZE = 50
CSV_MAX_ROWS = 100_000
CSV_BATCH = 1000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# The actor filter's value for changes nobody logged in made (the CLI, the system,
# customers, anonymous requests).
NOT_A_PERSON = "none"


@dataclass(frozen=True)
class AuditFilters:
    actor_id: int | None = None
    not_a_person: bool = False
    action: str = ""
    subject: str = ""
    start: date | None = None
    end: date | None = None


# The filter's day range: a day's end must still be a date (9999-12-31 has no next day).
FIRST_DAY = date(1970, 1, 1)
LAST_DAY = date(9000, 12, 31)


def _date(raw: str, field: str) -> date | None:
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationError(field, _("Enter a date as YYYY-MM-DD.")) from exc
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(field, _("Enter a date between 1970 and 9000."))
    return day


def parse_filters(args: dict[str, str]) -> AuditFilters:
    """The filters in a query string; ValidationError names the bad one."""
    raw_actor = (args.get("actor") or "").strip()
    not_a_person = raw_actor == NOT_A_PERSON
    actor_id = parse_id(raw_actor) if raw_actor and not not_a_person else None
    if raw_actor and not not_a_person and actor_id is None:
        raise ValidationError("actor", _("Choose someone from the list."))
    action = (args.get("action") or "").strip()[:60]
    subject = (args.get("subject") or "").strip()[:40]
    start = _date((args.get("from") or "").strip(), "from")
    end = _date((args.get("to") or "").strip(), "to")
    if start and end and end < start:
        raise ValidationError("to", _("The end date is before the start date."))
    return AuditFilters(
        actor_id=actor_id,
        not_a_person=not_a_person,
        action=action,
        subject=subject,
        start=start,
        end=end,
    )


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def _query(filters: AuditFilters, zone: ZoneInfo) -> sa.Select[Any]:
    query = sa.select(AuditEvent)
    if filters.actor_id is not None:
        query = query.where(AuditEvent.actor_user_id == filters.actor_id)
    if filters.not_a_person:
        query = query.where(AuditEvent.actor_user_id.is_(None))
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.subject:
        query = query.where(AuditEvent.object_type == filters.subject)
    if filters.start is not None:
        query = query.where(AuditEvent.created_at >= _day_start(filters.start, zone))
    if filters.end is not None:
        query = query.where(
            AuditEvent.created_at < _day_start(filters.end + timedelta(days=1), zone)
        )
    return query


def audit_page(
    filters: AuditFilters, zone: ZoneInfo, *, before: int | None = None
) -> tuple[list[AuditEvent], int | None]:
    """One page of events, newest first, and the id to continue before (None: the end)."""
    query = _query(filters, zone).options(joinedload(AuditEvent.actor))
    if before is not None:
        query = query.where(AuditEvent.id < before)
    rows = list(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(PAGE_SIZE + 1)))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return rows, rows[-1].id if more and rows else None


def filter_choices() -> tuple[list[User], list[str], list[str]]:
    """Who may be chosen as the actor, and the actions and subject types recorded."""
    people = list(db.session.scalars(sa.select(User).order_by(User.name)))
    actions = list(db.session.scalars(sa.select(AuditEvent.action).distinct().order_by("action")))
    subjects = list(
        db.session.scalars(sa.select(AuditEvent.object_type).distinct().order_by("object_type"))
    )
    return people, actions, subjects


def actor_name(event: AuditEvent) -> str:
    if event.actor is not None:
        return event.actor.name
    return event.actor_label


def changes_text(event: AuditEvent) -> str:
    return json.dumps(event.changes or {}, ensure_ascii=False, sort_keys=True, default=str)


def safe_cell(text: str) -> str:
    """Spreadsheets run cells starting with = + - @ (or a tab or carriage return before
    them) as formulas: quote them."""
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def audit_csv(filters: AuditFilters, zone: ZoneInfo) -> Iterator[str]:
    """The filtered events as CSV lines, newest first, in batches (at most CSV_MAX_ROWS)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def flush() -> str:
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    writer.writerow(
        ["time_utc", "actor_id", "actor", "action", "subject_type", "subject_id", "changes"]
    )
    yield flush()
    before: int | None = None
    sent = 0
    while sent < CSV_MAX_ROWS:
        query = _query(filters, zone).options(joinedload(AuditEvent.actor))
        if before is not None:
            query = query.where(AuditEvent.id < before)
        rows = list(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(CSV_BATCH)))
        if not rows:
            break
        for event in rows[: CSV_MAX_ROWS - sent]:
            writer.writerow(
                [
                    event.created_at.isoformat(),
                    "" if event.actor_user_id is None else str(event.actor_user_id),
                    safe_cell(actor_name(event)),
                    safe_cell(event.action),
                    safe_cell(event.object_type),
                    safe_cell(event.object_id),
                    safe_cell(changes_text(event)),
                ]
            )
        sent += len(rows)
        before = rows[-1].id
        yield flush()
