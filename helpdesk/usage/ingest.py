"""Product events in: a batch of what customers did in the company's product, counted per
customer, UTC day and event name (`usage_daily`), each event id once (`usage_event_ids`).

A batch is one transaction. Every event gets its own outcome: accepted, duplicate (its id
was taken before, or earlier in the same batch) or rejected with a reason (an unknown
customer, a time too far ahead or older than the retention). A rejected event takes no id,
so it can be sent again once fixed (say, after `PUT /customers` created the customer).
Customers are never created here: an event names someone the helpdesk already knows.
Properties are checked by the API and not kept (only the counts are)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.auth.service import normalise_email
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.db.upsert import insert_on_conflict
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.models import Customer, CustomerAlias, UsageDaily, UsageEventId
from helpdesk.usage.settings import check_event_name, usage_settings

MAX_BATCH = 1000
# A clock a little ahead of ours is fine; more is a client bug.
MAX_AHEAD = timedelta(minutes=5)


@dataclass(frozen=True)
class EventIn:
    """One event as the API read it (`email` or `external_id` names the customer)."""

    id: str
    name: str
    at: datetime
    email: str | None = None
    external_id: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EventOutcome:
    id: str
    status: str  # "accepted", "duplicate" or "rejected"
    code: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class BatchOutcome:
    events: list[EventOutcome]

    def count(self, status: str) -> int:
        return sum(1 for item in self.events if item.status == status)


def _rejected(event: EventIn, code: str, message: str) -> EventOutcome:
    return EventOutcome(id=event.id, status="rejected", code=code, message=message)


def _is_event_name(name: str) -> bool:
    try:
        check_event_name(name)
    except ValidationError:
        return False
    return True


def _utc(at: datetime) -> datetime | None:
    try:
        return at.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


class _Emails:
    """Each address of a batch normalised once (email_validator is most of a batch's time,
    and a batch names the same few customers again and again)."""

    def __init__(self) -> None:
        self._seen: dict[str, str | None] = {}

    def __call__(self, raw: str) -> str | None:
        if raw not in self._seen:
            try:
                self._seen[raw] = normalise_email(raw)
            except ValidationError:
                self._seen[raw] = None
        return self._seen[raw]


def _customer_ids(
    events: list[EventIn], normalised: _Emails
) -> tuple[dict[str, int], dict[str, int]]:
    """Customer ids by normalised email (their own or an alias) and by external id."""
    emails = {
        normalised(event.email)
        for event in events
        if event.email is not None and event.external_id is None
    } - {None}
    external_ids = {event.external_id.strip() for event in events if event.external_id}
    by_email: dict[str, int] = {}
    by_external: dict[str, int] = {}
    if emails:
        rows = db.session.execute(
            sa.select(Customer.email, Customer.id).where(Customer.email.in_(emails))
        ).all()
        by_email.update({email: customer_id for email, customer_id in rows})
        missing = emails - by_email.keys()
        if missing:
            aliases = db.session.execute(
                sa.select(CustomerAlias.email, CustomerAlias.customer_id).where(
                    CustomerAlias.email.in_(missing)
                )
            ).all()
            by_email.update({email: customer_id for email, customer_id in aliases})
    if external_ids:
        externals = db.session.execute(
            sa.select(Customer.external_id, Customer.id).where(
                Customer.external_id.in_(external_ids)
            )
        ).all()
        by_external.update(
            {external: customer_id for external, customer_id in externals if external}
        )
    return by_email, by_external


def _find(
    event: EventIn, by_email: dict[str, int], by_external: dict[str, int], normalised: _Emails
) -> int | None:
    if event.external_id:
        return by_external.get(event.external_id.strip())
    email = normalised(event.email or "")
    return by_email.get(email) if email is not None else None


@use_case
def usage_events_record(*, events: list[EventIn]) -> BatchOutcome:
    """Count a batch of product events (at most MAX_BATCH), each id once; one outcome per
    event, in the order sent. One commit."""
    if len(events) > MAX_BATCH:
        raise ValidationError(
            "events", _("Send at most %(count)d events at once.", count=MAX_BATCH)
        )
    received = now()
    oldest = (received - timedelta(days=usage_settings().daily_retention_days)).date()
    normalised = _Emails()
    by_email, by_external = _customer_ids(events, normalised)
    outcomes: dict[int, EventOutcome] = {}
    valid: dict[str, tuple[int, int, date, datetime]] = {}  # id -> (index, customer, day, at)
    for index, event in enumerate(events):
        at = _utc(event.at)
        if not _is_event_name(event.name):
            outcomes[index] = _rejected(
                event, "invalid_name", _("Name the event with lower-case letters, e.g. logged_in.")
            )
        elif at is None:
            outcomes[index] = _rejected(event, "at_invalid", _("This time cannot be read."))
        elif at > received + MAX_AHEAD:
            outcomes[index] = _rejected(
                event, "at_in_future", _("This event is in the future: send it when it happens.")
            )
        elif at.date() < oldest:
            outcomes[index] = _rejected(
                event, "too_old", _("This event is older than the days of usage kept.")
            )
        elif event.id in valid:
            outcomes[index] = EventOutcome(id=event.id, status="duplicate")
        else:
            customer_id = _find(event, by_email, by_external, normalised)
            if customer_id is None:
                outcomes[index] = _rejected(
                    event,
                    "unknown_customer",
                    _("No customer has this email or external id: create them first."),
                )
            else:
                valid[event.id] = (index, customer_id, at.date(), at)
    new_ids: set[str] = set()
    if valid:
        # One statement compiled once (cached), sent with every id: SQLAlchemy batches the
        # rows into multi-row INSERTs itself ("insertmanyvalues"), RETURNING included.
        table = UsageEventId.__table__
        claim = (
            insert_on_conflict(table)
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(table.c.event_id)
        )
        new_ids = set(
            db.session.scalars(
                claim, [{"event_id": event_id, "received_at": received} for event_id in valid]
            )
        )
    counts: dict[tuple[int, date, str], list[Any]] = defaultdict(lambda: [0, None])
    for event_id, (index, customer_id, day, at) in valid.items():
        event = events[index]
        if event_id not in new_ids:
            outcomes[index] = EventOutcome(id=event_id, status="duplicate")
            continue
        outcomes[index] = EventOutcome(id=event_id, status="accepted")
        total = counts[(customer_id, day, event.name)]
        total[0] += 1
        total[1] = at if total[1] is None or at > total[1] else total[1]
    if counts:
        _add_counts(counts)
    return BatchOutcome(events=[outcomes[index] for index in range(len(events))])


def _add_counts(counts: dict[tuple[int, date, str], list[Any]]) -> None:
    """Add to each (customer, day, name) count: one INSERT … ON CONFLICT DO UPDATE."""
    table = UsageDaily.__table__
    insert = insert_on_conflict(table)
    upsert = insert.on_conflict_do_update(
        index_elements=["customer_id", "day", "name"],
        set_={
            "count": table.c.count + insert.excluded.count,
            "last_at": sa.case(
                (insert.excluded.last_at > table.c.last_at, insert.excluded.last_at),
                else_=table.c.last_at,
            ),
        },
    )
    db.session.execute(
        upsert,
        [
            {"customer_id": customer_id, "day": day, "name": name, "count": n, "last_at": at}
            for (customer_id, day, name), (n, at) in sorted(counts.items())
        ],
    )
