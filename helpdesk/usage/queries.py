"""Reads of usage health: the customer page's "Usage" card and the founders' "At risk"
list (slipping and dormant customers, by lifetime value, with their open complaints and
missed promises)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from helpdesk.clock import now
from helpdesk.extensions import db
from helpdesk.models import Customer, CustomerUsage, Promise, Ticket, UsageDaily
from helpdesk.models.ticket import OPEN_STATUSES
from helpdesk.usage.health import BASELINE_WEEKS, weekly_counts

AT_RISK_STATES = ("slipping", "dormant")
PAGE_SIZE = 50
CSV_BATCH = 2000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class UsageCard:
    state: str
    since: datetime
    reason: str | None
    last_7_days: int
    usual_week: int | None
    last_event_on: date | None
    weeks: list[int]  # oldest first, the last 7 days last


def usage_card(customer_id: int) -> UsageCard | None:
    """The customer's usage state and their weekly counts (None: no usage known)."""
    row = db.session.get(CustomerUsage, customer_id)
    if row is None:
        return None
    today = now().date()
    weeks = BASELINE_WEEKS + 1
    daily = dict(
        db.session.execute(
            sa.select(UsageDaily.day, sa.func.sum(UsageDaily.count))
            .where(
                UsageDaily.customer_id == customer_id,
                UsageDaily.day > today - timedelta(days=7 * weeks),
            )
            .group_by(UsageDaily.day)
        ).all()
    )
    counts = weekly_counts({day: int(count) for day, count in daily.items()}, today, weeks)
    return UsageCard(
        state=row.state,
        since=row.since,
        reason=row.reason,
        last_7_days=row.last_7_days,
        usual_week=row.usual_week,
        last_event_on=row.last_event_on,
        weeks=list(reversed(counts)),
    )


def sparkline_points(weeks: list[int], *, width: int = 120, height: int = 24) -> str:
    """SVG polyline points for `weeks` (no script: the template draws the line)."""
    if not weeks:
        return ""
    top = max(weeks) or 1
    step = width / max(1, len(weeks) - 1)
    return " ".join(
        f"{index * step:.1f},{height - (value / top) * (height - 2) - 1:.1f}"
        for index, value in enumerate(weeks)
    )


@dataclass(frozen=True)
class AtRiskRow:
    customer_id: int
    name: str
    email: str
    lifetime_value_cents: int
    state: str
    since: datetime
    reason: str | None
    last_7_days: int
    usual_week: int | None
    open_complaints: int
    missed_promises: int


@dataclass(frozen=True)
class AtRiskPage:
    rows: list[AtRiskRow]
    total: int
    page: int
    pages: int


def _at_risk_select() -> sa.Select[Any]:
    complaints = (
        sa.select(sa.func.count(Ticket.id))
        .where(
            Ticket.customer_id == Customer.id,
            Ticket.kind == "complaint",
            Ticket.status.in_(OPEN_STATUSES),
            Ticket.spam_at.is_(None),
        )
        .correlate(Customer)
        .scalar_subquery()
    )
    missed = (
        sa.select(sa.func.count(Promise.id))
        .join(Ticket, Ticket.id == Promise.ticket_id)
        .where(Ticket.customer_id == Customer.id, Promise.status == "missed")
        .correlate(Customer)
        .scalar_subquery()
    )
    return (
        sa.select(
            Customer.id,
            Customer.name,
            Customer.email,
            Customer.lifetime_value_cents,
            CustomerUsage.state,
            CustomerUsage.since,
            CustomerUsage.reason,
            CustomerUsage.last_7_days,
            CustomerUsage.usual_week,
            complaints,
            missed,
        )
        .join(CustomerUsage, CustomerUsage.customer_id == Customer.id)
        .where(CustomerUsage.state.in_(AT_RISK_STATES))
        .order_by(Customer.lifetime_value_cents.desc(), Customer.id.desc())
    )


def at_risk_page(page: int = 1) -> AtRiskPage:
    """One page of the customers at risk, highest lifetime value first; a page past the
    end shows the last one."""
    total = int(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(CustomerUsage)
            .where(CustomerUsage.state.in_(AT_RISK_STATES))
        )
        or 0
    )
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        _at_risk_select().limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return AtRiskPage(rows=[AtRiskRow(*row) for row in rows], total=total, page=page, pages=pages)


def _safe(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def at_risk_csv(labels: Mapping[str, str], headers: list[str]) -> Iterator[str]:
    """Every customer at risk as CSV lines, streamed in batches (names quoted against
    formula injection)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    rows = db.session.execute(_at_risk_select().execution_options(yield_per=CSV_BATCH))
    for batch in rows.partitions():
        for row in batch:
            item = AtRiskRow(*row)
            writer.writerow(
                [
                    _safe(item.name),
                    _safe(item.email),
                    f"{item.lifetime_value_cents / 100:.2f}",
                    labels.get(item.state, item.state),
                    item.since.strftime("%Y-%m-%d %H:%M"),
                    item.last_7_days,
                    "" if item.usual_week is None else item.usual_week,
                    item.open_complaints,
                    item.missed_promises,
                ]
            )
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()
