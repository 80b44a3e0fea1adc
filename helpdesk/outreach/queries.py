"""Reads for outreach's pages: the drafts queue, a customer's outreach, the feature
request list (requesters and their total value) and one request's requesters, and the
weekly results (sent, replied, came back) beside the complaints of those weeks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from helpdesk.db.rows import read_rows
from helpdesk.extensions import db
from helpdesk.models import Customer, FeatureRequest, FeatureRequestTicket, Outreach, Ticket, User
from helpdesk.outreach.steps import PENDING_STATES
from helpdesk.settings.hours import business_hours

QUEUE_LIMIT = 200
RESULT_MEASURES = ("sent", "replied", "came_back")


def _visible(user: User) -> sa.ColumnElement[bool]:
    return sa.true() if user.can("founder") else Outreach.assignee_id == user.id


def outreach_queue(user: User, *, pending: bool = True) -> list[Outreach]:
    """The drafts (and suppressed drafts) `user` handles, newest first; or, with
    `pending=False`, what was sent or dismissed."""
    states = PENDING_STATES if pending else ("sent", "dismissed")
    return list(
        db.session.scalars(
            sa.select(Outreach)
            .where(Outreach.state.in_(states), _visible(user))
            .options(
                selectinload(Outreach.customer),
                selectinload(Outreach.assignee),
                selectinload(Outreach.feature_request),
            )
            .order_by(Outreach.created_at.desc(), Outreach.id.desc())
            .limit(QUEUE_LIMIT)
        )
    )


def pending_count(user: User) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.count(Outreach.id)).where(Outreach.state == "draft", _visible(user))
        )
        or 0
    )


def outreach_visible(user: User, outreach_id: int) -> Outreach | None:
    """One outreach, if `user` handles it (founders and admins: every one)."""
    return db.session.scalar(sa.select(Outreach).where(Outreach.id == outreach_id, _visible(user)))


def customer_outreach(customer: Customer) -> list[Outreach]:
    return list(
        db.session.scalars(
            sa.select(Outreach)
            .where(Outreach.customer_id == customer.id)
            .order_by(Outreach.created_at.desc(), Outreach.id.desc())
            .limit(20)
        )
    )


@dataclass(frozen=True)
class FeatureRow:
    feature: FeatureRequest
    requesters: int
    value_cents: int


def feature_list(status: str | None = None) -> list[FeatureRow]:
    """Every feature request with its requesters (customers of its tickets, each once)
    and their total lifetime value; the most valuable first."""
    pairs = (
        sa.select(FeatureRequestTicket.feature_request_id.label("fid"), Ticket.customer_id)
        .join(Ticket, Ticket.id == FeatureRequestTicket.ticket_id)
        .distinct()
        .subquery()
    )
    totals = (
        sa.select(
            pairs.c.fid,
            sa.func.count(pairs.c.customer_id).label("requesters"),
            sa.func.coalesce(sa.func.sum(Customer.lifetime_value_cents), 0).label("value"),
        )
        .join(Customer, Customer.id == pairs.c.customer_id)
        .group_by(pairs.c.fid)
        .subquery()
    )
    query = (
        sa.select(
            FeatureRequest,
            sa.func.coalesce(totals.c.requesters, 0),
            sa.func.coalesce(totals.c.value, 0),
        )
        .outerjoin(totals, totals.c.fid == FeatureRequest.id)
        .order_by(sa.func.coalesce(totals.c.value, 0).desc(), FeatureRequest.id.desc())
    )
    if status:
        query = query.where(FeatureRequest.status == status)
    return [
        FeatureRow(feature=feature, requesters=int(count), value_cents=int(value))
        for feature, count, value in db.session.execute(query)
    ]


_link = FeatureRequestTicket


class FeatureChoice(NamedTuple):
    id: int
    title: str
    status: str


_FEATURE_CHOICES = (
    sa.select(FeatureRequest.id, FeatureRequest.title, FeatureRequest.status, _link.ticket_id)
    .outerjoin(
        _link,
        sa.and_(
            _link.feature_request_id == FeatureRequest.id,
            _link.ticket_id == sa.bindparam("ticket_id"),
        ),
    )
    .where(sa.or_(FeatureRequest.status != "shipped", _link.ticket_id.is_not(None)))
    .order_by(FeatureRequest.title)
)


def ticket_feature_choices(ticket: Ticket) -> tuple[list[FeatureChoice], list[FeatureChoice]]:
    """The requests `ticket` is linked to, and those it may be linked to (not shipped, not
    linked yet), by title: one query (plain rows) for the ticket page's panel."""
    linked: list[FeatureChoice] = []
    offered: list[FeatureChoice] = []
    for feature_id, title, status, linked_id in read_rows(
        _FEATURE_CHOICES, {"ticket_id": ticket.id}
    ):
        (offered if linked_id is None else linked).append(FeatureChoice(feature_id, title, status))
    return linked, offered


@dataclass(frozen=True)
class Requester:
    customer: Customer
    tickets: list[Ticket]
    outreach: Outreach | None


def feature_requesters(feature: FeatureRequest) -> list[Requester]:
    """Each requester of `feature`, with their tickets that asked and their note."""
    rows = db.session.execute(
        sa.select(Customer, Ticket)
        .join(Ticket, Ticket.customer_id == Customer.id)
        .join(FeatureRequestTicket, FeatureRequestTicket.ticket_id == Ticket.id)
        .where(FeatureRequestTicket.feature_request_id == feature.id)
        .order_by(FeatureRequestTicket.created_at, Ticket.id)
    ).all()
    notes = {
        outreach.customer_id: outreach
        for outreach in db.session.scalars(
            sa.select(Outreach)
            .where(Outreach.feature_request_id == feature.id)
            .order_by(Outreach.id)
        )
    }
    grouped: dict[int, Requester] = {}
    for customer, ticket in rows:
        entry = grouped.setdefault(
            customer.id, Requester(customer=customer, tickets=[], outreach=notes.get(customer.id))
        )
        entry.tickets.append(ticket)
    return list(grouped.values())


@dataclass(frozen=True)
class WeekResult:
    week: date
    sent: int
    replied: int
    came_back: int
    complaints: int


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _local_day(moment: datetime) -> date:
    return moment.astimezone(business_hours().zone).date()


def _week_bounds(week: date) -> tuple[datetime, datetime]:
    zone = business_hours().zone
    start = datetime.combine(week, time(), tzinfo=zone)
    return start, datetime.combine(week + timedelta(days=7), time(), tzinfo=zone)


def outreach_results(*, weeks: int, today: date) -> list[WeekResult]:
    """The last `weeks` weeks (Monday starts, workspace time zone), oldest first: the
    outreaches sent in each, how many got a reply and how many came back (counted in the
    week they were sent), and the complaints opened that week."""
    first = week_start(today) - timedelta(weeks=weeks - 1)
    start, _ = _week_bounds(first)
    counts: dict[date, list[int]] = {first + timedelta(weeks=n): [0, 0, 0, 0] for n in range(weeks)}
    sent = db.session.execute(
        sa.select(Outreach.sent_at, Outreach.replied_at, Outreach.came_back_at).where(
            Outreach.state == "sent", Outreach.sent_at >= start
        )
    )
    for sent_at, replied_at, came_back_at in sent:
        if sent_at is None:
            continue
        row = counts.get(week_start(_local_day(sent_at)))
        if row is not None:
            row[0] += 1
            row[1] += replied_at is not None
            row[2] += came_back_at is not None
    complaints = db.session.scalars(
        sa.select(Ticket.created_at).where(Ticket.kind == "complaint", Ticket.created_at >= start)
    )
    for created_at in complaints:
        row = counts.get(week_start(_local_day(created_at)))
        if row is not None:
            row[3] += 1
    return [WeekResult(week, *values) for week, values in counts.items()]


def outreach_records(*, week: date, measure: str) -> list[Outreach]:
    """The outreaches behind one number of the results: sent in `week`, and for
    "replied" or "came_back" only those with that outcome."""
    start, end = _week_bounds(week)
    query = (
        sa.select(Outreach)
        .where(Outreach.state == "sent", Outreach.sent_at >= start, Outreach.sent_at < end)
        .options(selectinload(Outreach.customer), selectinload(Outreach.ticket))
        .order_by(Outreach.sent_at, Outreach.id)
    )
    if measure == "replied":
        query = query.where(Outreach.replied_at.is_not(None))
    elif measure == "came_back":
        query = query.where(Outreach.came_back_at.is_not(None))
    return list(db.session.scalars(query))
