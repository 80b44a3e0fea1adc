"""The team report's table: one row per person (alphabetical, never ranked), then
"Unassigned" and the whole team, built from one grouped query per family of numbers
(`metrics.py`) and one read of the range's tickets' times, measured in business hours in
Python (`maths.BusinessClock`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import pgettext

from helpdesk.clock import now
from helpdesk.extensions import db
from helpdesk.founders.team_report.maths import FEW, BusinessClock, attainment, percentile, share
from helpdesk.founders.team_report.metrics import (
    FAMILIES,
    TEAM,
    UNASSIGNED,
    family_counts,
    in_range,
    who,
)
from helpdesk.founders.trends import Cell, Row, Table, TrendRange
from helpdesk.founders.trends.sql import seconds_between
from helpdesk.models import Ticket, User
from helpdesk.models.base import UTCDateTime
from helpdesk.models.ticket import DONE_STATUSES
from helpdesk.settings.hours import business_hours

DEFAULT_WEEKS = 4
HOUR = 3600.0


def default_dates(zone: ZoneInfo) -> tuple[date, date]:
    """The last four full weeks, the current one included: Monday three weeks ago to this
    Sunday."""
    today = now().astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=DEFAULT_WEEKS - 1), monday + timedelta(days=6)


@dataclass(frozen=True)
class Column:
    group: str
    title: str
    # Why a cell of this column can be empty ("—"): shown with the cell.
    empty: str = ""


@dataclass(frozen=True)
class TeamCell:
    text: str  # "" when there is nothing to measure: shown as "—" with `empty`
    metric: str | None = None  # the drilldown, when the number has tickets behind it
    few: bool = False  # measured over fewer than FEW items: read with care
    empty: str = ""


@dataclass(frozen=True)
class TeamRow:
    label: str
    key: str | None  # the drilldown key: a user id, "unassigned", None for the team
    cells: tuple[TeamCell, ...]
    kind: str = "person"  # or "unassigned", "team"
    inactive: bool = False


@dataclass(frozen=True)
class TeamReport:
    start: date
    end: date
    columns: tuple[Column, ...]
    rows: tuple[TeamRow, ...]

    @property
    def groups(self) -> list[tuple[str, int]]:
        """The column groups in order, with how many columns each spans."""
        spans: list[tuple[str, int]] = []
        for column in self.columns:
            if spans and spans[-1][0] == column.group:
                spans[-1] = (column.group, spans[-1][1] + 1)
            else:
                spans.append((column.group, 1))
        return spans


def columns() -> tuple[Column, ...]:
    no_ratings = _("No ratings for these tickets.")
    no_replies = _("No first reply yet.")
    no_resolved = _("None resolved yet.")
    return (
        Column(_("Tickets"), _("Opened")),
        Column(_("Satisfaction"), _("Ratings")),
        Column(_("Satisfaction"), _("Good (%)"), no_ratings),
        Column(_("First reply"), _("Answered")),
        Column(_("First reply"), _("Median (business hours)"), no_replies),
        Column(_("First reply"), _("90th percentile (business hours)"), no_replies),
        Column(_("Resolution"), _("Resolved")),
        Column(_("Resolution"), _("Median (business hours)"), no_resolved),
        Column(_("Resolution"), _("90th percentile (business hours)"), no_resolved),
        Column(_("Service levels"), _("Attained")),
        Column(_("Service levels"), pgettext("service level", "Missed")),
        Column(
            _("Service levels"),
            _("Attained (%)"),
            _("No service-level targets met or missed (none set, or still running)."),
        ),
        Column(_("Promises"), _("Kept")),
        Column(_("Promises"), _("Kept early")),
        Column(_("Promises"), pgettext("promise", "Missed")),
        Column(_("Recoveries"), _("Started")),
        Column(_("Recoveries"), _("Completed")),
        Column(_("Reopened"), _("Reopened")),
        Column(_("Reopened"), _("Of resolved (%)"), no_resolved),
    )


# --- times ---------------------------------------------------------------------------------


@dataclass
class Times:
    """Business seconds to first reply and to resolution, per key (TEAM: everyone)."""

    first_reply: dict[str, list[float]]
    resolution: dict[str, list[float]]


def ticket_times(span: tuple[datetime, datetime]) -> Times:
    """The range's tickets' first-reply and resolution times in business hours: one read
    of the tickets opened in the range (bounded by it), measured in Python. The database
    sends each time as seconds after the range's start (no datetime objects to build)."""
    origin = sa.literal(span[0], UTCDateTime())
    rows = db.session.execute(
        sa.select(
            who(),
            seconds_between(Ticket.created_at, origin),
            seconds_between(Ticket.first_staff_reply_at, origin),
            seconds_between(Ticket.resolved_at, origin),
            Ticket.status,
        ).where(
            in_range(span),
            sa.or_(Ticket.first_staff_reply_at.is_not(None), Ticket.status.in_(DONE_STATUSES)),
        )
    ).all()
    times = Times(defaultdict(list), defaultdict(list))
    if not rows:
        return times
    latest = max(moment for row in rows for moment in (row[2], row[3]) if moment is not None)
    end = max(span[1], span[0] + timedelta(seconds=latest))
    clock = BusinessClock(business_hours(), span[0], end)
    for key, created, first_reply, resolved, status in rows:
        if first_reply is not None:
            seconds = clock.offsets_between(created, first_reply)
            times.first_reply[key].append(seconds)
            times.first_reply[TEAM].append(seconds)
        if resolved is not None and status in DONE_STATUSES:
            seconds = clock.offsets_between(created, resolved)
            times.resolution[key].append(seconds)
            times.resolution[TEAM].append(seconds)
    return times


# --- the table -----------------------------------------------------------------------------

Counts = dict[str, dict[tuple[str, str], int]]


def _count(counts: Counts, family: str, flag: str, key: str, metric: str) -> TeamCell:
    value = counts[family].get((flag, key), 0)
    return TeamCell(str(value), metric if value else None)


def _rate(value: float | None, base: int, metric: str, empty: str) -> TeamCell:
    if value is None:
        return TeamCell("", empty=empty)
    return TeamCell(f"{value:.1f}", metric, few=base < FEW)


def _hours(values: list[float], q: float, metric: str, empty: str) -> TeamCell:
    found = percentile(values, q)
    if found is None:
        return TeamCell("", empty=empty)
    return TeamCell(f"{found / HOUR:.1f}", metric, few=len(values) < FEW)


def _cells(counts: Counts, times: Times, key: str) -> tuple[TeamCell, ...]:
    def get(family: str, flag: str) -> int:
        return counts[family].get((flag, key), 0)

    spec = columns()
    first_reply, resolution = times.first_reply.get(key, []), times.resolution.get(key, [])
    rated, good = get("ratings", "rated"), get("ratings", "good")
    attained, missed = get("sla", "attained"), get("sla", "missed")
    resolved_once, reopened = get("reopens", "resolved_once"), get("reopens", "reopened")
    return (
        _count(counts, "tickets", "all", key, "tickets_all"),
        _count(counts, "ratings", "rated", key, "ratings_rated"),
        _rate(share(good, rated), rated, "ratings_rated", spec[2].empty),
        _count(counts, "tickets", "answered", key, "tickets_answered"),
        _hours(first_reply, 50, "tickets_answered", spec[4].empty),
        _hours(first_reply, 90, "tickets_answered", spec[5].empty),
        _count(counts, "tickets", "resolved", key, "tickets_resolved"),
        _hours(resolution, 50, "tickets_resolved", spec[7].empty),
        _hours(resolution, 90, "tickets_resolved", spec[8].empty),
        _count(counts, "sla", "attained", key, "sla_attained"),
        _count(counts, "sla", "missed", key, "sla_missed"),
        _rate(attainment(attained, missed), attained + missed, "sla_judged", spec[11].empty),
        _count(counts, "promises", "kept", key, "promises_kept"),
        _count(counts, "promises", "early", key, "promises_early"),
        _count(counts, "promises", "missed", key, "promises_missed"),
        _count(counts, "recoveries", "started", key, "recoveries_started"),
        _count(counts, "recoveries", "completed", key, "recoveries_completed"),
        _count(counts, "reopens", "reopened", key, "reopens_reopened"),
        _rate(
            share(reopened, resolved_once),
            resolved_once,
            "reopens_resolved_once",
            spec[18].empty,
        ),
    )


def team_report(rng: TrendRange) -> TeamReport:
    """Every row of the report over the range."""
    whole = rng.whole
    span = (whole.starts, whole.ends)
    counts: Counts = {family: family_counts(family, span) for family in FAMILIES}
    times = ticket_times(span)
    holders = {
        int(key)
        for found in counts.values()
        for (_flag, key) in found
        if key not in (TEAM, UNASSIGNED)
    }
    people = db.session.scalars(
        sa.select(User).where(sa.or_(User.active.is_(True), User.id.in_(holders)))
    ).all()
    rows = [
        TeamRow(
            person.name if person.active else _("%(name)s (deactivated)", name=person.name),
            str(person.id),
            _cells(counts, times, str(person.id)),
            inactive=not person.active,
        )
        for person in sorted(people, key=lambda person: (person.name.casefold(), person.id))
    ]
    rows.append(
        TeamRow(_("Unassigned"), UNASSIGNED, _cells(counts, times, UNASSIGNED), "unassigned")
    )
    rows.append(TeamRow(_("Whole team"), None, _cells(counts, times, TEAM), "team"))
    return TeamReport(rng.start, rng.end, columns(), tuple(rows))


def few_tickets(row: TeamRow) -> bool:
    """Fewer than FEW tickets opened: every figure of the row is thin."""
    return int(row.cells[0].text) < FEW


def report_table(report: TeamReport) -> Table:
    """The report as the trends' Table, for their CSV writer (empty cells stay empty)."""
    return Table(
        "team",
        _("Team report"),
        "",
        _("Person"),
        tuple(f"{column.group}: {column.title}" for column in report.columns),
        tuple(
            Row(row.label, tuple(Cell(None, cell.text) for cell in row.cells))
            for row in report.rows
        ),
    )
