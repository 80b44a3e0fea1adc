"""What each team-report number counts. One "family" query per kind of record (tickets,
ratings, service-level targets, promises, recoveries, status changes) gives the rows
behind its numbers as `(key, ticket_id, item_id, <flags>...)`: `key` is the ticket's
current assignee's id as text, or "unassigned"; each flag is 1 when the row counts for
one metric of the family.

The report counts distinct `item_id` per key and flag in one GROUP BY per family; the
drilldown lists the distinct `ticket_id` of the same rows with the flag set. Both read the
same query, so a number and the tickets behind it cannot disagree.

Every family starts from the same tickets: those opened in the range (local dates of the
workspace zone), read through the `created_at` index. A number is about those tickets,
attributed to whoever holds them now (a reassigned ticket counts for its new holder; an
unassigned one on the "Unassigned" row). Definitions (docs/architecture.md, "Team report"):
- tickets: the tickets; answered: with a first public staff reply; resolved: resolved or
  closed now (both times are the ticket's own `first_staff_reply_at` and `resolved_at`);
- rated / good: the ticket's rating (the customer's current choice), good ones;
- sla: service-level targets not cancelled; attained: met and never breached; missed:
  breached (met late or not at all); judged: either (running ones are neither);
- promise_kept (early ones included) / promise_early / promise_missed: promises made on
  the tickets, by their outcome;
- recovery_started / recovery_completed: the tickets' complaint recoveries;
- resolved_once / reopened: tickets with a move into resolved or closed in the audit
  trail, and those with a move back out of it (a customer writing again or someone
  reopening), up to now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.forms import parse_id
from helpdesk.founders.trends.sql import is_resolve, status_new, status_old, unindexed
from helpdesk.models import AuditEvent, Promise, Rating, Recovery, SlaTarget, Ticket
from helpdesk.models.ticket import DONE_STATUSES

UNASSIGNED = "unassigned"
TEAM = "*"  # the whole team's key in `family_counts`
MAX_KEY_CHARS = 20

Span = tuple[datetime, datetime]


def who() -> sa.ColumnElement[str]:
    """The row's key: the ticket's assignee id as text, or "unassigned"."""
    return sa.func.coalesce(sa.cast(Ticket.assignee_id, sa.String), UNASSIGNED).label("key")


def _select(*columns: Any) -> sa.Select[Any]:
    return sa.select(*columns)


def flag(condition: sa.ColumnElement[bool], name: str) -> sa.Label[int]:
    return sa.case((condition, 1), else_=0).label(name)


def from_range() -> Any:
    """`tickets.id`, but not a way in: without statistics SQLite would otherwise read a
    whole table (promises, SLA targets) and look each ticket up by id, or walk every
    ticket in id order to list distinct ids, instead of reading the range's tickets
    through the `created_at` index and each one's records through its `ticket_id` index.
    Used for joining a family's records and for the ids the drilldown lists."""
    return unindexed(Ticket.id)


def in_range(span: Span) -> sa.ColumnElement[bool]:
    """Tickets opened in the span, spam left out (it is nobody's work to coach on)."""
    return sa.and_(
        Ticket.created_at >= span[0], Ticket.created_at < span[1], Ticket.spam_at.is_(None)
    )


def tickets(span: Span) -> sa.Select[Any]:
    return _select(
        who(),
        from_range().label("ticket_id"),
        Ticket.id.label("item_id"),
        flag(sa.true(), "all"),
        flag(Ticket.first_staff_reply_at.is_not(None), "answered"),
        flag(
            sa.and_(Ticket.status.in_(DONE_STATUSES), Ticket.resolved_at.is_not(None)),
            "resolved",
        ),
    ).where(in_range(span))


def ratings(span: Span) -> sa.Select[Any]:
    return (
        _select(
            who(),
            from_range().label("ticket_id"),
            Rating.id.label("item_id"),
            flag(sa.true(), "rated"),
            flag(Rating.score == "good", "good"),
        )
        .join(Rating, Rating.ticket_id == from_range())
        .where(in_range(span))
    )


def sla(span: Span) -> sa.Select[Any]:
    attained = sa.and_(SlaTarget.met_at.is_not(None), SlaTarget.breached_at.is_(None))
    missed = SlaTarget.breached_at.is_not(None)
    return (
        _select(
            who(),
            from_range().label("ticket_id"),
            SlaTarget.id.label("item_id"),
            flag(attained, "attained"),
            flag(missed, "missed"),
            flag(sa.or_(attained, missed), "judged"),
        )
        .join(SlaTarget, SlaTarget.ticket_id == from_range())
        .where(in_range(span), SlaTarget.cancelled_at.is_(None))
    )


def promises(span: Span) -> sa.Select[Any]:
    return (
        _select(
            who(),
            from_range().label("ticket_id"),
            Promise.id.label("item_id"),
            flag(Promise.status == "kept", "kept"),
            flag(sa.and_(Promise.status == "kept", Promise.kept_early.is_(True)), "early"),
            flag(Promise.status == "missed", "missed"),
        )
        .join(Promise, Promise.ticket_id == from_range())
        .where(in_range(span))
    )


def recoveries(span: Span) -> sa.Select[Any]:
    return (
        _select(
            who(),
            from_range().label("ticket_id"),
            Recovery.id.label("item_id"),
            flag(sa.true(), "started"),
            flag(Recovery.state == "completed", "completed"),
        )
        .join(Recovery, Recovery.ticket_id == from_range())
        .where(in_range(span))
    )


def reopens(span: Span) -> sa.Select[Any]:
    old, new = status_old(), status_new()
    reopen = sa.and_(old.in_(DONE_STATUSES), new.not_in(DONE_STATUSES))

    def happened(change: sa.ColumnElement[bool]) -> sa.Exists:
        # Correlated, so each ticket in the range looks its events up through the
        # (object_type, object_id) index (audited object ids are str(id)); a join lets
        # SQLite start from every ticket event instead.
        return (
            sa.select(AuditEvent.id)
            .where(
                AuditEvent.object_type == "tickets",
                AuditEvent.object_id == sa.cast(Ticket.id, sa.String),
                change,
            )
            .exists()
        )

    return _select(
        who(),
        from_range().label("ticket_id"),
        Ticket.id.label("item_id"),
        flag(sa.true(), "resolved_once"),
        flag(happened(reopen), "reopened"),
    ).where(in_range(span), happened(is_resolve(old, new)))


Family = Callable[[Span], sa.Select[Any]]

FAMILIES: dict[str, tuple[Family, tuple[str, ...]]] = {
    "tickets": (tickets, ("all", "answered", "resolved")),
    "ratings": (ratings, ("rated", "good")),
    "sla": (sla, ("attained", "missed", "judged")),
    "promises": (promises, ("kept", "early", "missed")),
    "recoveries": (recoveries, ("started", "completed")),
    "reopens": (reopens, ("resolved_once", "reopened")),
}


@dataclass(frozen=True)
class TeamMetric:
    family: str
    flag: str


# The drilldown's metric names: `<family>_<flag>`, e.g. "tickets_answered", "sla_missed".
TEAM_METRICS: dict[str, TeamMetric] = {
    f"{family}_{name}": TeamMetric(family, name)
    for family, (_members, flags) in FAMILIES.items()
    for name in flags
}


def key_ok(key: str) -> bool:
    return key == UNASSIGNED or (len(key) <= MAX_KEY_CHARS and parse_id(key) is not None)


def family_counts(family: str, span: Span) -> dict[tuple[str, str], int]:
    """Distinct items per (flag, key) for one family in one GROUP BY, plus each flag's
    team total under the key TEAM."""
    members_of, flags = FAMILIES[family]
    members = members_of(span).subquery("members")
    columns = [
        sa.func.count(sa.distinct(sa.case((members.c[name] == 1, members.c.item_id)))).label(name)
        for name in flags
    ]
    per_key = sa.select(members.c.key, *columns).group_by(members.c.key)
    total = sa.select(sa.literal(TEAM), *columns)
    counts: dict[tuple[str, str], int] = {}
    rows: list[Any] = list(db.session.execute(sa.union_all(per_key, total)))
    for row in rows:
        key, values = row[0], row[1:]
        for name, value in zip(flags, values, strict=True):
            counts[(name, str(key))] = int(value or 0)
    return counts


def metric_tickets(metric: str, span: Span, key: str | None) -> sa.Select[Any]:
    """The distinct ids (`ticket_id`) of the tickets behind one number; `key` None: the
    whole team."""
    found = TEAM_METRICS[metric]
    members = FAMILIES[found.family][0](span).subquery("members")
    query = sa.select(members.c.ticket_id).where(members.c[found.flag] == 1)
    if key is not None:
        query = query.where(members.c.key == key)
    return query.distinct()
