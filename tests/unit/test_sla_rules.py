"""Service-level rules without a database: which policy matches, due and warning times in
business time (a weekend, a holiday, a DST change), pausing and resuming a clock, the
states a clock shows, and compact durations."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from helpdesk.models import SlaPolicy, SlaTarget
from helpdesk.settings.hours import BusinessHours
from helpdesk.sla import clocks
from helpdesk.sla.clocks import policy_for, policy_matches, schedule
from helpdesk.sla.display import target_state

BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS_9_TO_5 = BusinessHours(
    timezone="Europe/Berlin",
    days={day: (time(9), time(17)) if day < 5 else None for day in range(7)},
)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


def make_policy(**fields: object) -> SlaPolicy:
    values = {
        "name": "P",
        "enabled": True,
        "priorities": [],
        "plans": [],
        "vip_only": False,
        "first_reply_minutes": 60,
        "warn_minutes": 60,
    }
    values.update(fields)
    return SlaPolicy(**values)


def ticket(priority: str = "normal", plan: str | None = None, vip: bool = False) -> object:
    return SimpleNamespace(priority=priority, customer=SimpleNamespace(plan=plan, vip=vip))


# --- matching -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "priority", "plan", "vip", "matches"),
    [
        ({}, "low", None, False, True),  # empty conditions match anything
        ({"priorities": ["high", "urgent"]}, "urgent", None, False, True),
        ({"priorities": ["high", "urgent"]}, "normal", None, False, False),
        ({"plans": ["Pro", "Enterprise"]}, "normal", " pro ", False, True),  # case, spaces
        ({"plans": ["Pro"]}, "normal", None, False, False),
        ({"vip_only": True}, "normal", None, False, False),
        ({"vip_only": True}, "normal", None, True, True),
        ({"vip_only": True, "priorities": ["urgent"]}, "normal", None, True, False),  # all must
        ({"enabled": False}, "normal", None, True, False),
    ],
)
def test_a_policy_matches_only_when_every_condition_does(fields, priority, plan, vip, matches):
    assert policy_matches(make_policy(**fields), priority=priority, plan=plan, vip=vip) is matches


def test_the_first_matching_policy_in_order_applies():
    vip = make_policy(name="VIP", vip_only=True)
    urgent = make_policy(name="Urgent", priorities=["urgent"])
    everyone = make_policy(name="Everyone")
    ordered = [vip, urgent, everyone]
    assert policy_for(ticket("urgent", vip=True), ordered) is vip  # type: ignore[arg-type]
    assert policy_for(ticket("urgent"), ordered) is urgent  # type: ignore[arg-type]
    assert policy_for(ticket("low"), ordered) is everyone  # type: ignore[arg-type]
    assert policy_for(ticket("low"), [vip, urgent]) is None  # type: ignore[arg-type]


# --- due and warning times ------------------------------------------------------------------


def test_due_time_skips_the_weekend_and_the_warning_comes_before():
    friday_4pm = berlin(2026, 3, 20, 16, 0)
    due, warn = schedule(friday_4pm, timedelta(hours=2), 60, WEEKDAYS_9_TO_5)
    assert due == berlin(2026, 3, 23, 10, 0)  # 1 h on Friday, 1 h on Monday
    assert warn == berlin(2026, 3, 20, 17, 0)  # one business hour earlier: Friday's close


def test_a_warning_window_longer_than_the_target_starts_at_once():
    start = berlin(2026, 3, 18, 10, 0)
    due, warn = schedule(start, timedelta(minutes=30), 120, WEEKDAYS_9_TO_5)
    assert (due, warn) == (start + timedelta(minutes=30), start)


def test_due_time_across_the_spring_dst_change_keeps_local_hours():
    # Friday 27 March 2026 16:00 Berlin (CET); clocks go forward on Sunday 29 March.
    start = berlin(2026, 3, 27, 16, 0)
    due, _warn = schedule(start, timedelta(hours=3), 0, WEEKDAYS_9_TO_5)
    assert due == berlin(2026, 3, 30, 11, 0)  # Monday 11:00 local, now CEST
    assert due.astimezone(UTC).hour == 9


def test_holidays_do_not_count():
    hours = BusinessHours(
        timezone="Europe/Berlin", days=WEEKDAYS_9_TO_5.days, holidays=frozenset({date(2026, 3, 23)})
    )
    due, _warn = schedule(berlin(2026, 3, 20, 16, 0), timedelta(hours=2), 0, hours)
    assert due == berlin(2026, 3, 24, 10, 0)


# --- pause and resume -------------------------------------------------------------------------


def test_pausing_over_a_weekend_freezes_business_time_left(monkeypatch):
    monkeypatch.setattr(clocks, "_warn_minutes", lambda policy_id: 60)
    started = berlin(2026, 10, 23, 9, 0)  # Friday before the autumn DST change
    target = SlaTarget(kind="resolution", started_at=started)
    target.due_at, target.warn_at = schedule(
        started, timedelta(hours=10), 60, WEEKDAYS_9_TO_5
    )  # Monday 11:00
    clocks._pause(target, berlin(2026, 10, 23, 15, 0), WEEKDAYS_9_TO_5)
    assert target.due_at is None and target.warn_at is None
    assert target.remaining_seconds == 4 * 3600  # 2 h left on Friday + 2 h on Monday
    assert target_state(target, berlin(2026, 10, 30, 9, 0)) == "paused"

    # Resumed on Tuesday at 16:00: one hour today, three on Wednesday.
    clocks._resume(target, berlin(2026, 10, 27, 16, 0), 60, WEEKDAYS_9_TO_5)
    assert target.paused_at is None and target.remaining_seconds is None
    assert target.due_at == berlin(2026, 10, 28, 12, 0)
    assert target.warn_at == berlin(2026, 10, 28, 11, 0)


def test_a_breached_clock_keeps_its_due_time_through_a_pause():
    due = berlin(2026, 3, 18, 10, 0)
    target = SlaTarget(kind="first_reply", due_at=due, breached_at=due)
    clocks._pause(target, berlin(2026, 3, 18, 12, 0), WEEKDAYS_9_TO_5)
    assert (target.due_at, target.paused_at) == (due, berlin(2026, 3, 18, 12, 0))
    clocks._resume(target, berlin(2026, 3, 19, 12, 0), 60, WEEKDAYS_9_TO_5)
    assert (target.due_at, target.paused_at) == (due, None)


def test_meeting_late_records_the_breach_at_the_due_time():
    due = berlin(2026, 3, 18, 10, 0)
    target = SlaTarget(kind="first_reply", due_at=due)
    clocks._meet(target, due + timedelta(minutes=5))
    assert target.breached_at == due
    on_time = SlaTarget(kind="first_reply", due_at=due)
    clocks._meet(on_time, due)
    assert on_time.breached_at is None


@pytest.mark.parametrize(
    ("fields", "state"),
    [
        ({"due_at": berlin(2026, 3, 18, 12, 0)}, "running"),
        ({"due_at": berlin(2026, 3, 18, 10, 0)}, "breached"),  # overdue, not yet swept
        (
            {"due_at": None, "paused_at": berlin(2026, 3, 18, 9, 0), "remaining_seconds": 60},
            "paused",
        ),
        ({"met_at": berlin(2026, 3, 18, 9, 30)}, "met"),
        (
            {"met_at": berlin(2026, 3, 18, 10, 30), "breached_at": berlin(2026, 3, 18, 10, 0)},
            "met_late",
        ),
        ({"cancelled_at": berlin(2026, 3, 18, 9, 30)}, "cancelled"),
    ],
)
def test_the_state_a_clock_shows(fields, state):
    assert (
        target_state(SlaTarget(kind="first_reply", **fields), berlin(2026, 3, 18, 11, 0)) == state
    )
