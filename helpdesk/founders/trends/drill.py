"""Drilldown: the paged list of tickets behind one trend number (a metric, an optional key
and a date range), read from the same membership query the number was counted from."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import pgettext

from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.forms import parse_id
from helpdesk.founders.trends import TrendRange, member_tickets, safe_cell
from helpdesk.founders.trends.metrics import METRICS
from helpdesk.models import Customer, RootCause, Ticket

PAGE_SIZE = 50
CSV_BATCH = 2000
MAX_KEY_CHARS = 40


class UnknownMetric(LookupError):
    """No such metric (the view's 404)."""


@dataclass(frozen=True)
class DrillTicket:
    number: int
    subject: str
    customer: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class DrillPage:
    tickets: list[DrillTicket]
    total: int
    page: int
    pages: int


def check_drill(*, metric: str, key: str | None) -> None:
    """An unknown metric is UnknownMetric; a key the metric does not take, or a malformed
    one, is a field error."""
    found = METRICS.get(metric)
    if found is None:
        raise UnknownMetric(metric)
    if key is None:
        return
    if found.key_ok is None:
        raise ValidationError("key", _("This number takes no key."))
    if len(key) > MAX_KEY_CHARS or not found.key_ok(key):
        raise ValidationError("key", _("Unknown key for this number."))


def trend_tickets(*, metric: str, key: str | None, rng: TrendRange, page: int = 1) -> DrillPage:
    """The tickets behind `metric` (and `key`) over the range, newest first."""
    check_drill(metric=metric, key=key)
    return ticket_page(member_tickets(metric, rng.whole, key), page)


def ticket_page(ticket_ids: sa.Select[Any], page: int) -> DrillPage:
    """One page of the tickets whose ids `ticket_ids` selects (distinct `ticket_id`s,
    one column), newest first; a page past the end shows the last one."""
    ids = ticket_ids.subquery("ids")
    total = int(db.session.scalar(sa.select(sa.func.count()).select_from(ids)) or 0)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        sa.select(Ticket.number, Ticket.subject, Customer.name, Ticket.status, Ticket.created_at)
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(Ticket.id.in_(sa.select(ids.c.ticket_id)))
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return DrillPage(
        tickets=[DrillTicket(*row) for row in rows], total=total, page=page, pages=pages
    )


def drill_title(metric: str, key: str | None) -> str:
    """Which number the drilldown explains, in words ("Promises: missed", "Root cause:
    Shipping or delivery problem"), for its heading."""
    keyed: dict[str, dict[str, str]] = {
        "rating": {"good": _("Good"), "okay": _("Okay"), "bad": _("Bad")},
        "promise": {
            "kept": _("Kept"),
            "early": _("Kept early"),
            "missed": pgettext("promise", "Missed"),
        },
        "detector": {
            "caught": _("Complaints caught"),
            "missed": _("Complaints missed"),
            "false_alarm": _("False alarms"),
            "agreed": _("Agreed: no complaint"),
        },
        "recovery_step": {
            "hear": _("Hear"),
            "empathize": _("Empathize"),
            "apologize": _("Apologize"),
            "resolve": pgettext("HEARD step", "Resolve"),
            "diagnose": _("Diagnose"),
        },
    }
    plain = {
        "complaints": _("Complaints"),
        "active": _("Active customers"),
        "root_cause": _("Root causes over time"),
        "rating": _("Ratings per week"),
        "promise": _("Promises per week"),
        "recovery_started": _("Recoveries started"),
        "recovery_completed": _("Recoveries completed"),
        "recovery_step": _("Median time per HEARD step"),
        "repeat_contact": _("Customers with repeat contacts"),
        "first_response": _("Answered"),
        "resolution": _("Resolved"),
        "detector": _("Complaint detector against your team"),
        "nps": _("Net Promoter Score per round"),
    }
    title = plain.get(metric, _("Tickets behind this number"))
    if key is None:
        return title
    if metric == "root_cause":
        cause = db.session.get(RootCause, parse_id(key) or 0)
        return _("Root cause: %(name)s", name=cause.name) if cause else title
    if metric == "nps":
        round_id, _dash, group = key.partition("-")
        groups = {
            "promoter": _("Promoters"),
            "passive": _("Passives"),
            "detractor": _("Detractors"),
        }
        detail = _("round %(number)s", number=round_id)
        if group in groups:
            detail = f"{detail}, {groups[group]}"
        return f"{title}: {detail}"
    label = keyed.get(metric, {}).get(key)
    return f"{title}: {label}" if label and metric != "detector" else (label or title)


def tickets_csv(ticket_ids: sa.Select[Any], status_labels: Mapping[str, str]) -> Iterator[str]:
    """Every ticket `ticket_ids` selects, newest first, as CSV lines (number, subject,
    customer, status, created in UTC); subjects and names are quoted against formula
    injection. Rows are read and written in batches, so a long range is streamed rather
    than held in memory (serve it with `stream_with_context`)."""
    ids = ticket_ids.subquery("ids")
    rows = db.session.execute(
        sa.select(Ticket.number, Ticket.subject, Customer.name, Ticket.status, Ticket.created_at)
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(Ticket.id.in_(sa.select(ids.c.ticket_id)))
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .execution_options(yield_per=CSV_BATCH)
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("Number"), _("Subject"), _("Customer"), _("Status"), _("Created (UTC)")])
    for batch in rows.partitions():
        for number, subject, customer, status, created_at in batch:
            writer.writerow(
                [
                    number,
                    safe_cell(subject),
                    safe_cell(customer),
                    status_labels.get(status, status),
                    created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M"),
                ]
            )
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()
