"""Formatting for the reader's locale: Babel's dates, numbers and money, plus native Thai and
Bengali digits and Buddhist-era years for Thai, as the workspace chooses; bidi isolation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel import dates

from helpdesk.bidi import bdi, with_names
from helpdesk.locale_format import (
    FormatOptions,
    format_date,
    format_datetime,
    format_decimal,
    format_money,
    format_percent,
    format_time,
    format_timedelta,
    language_display_name,
    localise_digits,
)

MOMENT = datetime(2024, 3, 5, 20, 7, tzinfo=UTC)  # 6 March 2024, 03:07 in Bangkok
BANGKOK = ZoneInfo("Asia/Bangkok")
ALL_ON = FormatOptions(native_digits=frozenset({"th", "bn"}), buddhist_era=True)
ALL_OFF = FormatOptions(native_digits=frozenset(), buddhist_era=False)
DEFAULTS = FormatOptions()


def test_defaults_are_bengali_digits_and_buddhist_era_but_latin_thai_digits():
    assert DEFAULTS.native_digits == frozenset({"bn"})
    assert DEFAULTS.buddhist_era is True


def test_thai_date_in_the_buddhist_era_with_thai_digits():
    assert format_date(MOMENT, "long", locale="th", options=ALL_ON, tz=BANGKOK) == (
        "๖ มีนาคม พ.ศ. ๒๕๖๗"
    )
    assert format_date(MOMENT, "medium", locale="th", options=ALL_ON, tz=BANGKOK) == ("๖ มี.ค. ๒๕๖๗")


def test_thai_buddhist_era_with_latin_digits_is_the_default():
    assert format_date(MOMENT, "long", locale="th", options=DEFAULTS, tz=BANGKOK) == (
        "6 มีนาคม พ.ศ. 2567"
    )
    assert format_date(MOMENT, "short", locale="th", options=DEFAULTS, tz=BANGKOK) == "6/3/67"
    assert "วันพุธที่ 6 มีนาคม พ.ศ. 2567" in format_date(
        MOMENT, "full", locale="th", options=DEFAULTS, tz=BANGKOK
    )


def test_thai_gregorian_when_the_buddhist_era_is_off():
    assert format_date(MOMENT, "long", locale="th", options=ALL_OFF, tz=BANGKOK) == (
        "6 มีนาคม ค.ศ. 2024"
    )


def test_the_year_is_the_local_one_at_new_year():
    new_year_eve_utc = datetime(2024, 12, 31, 20, 0, tzinfo=UTC)  # already 2025 in Bangkok
    text = format_date(new_year_eve_utc, "long", locale="th", options=DEFAULTS, tz=BANGKOK)
    assert text == "1 มกราคม พ.ศ. 2568"


def test_a_plain_date_and_a_custom_pattern_also_get_the_buddhist_year():
    assert format_date(date(2024, 1, 2), "d/M/y", locale="th", options=DEFAULTS) == "2/1/2567"
    assert format_datetime(MOMENT, "y G", locale="th", options=DEFAULTS, tz=UTC) == "2567 พ.ศ."


def test_other_languages_never_get_the_buddhist_year():
    for language in ("en", "id", "bn"):
        assert "2024" in localise_digits(
            format_date(MOMENT, "long", locale=language, options=ALL_OFF), language, ALL_OFF
        )


def test_thai_datetime_joins_date_and_time_with_the_viewers_zone():
    text = format_datetime(MOMENT, "short", locale="th", options=ALL_ON, tz=BANGKOK)
    assert text == "๖/๓/๖๗ ๐๓:๐๗"
    assert format_datetime(MOMENT, "short", locale="th", options=DEFAULTS, tz=BANGKOK) == (
        "6/3/67 03:07"
    )


def test_bengali_digits_in_dates_and_times_when_on():
    assert format_date(MOMENT, "long", locale="bn", options=DEFAULTS) == "৫ মার্চ, ২০২৪"
    assert format_date(MOMENT, "long", locale="bn", options=ALL_OFF) == "5 মার্চ, 2024"
    assert format_time(MOMENT, "short", locale="bn", options=DEFAULTS, tz=UTC) == "৮:০৭ PM"


def test_english_and_indonesian_are_untouched():
    assert format_datetime(MOMENT, "medium", locale="en", options=ALL_ON, tz=UTC) == (
        "Mar 5, 2024, 8:07:00\u202fPM"
    )
    assert format_date(MOMENT, "long", locale="id", options=ALL_ON) == "5 Maret 2024"


def test_numbers_use_the_locale_grouping_and_digits():
    assert format_decimal(1234567.5, locale="bn", options=DEFAULTS) == "১২,৩৪,৫৬৭.৫"
    assert format_decimal(1234567.5, locale="bn", options=ALL_OFF) == "12,34,567.5"
    assert format_decimal(1234567.5, locale="th", options=ALL_ON) == "๑,๒๓๔,๕๖๗.๕"
    assert format_decimal(1234567.5, locale="th", options=DEFAULTS) == "1,234,567.5"
    assert format_decimal(1234567.5, locale="id", options=ALL_ON) == "1.234.567,5"
    assert format_percent(0.25, locale="bn", options=DEFAULTS) == "২৫%"


def test_money_from_integer_cents_in_the_currency():
    assert format_money(123456789, "USD", locale="en", options=DEFAULTS) == "$1,234,567.89"
    assert format_money(123456789, "THB", locale="th", options=DEFAULTS) == "฿1,234,567.89"
    assert format_money(123456789, "THB", locale="th", options=ALL_ON) == "฿๑,๒๓๔,๕๖๗.๘๙"
    assert format_money(5, "USD", locale="en", options=DEFAULTS) == "$0.05"
    assert format_money(0, "IDR", locale="id", options=DEFAULTS) == "Rp0,00"
    assert format_money(150000, "BDT", locale="bn", options=DEFAULTS) == "১,৫০০.০০৳"


def test_relative_times_in_words_with_native_digits():
    assert format_timedelta(
        timedelta(hours=2), locale="en", options=DEFAULTS, add_direction=True
    ) == ("in 2 hours")
    assert format_timedelta(
        timedelta(hours=2), locale="th", options=ALL_ON, add_direction=True
    ) == ("ในอีก ๒ ชั่วโมง")
    assert format_timedelta(
        timedelta(hours=-2), locale="bn", options=DEFAULTS, add_direction=True
    ) == ("২ ঘন্টা আগে")
    assert format_timedelta(timedelta(days=3), locale="id", options=ALL_ON) == "3 hari"


@pytest.mark.parametrize(
    ("code", "viewer", "expected"),
    [
        ("th", "en", "Thai (ไทย)"),
        ("bn", "en", "Bangla (বাংলা)"),
        ("id", "th", "อินโดนีเซีย (Indonesia)"),
        ("en", "en", "English"),
        ("th", "th", "ไทย"),
        ("zz-not-a-language", "en", "zz-not-a-language"),
    ],
)
def test_language_names_in_the_viewers_language(code, viewer, expected):
    assert language_display_name(code, viewer) == expected


def test_bdi_escapes_and_isolates():
    spoof = "Ann\u202egnp.exe"
    assert str(bdi(spoof)) == "<bdi>Ann\u202egnp.exe</bdi>"
    assert str(bdi("<b>x</b>")) == "<bdi>&lt;b&gt;x&lt;/b&gt;</bdi>"
    assert str(with_names("Reply sent to %(name)s & co.", name=spoof)) == (
        "Reply sent to <bdi>Ann\u202egnp.exe</bdi> &amp; co."
    )


def test_a_datetime_may_give_its_time_its_own_width():
    """The widget writes a medium date with a short time (no seconds), joined as the
    locale joins a medium date and time."""
    assert format_datetime(
        MOMENT, "medium", time_format="short", locale="th", options=DEFAULTS, tz=BANGKOK
    ) == ("6 มี.ค. 2567 03:07")
    assert format_datetime(
        MOMENT, "medium", time_format="short", locale="bn", options=DEFAULTS, tz=BANGKOK
    ) == ("৬ মার্চ, ২০২৪ ৩:০৭ AM")
    assert format_datetime(
        MOMENT, "medium", time_format="short", locale="en", options=DEFAULTS, tz=BANGKOK
    ) == ("Mar 6, 2024, 3:07\u202fAM")
    assert format_datetime(MOMENT, "medium", locale="id", options=DEFAULTS, tz=BANGKOK) == (
        "6 Mar 2024 03.07.00"
    )


@pytest.mark.parametrize("locale", ["en", "th", "bn", "id"])
def test_kept_times_of_day_show_the_seconds_each_moment_has(locale):
    """Times of day are kept per minute when the pattern shows no seconds, per second when
    it shows them: every moment still reads as Babel writes it."""
    for seconds, micro in [(0, 0), (59, 999_999), (1, 1), (30, 500_000)]:
        moment = MOMENT.replace(second=seconds, microsecond=micro)
        for width in ("short", "medium"):
            expected = dates.format_datetime(moment, width, tzinfo=BANGKOK, locale=locale)
            assert (
                format_datetime(moment, width, locale=locale, options=ALL_OFF, tz=BANGKOK)
                == expected
            ), (moment, width)


def test_kept_duration_texts_are_babels_across_every_units_boundaries():
    """Durations are kept per unit and whole number (`_unit_amount`): each must be the text
    Babel writes for that very duration, on both sides of every rounding and unit
    boundary, in both directions, for the thresholds and granularities in use."""
    from babel import dates

    second_counts = {0, 1, 29, 30, 31, 44, 45, 59, 60, 61, 89, 90, 91}
    for _unit, size in dates.TIMEDELTA_UNITS:
        for multiple in (0.5, 0.84, 0.85, 0.86, 0.99, 1, 1.49, 1.5, 1.51, 2.5, 3.49, 6.5, 11.5):
            second_counts |= {int(size * multiple) + offset for offset in (-1, 0, 1)}
    compared = 0
    for _round in range(2):  # the second round reads the kept texts
        for language in ("en", "th", "bn", "id"):
            for seconds in sorted(second_counts):
                for sign in (1, -1):
                    for threshold, granularity, direction in (
                        (0.85, "second", False),
                        (1, "second", False),
                        (0.85, "second", True),
                        (0.85, "minute", True),
                        (0.85, "day", False),
                    ):
                        delta = timedelta(seconds=sign * seconds)
                        expected = dates.format_timedelta(
                            delta,
                            threshold=threshold,
                            granularity=granularity,  # type: ignore[arg-type]
                            add_direction=direction,
                            locale=language,
                        )
                        got = format_timedelta(
                            delta,
                            locale=language,
                            options=ALL_OFF,
                            threshold=threshold,
                            granularity=granularity,
                            add_direction=direction,
                        )
                        assert got == expected, (language, delta, threshold, granularity)
                        compared += 1
    assert compared > 10_000
