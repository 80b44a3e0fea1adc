"""Small building blocks: JSON depth, the clock, UTC columns, control-character stripping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from helpdesk import clock
from helpdesk.forms import strip_control
from helpdesk.models.base import UTCDateTime
from helpdesk.web.security import json_depth


@pytest.mark.parametrize(
    ("value", "depth"),
    [(1, 0), ([], 1), ({"a": [1, {"b": []}]}, 4), ([[[[]]]], 4), ({"a": 1, "b": [[2]]}, 3)],
)
def test_json_depth(value, depth):
    assert json_depth(value) == depth


def test_json_depth_handles_very_deep_values_without_recursion():
    value: list = []
    for _ in range(50_000):
        value = [value]
    assert json_depth(value) == 50_001


def test_clock_can_be_frozen_and_released():
    moment = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    clock.set_now(moment)
    try:
        assert clock.now() == moment
    finally:
        clock.set_now(None)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_clock_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set_now(datetime(2026, 1, 1))  # noqa: DTZ001


def test_utc_column_stores_aware_values_and_refuses_naive():
    column = UTCDateTime()
    sqlite = sa.create_engine("sqlite://").dialect
    bangkok = datetime(2026, 5, 1, 15, 0, tzinfo=timezone(timedelta(hours=7)))
    stored = column.process_bind_param(bangkok, sqlite)
    assert stored == datetime(2026, 5, 1, 8, 0)
    assert column.process_result_value(stored, sqlite) == datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="naive"):
        column.process_bind_param(datetime(2026, 5, 1), sqlite)  # noqa: DTZ001


def test_strip_control_keeps_text_and_line_breaks():
    assert strip_control("a\x00b\x1bc\x7fd\u0085e\tf\ng\r\n") == "abcde\tf\ng\r\n"
    assert strip_control("สวัสดี") == "สวัสดี"
    assert strip_control(None) is None
