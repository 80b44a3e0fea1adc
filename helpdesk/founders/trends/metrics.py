"""What each trend number counts: one "membership" query per metric, giving the rows behind
the number as `(bucket, key, ticket_id, item_id[, seconds])`.

The dashboard counts distinct `item_id` per bucket and key (or takes the median of
`seconds`); the drilldown lists the distinct `ticket_id` of the same rows. Both read the
same query, so a number and the tickets behind it cannot disagree.

Definitions (documented in docs/architecture.md, "Trends"):
- complaints: tickets of kind complaint, by creation time;
- active: customers who opened a ticket or wrote a customer message (by the message time);
- root_cause: Diagnose steps done (not skipped), by completion time, keyed by root cause;
- rating: ratings by when first given, keyed good/okay/bad (the current choice);
- promise: promises by due time, keyed kept / early (kept early) / missed;
- recovery_started / recovery_completed: recoveries by start time; completed = state now;
- recovery_step: each HEARD step done (not skipped) in a recovery started in the bucket,
  with its duration since the previous step (Hear: since the recovery started);
- repeat_contact: tickets that are part of a run of N tickets from one customer within D
  days (the founder settings, 3 in 14 by default), by creation; items are customers;
- first_response: tickets by creation, with the time to the first public staff message;
- resolution: tickets by their final resolve (the last move into resolved/closed with no
  reopen after it, from the audit trail), with the time from creation to that resolve;
- nps: responses in rounds created in the bucket, keyed `<round>-<group>`; the tickets
  behind them are the respondents' tickets created in the round's period;
- detector: the team's complaint labels by when they were given, keyed by how the
  detector had judged the message: `caught` (flagged, a complaint), `missed` (not flagged,
  a complaint), `false_alarm` (flagged, not a complaint), `agreed` (neither).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from helpdesk.forms import parse_id
from helpdesk.founders.settings import founder_settings
from helpdesk.founders.trends.sql import (
    in_bucket,
    is_resolve,
    is_transition,
    seconds_between,
    status_new,
    status_old,
    unindexed,
)
from helpdesk.models import (
    RATING_SCORES,
    AuditEvent,
    ComplaintLabel,
    Message,
    NpsResponse,
    NpsRound,
    Promise,
    Rating,
    Recovery,
    RecoveryStep,
    Ticket,
)
from helpdesk.models.recovery import STEPS

NPS_GROUPS = ("promoter", "passive", "detractor")
PROMISE_KEYS = ("kept", "early", "missed")
DETECTOR_KEYS = ("caught", "missed", "false_alarm", "agreed")
_NPS_KEY = re.compile(r"^(\d{1,10})(?:-(promoter|passive|detractor))?$")

Span = tuple[datetime, datetime]
Members = Callable[[sa.CTE, Span], sa.Select[Any]]


def _row(bucket: Any, key: Any, ticket_id: Any, item_id: Any, *extra: Any) -> list[Any]:
    return [
        bucket.label("bucket"),
        (key if key is not None else sa.null()).label("key"),
        ticket_id.label("ticket_id"),
        item_id.label("item_id"),
        *extra,
    ]


def complaints(b: sa.CTE, span: Span) -> sa.Select[Any]:
    return (
        sa.select(*_row(b.c.bucket, None, Ticket.id, Ticket.id))
        .join(b, in_bucket(b, Ticket.created_at, span))
        .where(Ticket.kind == "complaint", Ticket.spam_at.is_(None))  # spam is no complaint
    )


def active(b: sa.CTE, span: Span) -> sa.Select[Any]:
    opened = sa.select(*_row(b.c.bucket, None, Ticket.id, Ticket.customer_id)).join(
        b, in_bucket(b, Ticket.created_at, span)
    )
    wrote = (
        sa.select(*_row(b.c.bucket, None, Message.ticket_id, Message.author_customer_id))
        .join(b, in_bucket(b, Message.created_at, span))
        .where(unindexed(Message.author_type) == "customer")
    )
    return sa.select(sa.union_all(opened, wrote).subquery("active_rows"))


def root_cause(b: sa.CTE, span: Span) -> sa.Select[Any]:
    return (
        sa.select(
            *_row(
                b.c.bucket,
                sa.cast(Recovery.root_cause_id, sa.String),
                Recovery.ticket_id,
                Recovery.id,
            )
        )
        .select_from(RecoveryStep)
        .join(b, in_bucket(b, RecoveryStep.done_at, span))
        .join(Recovery, Recovery.id == RecoveryStep.recovery_id)
        .where(
            RecoveryStep.step == "diagnose",
            RecoveryStep.skipped.is_(False),
            Recovery.root_cause_id.is_not(None),
        )
    )


def rating(b: sa.CTE, span: Span) -> sa.Select[Any]:
    return sa.select(*_row(b.c.bucket, Rating.score, Rating.ticket_id, Rating.id)).join(
        b, in_bucket(b, Rating.created_at, span)
    )


def promise(b: sa.CTE, span: Span) -> sa.Select[Any]:
    def part(key: str, condition: sa.ColumnElement[bool]) -> sa.Select[Any]:
        return (
            sa.select(*_row(b.c.bucket, sa.literal(key), Promise.ticket_id, Promise.id))
            .join(b, in_bucket(b, Promise.due_at, span))
            .where(condition)
        )

    return sa.select(
        sa.union_all(
            part("kept", Promise.status == "kept"),
            part("early", sa.and_(Promise.status == "kept", Promise.kept_early.is_(True))),
            part("missed", Promise.status == "missed"),
        ).subquery("promise_rows")
    )


def recovery_started(b: sa.CTE, span: Span) -> sa.Select[Any]:
    return sa.select(*_row(b.c.bucket, None, Recovery.ticket_id, Recovery.id)).join(
        b, in_bucket(b, Recovery.started_at, span)
    )


def recovery_completed(b: sa.CTE, span: Span) -> sa.Select[Any]:
    return recovery_started(b, span).where(unindexed(Recovery.state) == "completed")


def recovery_step(b: sa.CTE, span: Span) -> sa.Select[Any]:
    previous = sa.func.lag(RecoveryStep.done_at).over(
        partition_by=RecoveryStep.recovery_id, order_by=(RecoveryStep.done_at, RecoveryStep.id)
    )
    steps = (
        sa.select(
            b.c.bucket,
            RecoveryStep.step,
            RecoveryStep.skipped,
            Recovery.ticket_id,
            RecoveryStep.id.label("step_id"),
            seconds_between(
                RecoveryStep.done_at, sa.func.coalesce(previous, Recovery.started_at)
            ).label("seconds"),
        )
        .select_from(RecoveryStep)
        .join(Recovery, Recovery.id == RecoveryStep.recovery_id)
        .join(b, in_bucket(b, Recovery.started_at, span))
    ).subquery("step_rows")
    return sa.select(
        *_row(steps.c.bucket, steps.c.step, steps.c.ticket_id, steps.c.step_id),
        steps.c.seconds.label("seconds"),
    ).where(steps.c.skipped.is_(False))


def repeat_contact(b: sa.CTE, span: Span) -> sa.Select[Any]:
    settings = founder_settings()
    count, window = settings.repeat_contact_count, settings.repeat_contact_days * 86400.0
    order = (Ticket.created_at, Ticket.id)
    shifted: dict[int, Any] = {0: Ticket.created_at}
    for offset in range(1, count):
        shifted[-offset] = sa.func.lag(Ticket.created_at, offset).over(
            partition_by=Ticket.customer_id, order_by=order
        )
        shifted[offset] = sa.func.lead(Ticket.created_at, offset).over(
            partition_by=Ticket.customer_id, order_by=order
        )
    # A ticket belongs to a run if some window of `count` consecutive tickets holding it
    # spans at most the window: (it, then j later ones and count-1-j earlier ones).
    runs = [
        sa.and_(
            shifted[ahead].is_not(None),
            shifted[ahead - count + 1].is_not(None),
            seconds_between(shifted[ahead], shifted[ahead - count + 1]) <= window,
        )
        for ahead in range(count)
    ]
    margin = timedelta(days=settings.repeat_contact_days)
    scored = (
        sa.select(
            Ticket.id,
            Ticket.customer_id,
            Ticket.created_at,
            sa.case((sa.or_(*runs), 1), else_=0).label("in_run"),
        )
        .where(Ticket.created_at >= span[0] - margin, Ticket.created_at < span[1] + margin)
        .subquery("scored")
    )
    return (
        sa.select(*_row(b.c.bucket, None, scored.c.id, scored.c.customer_id))
        .join(b, in_bucket(b, scored.c.created_at, span))
        .where(scored.c.in_run == 1)
    )


def first_response(b: sa.CTE, span: Span) -> sa.Select[Any]:
    # A join and GROUP BY (not a correlated MIN): each ticket's messages are then read
    # through the (ticket_id, created_at) index on both databases.
    rows = (
        sa.select(
            b.c.bucket,
            Ticket.id,
            Ticket.created_at,
            sa.func.min(Message.created_at).label("first_reply"),
        )
        .join(b, in_bucket(b, Ticket.created_at, span))
        .join(Message, Message.ticket_id == Ticket.id)
        .where(unindexed(Message.author_type) == "staff", Message.internal.is_(False))
        .group_by(b.c.bucket, Ticket.id, Ticket.created_at)
        .subquery("first_rows")
    )
    return sa.select(
        *_row(rows.c.bucket, None, rows.c.id, rows.c.id),
        seconds_between(rows.c.first_reply, rows.c.created_at).label("seconds"),
    )


def resolution(b: sa.CTE, span: Span) -> sa.Select[Any]:
    later = aliased(AuditEvent)
    later_old = later.changes[("status", 0)].as_string()
    later_new = later.changes[("status", 1)].as_string()
    reopened_or_resolved_after = (
        sa.select(later.id)
        .where(
            later.object_type == "tickets",
            later.object_id == AuditEvent.object_id,
            sa.or_(
                later.created_at > AuditEvent.created_at,
                sa.and_(later.created_at == AuditEvent.created_at, later.id > AuditEvent.id),
            ),
            is_transition(later_old, later_new),
        )
        .exists()
    )
    return (
        sa.select(
            *_row(b.c.bucket, None, Ticket.id, Ticket.id),
            seconds_between(AuditEvent.created_at, Ticket.created_at).label("seconds"),
        )
        .select_from(AuditEvent)
        .join(b, in_bucket(b, AuditEvent.created_at, span))
        # Audited object ids are str(id) of integer keys; cast that side, so the
        # ticket is found by its primary key.
        .join(Ticket, Ticket.id == sa.cast(AuditEvent.object_id, sa.Integer))
        .where(
            unindexed(AuditEvent.object_type) == "tickets",
            is_resolve(status_old(), status_new()),
            ~reopened_or_resolved_after,
        )
    )


def nps(b: sa.CTE, span: Span) -> sa.Select[Any]:
    group = sa.case(
        (NpsResponse.score >= 9, "promoter"), (NpsResponse.score >= 7, "passive"), else_="detractor"
    )
    key = sa.cast(NpsRound.id, sa.String).concat("-").concat(group)
    return (
        sa.select(*_row(b.c.bucket, key, Ticket.id, NpsResponse.id))
        .select_from(NpsRound)
        .join(b, in_bucket(b, NpsRound.created_at, span))
        .join(NpsResponse, NpsResponse.round_id == NpsRound.id)
        .outerjoin(
            Ticket,
            sa.and_(
                Ticket.customer_id == NpsResponse.customer_id,
                Ticket.created_at >= NpsRound.period_start,
                Ticket.created_at < NpsRound.period_end,
            ),
        )
    )


def detector(b: sa.CTE, span: Span) -> sa.Select[Any]:
    key = sa.case(
        (sa.and_(ComplaintLabel.flagged, ComplaintLabel.is_complaint), "caught"),
        (ComplaintLabel.is_complaint, "missed"),
        (ComplaintLabel.flagged, "false_alarm"),
        else_="agreed",
    )
    return (
        sa.select(*_row(b.c.bucket, key, ComplaintLabel.ticket_id, ComplaintLabel.id))
        .select_from(ComplaintLabel)
        .join(b, in_bucket(b, ComplaintLabel.labelled_at, span))
    )


@dataclass(frozen=True)
class Metric:
    members: Members
    # Checks a drilldown key; None means the metric takes no key.
    key_ok: Callable[[str], bool] | None = None
    # The key matches by prefix (an NPS round without a group: all its groups).
    prefix_key: Callable[[str], bool] = lambda key: False


METRICS: dict[str, Metric] = {
    "complaints": Metric(complaints),
    "active": Metric(active),
    "root_cause": Metric(root_cause, key_ok=lambda key: parse_id(key) is not None),
    "rating": Metric(rating, key_ok=lambda key: key in RATING_SCORES),
    "promise": Metric(promise, key_ok=lambda key: key in PROMISE_KEYS),
    "recovery_started": Metric(recovery_started),
    "recovery_completed": Metric(recovery_completed),
    "recovery_step": Metric(recovery_step, key_ok=lambda key: key in STEPS),
    "repeat_contact": Metric(repeat_contact),
    "first_response": Metric(first_response),
    "resolution": Metric(resolution),
    "detector": Metric(detector, key_ok=lambda key: key in DETECTOR_KEYS),
    "nps": Metric(
        nps,
        key_ok=lambda key: bool(_NPS_KEY.match(key)),
        prefix_key=lambda key: "-" not in key,
    ),
}


def key_filter(metric: Metric, column: Any, key: str | None) -> sa.ColumnElement[bool]:
    if key is None:
        return sa.true()
    if metric.prefix_key(key):
        return column.startswith(f"{key}-", autoescape=True)
    return column == key
