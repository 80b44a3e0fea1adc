"""Usage health from a customer's own history (helpdesk.usage.health): the baseline is the
median of their weekly counts; slipping, dormant, new and active as the settings say."""

from __future__ import annotations

from datetime import date, timedelta

from helpdesk.usage.health import usage_health, weekly_counts
from helpdesk.usage.settings import UsageSettings

TODAY = date(2026, 12, 1)


def _daily(per_week: list[int]) -> dict[date, int]:
    """One day per week with that week's count; per_week[0] is the last 7 days."""
    return {TODAY - timedelta(days=7 * index + 1): count for index, count in enumerate(per_week)}


def _health(per_week: list[int], settings: UsageSettings | None = None, **known):
    daily = {day: count for day, count in _daily(per_week).items() if count}
    days = sorted(daily)
    return usage_health(
        daily=daily,
        today=TODAY,
        first_event_on=known.get("first", days[0] if days else None),
        last_event_on=known.get("last", days[-1] if days else None),
        key_event_last_on=known.get("key_last"),
        settings=settings or UsageSettings(),
    )


def test_weekly_counts_bucket_days_back_from_today() -> None:
    daily = {TODAY: 1, TODAY - timedelta(days=6): 2, TODAY - timedelta(days=7): 4}
    assert weekly_counts(daily, TODAY, 3) == [3, 4, 0]
    # Days outside the window and in the future are ignored.
    assert weekly_counts(
        {TODAY - timedelta(days=21): 9, TODAY + timedelta(days=1): 9}, TODAY, 3
    ) == [0, 0, 0]


def test_steady_use_is_active_with_the_median_week() -> None:
    health = _health([20, 18, 22, 20, 100, 19, 21, 20, 20])
    assert health.state == "active"
    assert health.usual_week == 20 and health.last_7_days == 20


def test_a_drop_below_the_ratio_is_slipping() -> None:
    health = _health([5, 20, 22, 20, 19, 21, 20, 20, 20])
    assert (health.state, health.reason) == ("slipping", "below_usual")
    # Half of 20 is the line: 10 is not below it, 9 is.
    assert _health([10, 20, 20, 20, 20]).state == "active"
    assert _health([9, 20, 20, 20, 20]).state == "slipping"
    # A lower ratio tolerates more.
    assert _health([9, 20, 20, 20, 20], UsageSettings(slipping_ratio_percent=40)).state == "active"


def test_the_median_ignores_one_busy_week() -> None:
    assert _health([12, 10, 10, 200, 10, 10]).state == "active"


def test_too_little_history_is_new() -> None:
    assert _health([]).state == "new"
    health = _health([1, 30, 30])  # two full weeks before the last 7 days
    assert (health.state, health.reason, health.usual_week) == ("new", "little_history", None)


def test_onboarded_then_gone_is_dormant() -> None:
    first = TODAY - timedelta(days=30)
    daily = {first: 5, first + timedelta(days=3): 2}
    health = usage_health(
        daily=daily,
        today=TODAY,
        first_event_on=first,
        last_event_on=first + timedelta(days=3),
        key_event_last_on=None,
        settings=UsageSettings(dormant_days=14),
    )
    assert (health.state, health.reason) == ("dormant", "no_return")
    # Not yet quiet for long enough: still new.
    soon = usage_health(
        daily=daily,
        today=first + timedelta(days=10),
        first_event_on=first,
        last_event_on=first + timedelta(days=3),
        key_event_last_on=None,
        settings=UsageSettings(dormant_days=14),
    )
    assert soon.state == "new"


def test_a_key_event_not_seen_for_n_days_is_slipping() -> None:
    settings = UsageSettings(key_event="order_placed", key_event_days=14)
    weeks = [20, 20, 20, 20, 20]
    assert _health(weeks, settings, key_last=TODAY - timedelta(days=13)).state == "active"
    health = _health(weeks, settings, key_last=TODAY - timedelta(days=14))
    assert (health.state, health.reason) == ("slipping", "key_event")
    # Without a key event configured, the same history is active.
    assert _health(weeks, key_last=TODAY - timedelta(days=40)).state == "active"


def test_the_service_checks_event_names_itself() -> None:
    from helpdesk.usage.ingest import _is_event_name

    assert _is_event_name("logged_in") and _is_event_name("order.placed:v2")
    assert not _is_event_name("Logged_in") and not _is_event_name("1st") and not _is_event_name("")
    assert not _is_event_name("a" * 61)
