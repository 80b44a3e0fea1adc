"""The trends dashboard's date range, its weekly buckets and the shapes every section
returns (a table of cells that each know their drilldown), plus the grouped counts and
medians the sections are built from and the CSV rendering of a table.

Weeks start on Monday at midnight in the workspace time zone (the business hours
setting); the range's dates are local calendar dates, both ends included.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.clock import now
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.founders.trends.metrics import METRICS, key_filter
from helpdesk.founders.trends.sql import buckets_cte, medians
from helpdesk.settings.hours import business_hours

DEFAULT_WEEKS = 12
# Five years, leap days included: a longer range is refused.
MAX_RANGE_DAYS = 5 * 365 + 2
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def workspace_zone() -> ZoneInfo:
    return business_hours().zone


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant a local calendar day starts."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class Bucket:
    """Local dates `first`..`last` (both included) and the UTC instants [starts, ends)."""

    first: date
    last: date
    starts: datetime
    ends: datetime


@dataclass(frozen=True)
class TrendRange:
    start: date
    end: date
    zone: ZoneInfo

    @property
    def whole(self) -> Bucket:
        return self.bucket(self.start, self.end)

    def bucket(self, first: date, last: date) -> Bucket:
        return Bucket(
            first,
            last,
            local_midnight(first, self.zone),
            local_midnight(last + timedelta(days=1), self.zone),
        )

    def weeks(self) -> list[Bucket]:
        """Monday-to-Sunday weeks, the first and last cut to the range."""
        weeks = []
        monday = self.start - timedelta(days=self.start.weekday())
        while monday <= self.end:
            weeks.append(
                self.bucket(max(monday, self.start), min(monday + timedelta(days=6), self.end))
            )
            monday += timedelta(days=7)
        return weeks


def default_dates(zone: ZoneInfo) -> tuple[date, date]:
    """Twelve weeks up to today: the current week so far and the eleven before it (a range
    that ended last Sunday showed nothing of what the team did this week)."""
    today = now().astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=DEFAULT_WEEKS - 1), today


def parse_date(value: str | None, field: str) -> date | None:
    """A YYYY-MM-DD date, None when blank; anything else is a field error."""
    value = (value or "").strip()
    if not value:
        return None
    if not _ISO_DATE.match(value):
        raise ValidationError(field, _("Enter a date as YYYY-MM-DD."))
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise ValidationError(field, _("Enter a date as YYYY-MM-DD.")) from None
    if not 1970 <= parsed.year <= 9000:
        raise ValidationError(field, _("Enter a date between 1970 and 9000."))
    return parsed


def trend_range(
    *,
    start: date | None,
    end: date | None,
    defaults: Callable[[ZoneInfo], tuple[date, date]] = default_dates,
) -> TrendRange:
    """The range to show: the given dates, `defaults` for those left out (the trends' twelve
    weeks unless another page passes its own). An inverted range or one over five years is
    a field error."""
    zone = workspace_zone()
    default_start, default_end = defaults(zone)
    start, end = start or default_start, end or default_end
    if end < start:
        raise ValidationError("end", _("The end date must not be before the start date."))
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise ValidationError("end", _("Choose a range of at most five years."))
    return TrendRange(start=start, end=end, zone=zone)


# --- what sections return ----------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    value: float | None
    text: str
    # The drilldown: metric, optional key, and the local dates it covers.
    metric: str | None = None
    key: str | None = None
    first: date | None = None
    last: date | None = None


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    section: str
    title: str
    description: str
    row_header: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    # Which columns the chart draws, and whether as stacked bars.
    chart_columns: tuple[int, ...] = (0,)
    stacked: bool = False
    chart_unit: str = ""
    # Summary rows (a whole-range total) shown under the table, not charted.
    footer: tuple[Row, ...] = ()

    @property
    def empty(self) -> bool:
        return not any(cell.value for row in (*self.rows, *self.footer) for cell in row.cells)


def count_cell(value: int, metric: str, bucket: Bucket, key: str | None = None) -> Cell:
    return Cell(float(value), str(value), metric, key, bucket.first, bucket.last)


def number_cell(
    value: float | None, metric: str, bucket: Bucket, key: str | None = None, digits: int = 1
) -> Cell:
    """A rate or a duration; blank when there is nothing to measure."""
    if value is None:
        return Cell(None, "")
    rounded = round(value, digits)
    text = f"{rounded:.{digits}f}" if digits else str(int(rounded))
    return Cell(rounded, text, metric, key, bucket.first, bucket.last)


# --- aggregates --------------------------------------------------------------------------

Grouped = dict[tuple[int, str | None], float]


def _members(metric: str, buckets: Sequence[Bucket]) -> sa.Subquery:
    cte = buckets_cte([(bucket.starts, bucket.ends) for bucket in buckets])
    span = (buckets[0].starts, buckets[-1].ends)
    return METRICS[metric].members(cte, span).subquery("members")


TOTAL = -1  # the bucket index of the whole-range count in `grouped_counts(total=True)`


def grouped_counts(metric: str, buckets: Sequence[Bucket], *, total: bool = False) -> Grouped:
    """Distinct items per (bucket index, key), in one GROUP BY; with `total`, also each
    key's distinct items over all the buckets (bucket TOTAL), from the same rows."""
    if not buckets:
        return {}
    cte = buckets_cte([(bucket.starts, bucket.ends) for bucket in buckets])
    span = (buckets[0].starts, buckets[-1].ends)
    members = METRICS[metric].members(cte, span).cte("members")
    distinct = sa.func.count(sa.distinct(members.c.item_id))
    query: sa.Select[Any] | sa.CompoundSelect = sa.select(
        members.c.bucket, members.c.key, distinct
    ).group_by(members.c.bucket, members.c.key)
    if total:
        overall = sa.select(sa.literal(TOTAL), members.c.key, distinct).group_by(members.c.key)
        query = sa.union_all(query, overall)
    rows = db.session.execute(query)
    return {(int(bucket), key): float(count) for bucket, key, count in rows}


def grouped_medians(metric: str, buckets: Sequence[Bucket]) -> Grouped:
    """The median of `seconds` per (bucket index, key), by window functions in SQL."""
    if not buckets:
        return {}
    members = _members(metric, buckets)
    rows = db.session.execute(medians(members, "seconds", ["bucket", "key"]))
    return {(int(bucket), key): float(value) for bucket, key, value in rows}


def member_tickets(metric: str, bucket: Bucket, key: str | None) -> sa.Select[Any]:
    """The distinct ids of the tickets behind one number."""
    members = _members(metric, [bucket])
    return (
        sa.select(members.c.ticket_id)
        .where(members.c.ticket_id.is_not(None), key_filter(METRICS[metric], members.c.key, key))
        .distinct()
    )


# --- reading the aggregates in the tables -----------------------------------------------

HOUR = 3600.0


def week_label(bucket: Bucket) -> str:
    """A week's row label in the tables: its first day."""
    return bucket.first.isoformat()


def count_at(counts: dict[tuple[int, str | None], float], index: int, key: str | None) -> int:
    """The count of bucket `index` and `key` in `grouped_counts`' result (0 when none)."""
    return int(counts.get((index, key), 0))


def hours_at(
    medians: dict[tuple[int, str | None], float], index: int, key: str | None
) -> float | None:
    seconds = medians.get((index, key))
    return None if seconds is None else seconds / HOUR


# --- CSV ---------------------------------------------------------------------------------


def safe_cell(text: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: quote them. (Labels and
    headers can hold names people typed, such as root causes; the numbers are ours and
    stay numbers, so an NPS of -20 reads as -20.)"""
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(name) for name in (table.row_header, *table.columns)])
    for row in (*table.rows, *table.footer):
        writer.writerow([safe_cell(row.label), *(cell.text for cell in row.cells)])
    return out.getvalue()
