"""Padded promise times and the business-hours arithmetic under them: open and closed
days, holidays, a Friday evening, the quarter-hour rounding, Europe/Berlin across both DST
changes of 2026, the customer-facing wording and the checks on a custom due time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpdesk.errors import ValidationError
from helpdesk.promises.padding import ESTIMATES, check_custom_due, describe_due, suggest_due
from helpdesk.settings.hours import (
    BusinessHours,
    add_business_days,
    add_business_time,
    business_time_between,
    is_open,
    next_open,
    open_interval,
)

BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS_9_TO_5 = BusinessHours(timezone="Europe/Berlin")
EVERY_DAY_9_TO_5 = BusinessHours(
    timezone="Europe/Berlin", days={day: (time(9), time(17)) for day in range(7)}
)


def berlin(*args: int) -> datetime:
    """A Berlin wall-clock time as the aware UTC datetime the functions take."""
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)  # type: ignore[misc]


def local(moment: datetime) -> datetime:
    return moment.astimezone(BERLIN).replace(tzinfo=None)


# --- padding rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("estimate", "start", "due"),
    [
        # Ten minutes of work: an hour of business time, rounded up to the quarter hour.
        ("minutes", (2026, 3, 24, 10, 0), (2026, 3, 24, 11, 0)),
        ("minutes", (2026, 3, 24, 10, 7), (2026, 3, 24, 11, 15)),
        ("minutes", (2026, 3, 24, 15, 59, 30), (2026, 3, 24, 17, 0)),
        ("minutes", (2026, 3, 24, 7, 0), (2026, 3, 24, 10, 0)),  # before opening
        ("minutes", (2026, 3, 27, 16, 30), (2026, 3, 30, 9, 30)),  # Friday afternoon
        ("minutes", (2026, 3, 27, 18, 0), (2026, 3, 30, 10, 0)),  # Friday evening
        ("minutes", (2026, 3, 28, 12, 0), (2026, 3, 30, 10, 0)),  # Saturday
        # An hour of work: by the end of the next business day ("tomorrow").
        ("hour", (2026, 3, 24, 10, 0), (2026, 3, 25, 17, 0)),
        ("hour", (2026, 3, 24, 7, 0), (2026, 3, 25, 17, 0)),  # early still means tomorrow
        ("hour", (2026, 3, 27, 18, 0), (2026, 3, 30, 17, 0)),  # Friday evening -> Monday
        ("hour", (2026, 3, 29, 12, 0), (2026, 3, 30, 17, 0)),  # Sunday -> Monday
        # A day of work: the end of the second business day.
        ("day", (2026, 3, 26, 14, 7), (2026, 3, 30, 17, 0)),
        # A few days: the end of the fifth business day.
        ("days", (2026, 3, 23, 9, 0), (2026, 3, 30, 17, 0)),
    ],
)
def test_padding_rules(estimate, start, due):
    assert local(suggest_due(estimate=estimate, start=berlin(*start), hours=WEEKDAYS_9_TO_5)) == (
        datetime(*due)
    )


def test_holidays_are_skipped():
    easter = BusinessHours(
        timezone="Europe/Berlin",
        holidays=frozenset({date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 6)}),
    )
    start = berlin(2026, 4, 1, 16, 30)  # the Wednesday before Easter
    assert local(suggest_due(estimate="minutes", start=start, hours=easter)) == datetime(
        2026, 4, 7, 9, 30
    )
    assert local(suggest_due(estimate="hour", start=start, hours=easter)) == datetime(
        2026, 4, 7, 17, 0
    )
    assert local(suggest_due(estimate="day", start=start, hours=easter)) == datetime(
        2026, 4, 8, 17, 0
    )


def test_rounding_never_leaves_business_hours():
    odd = BusinessHours(
        timezone="Europe/Berlin", days={day: (time(9, 5), time(17, 10)) for day in range(5)}
    )
    # 16:05 + 1 hour = 17:05; the next quarter (17:15) is after closing: promise 17:10.
    assert local(suggest_due(estimate="minutes", start=berlin(2026, 3, 24, 16, 5), hours=odd)) == (
        datetime(2026, 3, 24, 17, 10)
    )
    assert local(suggest_due(estimate="hour", start=berlin(2026, 3, 24, 12), hours=odd)) == (
        datetime(2026, 3, 25, 17, 10)
    )
    # Saturday: Monday opens 09:05, an hour later is 10:05, promised as 10:15.
    assert local(suggest_due(estimate="minutes", start=berlin(2026, 3, 28, 12), hours=odd)) == (
        datetime(2026, 3, 30, 10, 15)
    )


def test_rounding_is_in_local_time():
    kathmandu = BusinessHours(timezone="Asia/Kathmandu")  # UTC+05:45
    start = datetime(2026, 3, 24, 10, 7, tzinfo=ZoneInfo("Asia/Kathmandu"))
    due = suggest_due(estimate="minutes", start=start, hours=kathmandu)
    assert due.astimezone(ZoneInfo("Asia/Kathmandu")).time() == time(11, 15)


@pytest.mark.parametrize("estimate", ESTIMATES)
def test_every_suggestion_is_later_clean_and_inside_business_hours(estimate):
    start = berlin(2026, 3, 20, 0, 0)
    for _step in range(600):  # every 37 minutes for about two weeks, across the DST change
        due = suggest_due(estimate=estimate, start=start, hours=WEEKDAYS_9_TO_5)
        assert due.tzinfo == UTC
        assert due - start >= timedelta(hours=1)
        assert local(due).minute % 15 == 0 and local(due).second == 0
        opens, closes = open_interval(local(due).date(), WEEKDAYS_9_TO_5)  # type: ignore[misc]
        assert opens < due <= closes
        start += timedelta(minutes=37)


@pytest.mark.parametrize("estimate", ["", "weeks", "MINUTES", None, 3])
def test_unknown_estimate_is_a_field_error(estimate):
    with pytest.raises(ValidationError) as error:
        suggest_due(estimate=estimate, start=berlin(2026, 3, 24, 10), hours=WEEKDAYS_9_TO_5)
    assert error.value.field == "estimate"


# --- business hours and DST ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "opens_utc", "closes_utc"),
    [
        (date(2026, 3, 28), time(8), time(16)),  # CET, UTC+1
        (date(2026, 3, 29), time(7), time(15)),  # spring forward: CEST, UTC+2
        (date(2026, 10, 24), time(7), time(15)),  # CEST
        (date(2026, 10, 25), time(8), time(16)),  # fall back: CET again
    ],
)
def test_wall_clock_hours_hold_on_dst_days(day, opens_utc, closes_utc):
    opens, closes = open_interval(day, EVERY_DAY_9_TO_5)  # type: ignore[misc]
    assert (opens, closes) == (
        datetime.combine(day, opens_utc, tzinfo=UTC),
        datetime.combine(day, closes_utc, tzinfo=UTC),
    )
    assert (local(opens).time(), local(closes).time()) == (time(9), time(17))
    assert is_open(opens, EVERY_DAY_9_TO_5)
    assert not is_open(opens - timedelta(seconds=1), EVERY_DAY_9_TO_5)
    assert not is_open(closes, EVERY_DAY_9_TO_5)


def test_business_time_crosses_the_spring_forward_night():
    start = berlin(2026, 3, 28, 16, 0)
    assert local(add_business_time(start, timedelta(hours=2), EVERY_DAY_9_TO_5)) == datetime(
        2026, 3, 29, 10, 0
    )
    # The short night leaves Sunday a whole eight-hour day: 1 + 8 hours end at its closing.
    assert local(add_business_time(start, timedelta(hours=9), EVERY_DAY_9_TO_5)) == datetime(
        2026, 3, 29, 17, 0
    )
    assert local(
        add_business_time(start, timedelta(hours=9, minutes=1), EVERY_DAY_9_TO_5)
    ) == datetime(2026, 3, 30, 9, 1)


def test_business_time_across_the_fall_back_night():
    start = berlin(2026, 10, 24, 16, 30)
    assert local(add_business_time(start, timedelta(hours=1), EVERY_DAY_9_TO_5)) == datetime(
        2026, 10, 25, 9, 30
    )


def test_night_hours_on_dst_days_count_real_time():
    """01:00–04:00 local lasts two real hours when clocks go forward and four when they
    go back; open time is counted in real time."""
    night = BusinessHours(
        timezone="Europe/Berlin", days={day: (time(1), time(4)) for day in range(7)}
    )
    spring = open_interval(date(2026, 3, 29), night)
    autumn = open_interval(date(2026, 10, 25), night)
    assert spring and spring[1] - spring[0] == timedelta(hours=2)
    assert autumn and autumn[1] - autumn[0] == timedelta(hours=4)
    due = add_business_time(berlin(2026, 3, 29, 1, 0), timedelta(hours=3), night)
    assert local(due) == datetime(2026, 3, 30, 2, 0)


def test_padding_across_dst_weekends():
    spring = suggest_due(
        estimate="minutes", start=berlin(2026, 3, 27, 16, 30), hours=WEEKDAYS_9_TO_5
    )
    assert spring == datetime(2026, 3, 30, 7, 30, tzinfo=UTC)  # 09:30 CEST
    autumn = suggest_due(estimate="hour", start=berlin(2026, 10, 23, 11), hours=WEEKDAYS_9_TO_5)
    assert autumn == datetime(2026, 10, 26, 16, 0, tzinfo=UTC)  # 17:00 CET


def test_next_open_and_add_business_days():
    tuesday_10 = berlin(2026, 3, 24, 10)
    assert next_open(tuesday_10, WEEKDAYS_9_TO_5) == tuesday_10
    assert local(next_open(berlin(2026, 3, 27, 17), WEEKDAYS_9_TO_5)) == datetime(2026, 3, 30, 9, 0)
    assert local(add_business_days(tuesday_10, 0, WEEKDAYS_9_TO_5)) == datetime(2026, 3, 24, 17, 0)
    assert local(add_business_days(tuesday_10, 4, WEEKDAYS_9_TO_5)) == datetime(2026, 3, 30, 17, 0)


def test_arithmetic_refuses_naive_times_and_negative_amounts():
    naive = datetime(2026, 3, 24, 10)
    with pytest.raises(ValueError, match="aware"):
        is_open(naive, WEEKDAYS_9_TO_5)
    with pytest.raises(ValueError, match="aware"):
        suggest_due(estimate="hour", start=naive, hours=WEEKDAYS_9_TO_5)
    with pytest.raises(ValueError):
        add_business_time(berlin(2026, 3, 24, 10), timedelta(minutes=-1), WEEKDAYS_9_TO_5)
    with pytest.raises(ValueError):
        add_business_days(berlin(2026, 3, 24, 10), -1, WEEKDAYS_9_TO_5)


def test_scanning_gives_up_when_nothing_is_open():
    mondays_only = BusinessHours(
        timezone="UTC",
        days={0: (time(9), time(17))},
        holidays=frozenset(date(2026, 3, 23) + timedelta(weeks=n) for n in range(60)),
    )
    with pytest.raises(ValueError, match="no business hours"):
        suggest_due(estimate="hour", start=datetime(2026, 3, 22, tzinfo=UTC), hours=mondays_only)


# --- wording for the customer ---------------------------------------------------------------

DUE = datetime(2026, 3, 26, 14, 0, tzinfo=UTC)


def test_describe_due_in_the_customers_zone():
    text = describe_due(DUE, zone="America/New_York", fallback_zone="Asia/Bangkok", locale="en")
    assert text == "Thursday, March 26, 2026, 10:00\u202fAM"  # CLDR: narrow no-break space


def test_describe_due_names_the_workspace_zone_when_the_customers_is_unknown():
    for zone in (None, "", "Mars/Olympus_Mons"):
        text = describe_due(DUE, zone=zone, fallback_zone="Asia/Bangkok", locale="en")
        assert text == "Thursday, March 26, 2026, 9:00\u202fPM (Thailand Time, GMT+07:00)"
    assert describe_due(DUE, zone=None, fallback_zone="UTC", locale="en") == (
        "Thursday, March 26, 2026, 2:00\u202fPM (UTC)"
    )


def test_describe_due_in_thai():
    text = describe_due(DUE, zone="Asia/Bangkok", fallback_zone="UTC", locale="th")
    assert "วันพฤหัสบดี" in text and "21:00" in text and "(" not in text
    fallback = describe_due(DUE, zone=None, fallback_zone="Asia/Bangkok", locale="th")
    assert fallback.startswith(text)
    assert fallback.endswith("(เวลาไทย, GMT+07:00)")


def test_describe_due_follows_the_workspace_formats():
    from helpdesk.locale_format import FormatOptions

    plain = FormatOptions(native_digits=frozenset(), buddhist_era=False)
    thai = describe_due(DUE, zone="Asia/Bangkok", fallback_zone="UTC", locale="th", options=plain)
    assert "2026" in thai
    buddhist = FormatOptions(native_digits=frozenset(), buddhist_era=True)
    assert "2569" in describe_due(
        DUE, zone="Asia/Bangkok", fallback_zone="UTC", locale="th", options=buddhist
    )
    bengali = describe_due(
        DUE, zone="Asia/Dhaka", fallback_zone="UTC", locale="bn", options=FormatOptions()
    )
    assert "২০২৬" in bengali and "2026" not in bengali


def test_describe_due_refuses_a_naive_time():
    with pytest.raises(ValueError):
        describe_due(datetime(2026, 3, 26, 14), zone=None, fallback_zone="UTC", locale="en")


# --- a custom due time --------------------------------------------------------------------

NOW = datetime(2026, 3, 24, 10, 0, tzinfo=UTC)


def test_custom_due_in_range_comes_back_in_utc():
    bangkok = datetime(2026, 3, 25, 9, 0, tzinfo=ZoneInfo("Asia/Bangkok"))
    assert check_custom_due(bangkok, now=NOW) == datetime(2026, 3, 25, 2, 0, tzinfo=UTC)
    assert check_custom_due(NOW + timedelta(days=60), now=NOW) == NOW + timedelta(days=60)


@pytest.mark.parametrize(
    ("due", "message"),
    [
        (NOW - timedelta(minutes=1), "That time has passed"),
        (NOW, "That time has passed"),
        (NOW + timedelta(days=60, seconds=1), "at most 60 days ahead"),
        (NOW.replace(tzinfo=None) + timedelta(hours=1), "time zone"),
    ],
)
def test_custom_due_errors_name_the_field(due, message):
    with pytest.raises(ValidationError) as error:
        check_custom_due(due, now=NOW)
    assert error.value.field == "due_at"
    assert message in error.value.message


# --- open time between two moments --------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (berlin(2026, 3, 20, 10, 0), berlin(2026, 3, 20, 12, 30), timedelta(hours=2, minutes=30)),
        # Friday 16:00 to Monday 10:00: one hour on Friday, one on Monday.
        (berlin(2026, 3, 20, 16, 0), berlin(2026, 3, 23, 10, 0), timedelta(hours=2)),
        # Across the spring DST change the local 9-to-5 day is still eight hours.
        (berlin(2026, 3, 27, 17, 0), berlin(2026, 3, 30, 17, 0), timedelta(hours=8)),
        (berlin(2026, 3, 21, 10, 0), berlin(2026, 3, 22, 18, 0), timedelta(0)),  # weekend
        (berlin(2026, 3, 20, 12, 0), berlin(2026, 3, 20, 11, 0), timedelta(0)),  # reversed
    ],
)
def test_business_time_between_counts_only_open_time(start, end, expected):
    assert business_time_between(start, end, WEEKDAYS_9_TO_5) == expected


@pytest.mark.parametrize("minutes", [0, 1, 59, 60, 8 * 60, 8 * 60 + 1, 5 * 8 * 60 * 3 + 7])
def test_business_time_between_inverts_add_business_time(minutes):
    start = berlin(2026, 10, 23, 15, 20)  # a Friday afternoon before the autumn change
    duration = timedelta(minutes=minutes)
    end = add_business_time(start, duration, WEEKDAYS_9_TO_5)
    assert business_time_between(start, end, WEEKDAYS_9_TO_5) == duration


def test_business_time_between_spans_more_than_the_scan_window():
    start = berlin(2026, 1, 5, 9, 0)  # a Monday
    end = start + timedelta(days=7 * 100)  # 100 weeks, past the 400-day scan window
    assert business_time_between(start, end, WEEKDAYS_9_TO_5) == timedelta(hours=8 * 5 * 100)
