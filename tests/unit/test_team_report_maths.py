"""The team report's arithmetic: percentiles, shares and attainment, business time by the
report's clock (which must agree with `business_time_between`), and what counts as a
reopen."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from helpdesk.founders.team_report.maths import BusinessClock, attainment, percentile, share
from helpdesk.founders.team_report.metrics import TEAM_METRICS, key_ok, reopens
from helpdesk.settings.hours import BusinessHours, business_time_between

BERLIN = BusinessHours(
    timezone="Europe/Berlin",
    days={0: (time(9), time(17)), 1: (time(9), time(17)), 2: (time(9), time(17)),
          3: (time(9), time(17)), 4: (time(9), time(13)), 5: None, 6: None},
    holidays=frozenset({date(2026, 4, 3), date(2026, 4, 6)}),
)  # fmt: skip
UTC_9_TO_5 = BusinessHours()


# --- percentiles and shares --------------------------------------------------------------


def test_percentile_of_nothing_is_none_not_zero():
    assert percentile([], 50) is None


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([7.0], 50, 7.0),
        ([7.0], 90, 7.0),
        ([3.0, 1.0, 2.0], 50, 2.0),
        ([4.0, 1.0, 3.0, 2.0], 50, 2.5),  # an even count: the mean of the middle two
        ([3.0, 8.0], 90, 7.5),
        ([0.5, 2.0, 2.0], 90, 2.0),
        ([float(n) for n in range(1, 11)], 90, 9.1),
        ([float(n) for n in range(1, 11)], 100, 10.0),
        ([float(n) for n in range(1, 11)], 0, 1.0),
    ],
)
def test_percentile_interpolates_between_ranks(values, q, expected):
    assert percentile(values, q) == pytest.approx(expected)


def test_percentile_refuses_a_q_outside_0_to_100():
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_shares_and_attainment_are_none_without_a_base():
    assert share(0, 0) is None
    assert share(1, 4) == 25.0
    assert attainment(0, 0) is None
    assert attainment(3, 1) == 75.0
    assert attainment(0, 2) == 0.0


# --- business time -----------------------------------------------------------------------


def test_clock_counts_only_open_time():
    monday = datetime(2026, 3, 2, tzinfo=UTC)
    clock = BusinessClock(UTC_9_TO_5, monday, monday + timedelta(days=14))
    # Friday 16:00 to Monday 10:00: one hour on Friday and one on Monday.
    assert (
        clock.seconds_between(
            monday + timedelta(days=4, hours=16), monday + timedelta(days=7, hours=10)
        )
        == 2 * 3600
    )
    # Saturday to Sunday: nothing open.
    assert clock.seconds_between(monday + timedelta(days=5), monday + timedelta(days=6)) == 0
    # Backwards or equal: zero, never negative.
    assert clock.seconds_between(monday + timedelta(hours=12), monday + timedelta(hours=10)) == 0


def test_clock_agrees_with_business_time_between_across_dst_and_holidays():
    # Europe/Berlin moves to summer time on 29 March 2026; Good Friday and Easter Monday
    # are holidays here, and Fridays close at 13:00.
    rng = random.Random(21)  # noqa: S311 - test data
    start = datetime(2026, 3, 16, tzinfo=UTC)
    end = start + timedelta(days=40)
    clock = BusinessClock(BERLIN, start, end)
    span = (end - start).total_seconds()
    for _ in range(400):
        a = start + timedelta(seconds=rng.uniform(0, span))
        b = a + timedelta(seconds=rng.uniform(0, span) * rng.choice((0.01, 0.2, 1.0)))
        b = min(b, end)
        expected = business_time_between(a, b, BERLIN).total_seconds()
        assert clock.seconds_between(a, b) == pytest.approx(expected), (a, b)


# --- what counts ---------------------------------------------------------------------------


def test_drilldown_keys_are_a_person_id_or_unassigned():
    assert key_ok("12")
    assert key_ok("unassigned")
    for bad in ("", "-1", "1.5", "abc", "²", "9" * 30, "Unassigned"):
        assert not key_ok(bad)


def test_every_metric_names_its_family_and_flag():
    assert TEAM_METRICS["sla_missed"].family == "sla"
    assert TEAM_METRICS["reopens_reopened"].flag == "reopened"
    assert "complaints" not in TEAM_METRICS


def _flags(*changes: tuple[str, str]) -> tuple[int, int] | None:
    """(resolved_once, reopened) for a ticket's status changes, via the report's own SQL on
    an in-memory SQLite database; None when the ticket was never resolved."""
    from helpdesk.models import AuditEvent, Customer, Ticket, User
    from helpdesk.models.base import Base

    engine = sa.create_engine("sqlite://")
    tables = [
        table
        for table in Base.metadata.sorted_tables
        if table.name in {"tickets", "customers", "users", "audit_events"}
    ]
    Base.metadata.create_all(engine, tables=tables)
    moment = datetime(2026, 3, 3, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(sa.insert(User.__table__).values(
            id=1, email="a@example.com", name="A", password_hash="x", role="agent",
            timezone="UTC", active=True, session_version=1, available=False, created_at=moment,
        ))  # fmt: skip
        connection.execute(sa.insert(Customer.__table__).values(
            id=1, email="c@example.com", name="C", created_at=moment,
        ))  # fmt: skip
        connection.execute(sa.insert(Ticket.__table__).values(
            id=1, number=1, subject="S", status="open", priority="normal", kind="question",
            channel="widget", customer_id=1, assignee_id=1, created_at=moment,
            last_activity_at=moment,
        ))  # fmt: skip
        for number, (old, new) in enumerate(changes):
            connection.execute(sa.insert(AuditEvent.__table__).values(
                actor_label="test", action="ticket.update", object_type="tickets",
                object_id="1", changes={"status": [old, new]},
                created_at=moment + timedelta(minutes=number),
            ))  # fmt: skip
        span = (moment - timedelta(days=1), moment + timedelta(days=1))
        row = connection.execute(reopens(span)).first()
    return None if row is None else (row.resolved_once, row.reopened)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ([("open", "resolved")], (1, 0)),
        ([("pending", "closed")], (1, 0)),
        ([("new", "resolved"), ("resolved", "closed")], (1, 0)),  # closing is no reopen
        ([("open", "resolved"), ("resolved", "open")], (1, 1)),
        ([("open", "closed"), ("closed", "open"), ("open", "closed")], (1, 1)),
        ([("open", "resolved"), ("resolved", "pending")], (1, 1)),
        ([("new", "open"), ("open", "pending")], None),  # never resolved
    ],
)
def test_reopen_detection_reads_status_changes_out_of_done(changes, expected):
    assert _flags(*changes) == expected
