"""Pure rules of ticket hygiene: the snooze quick picks against business hours, and which
domains may never be blocked."""

from __future__ import annotations

from datetime import UTC, datetime, time

from helpdesk.settings.hours import BusinessHours
from helpdesk.tickets.snooze import QUICK_PICKS, snooze_picks
from helpdesk.tickets.spam import FREE_MAIL_DOMAINS, sender_domain


def test_quick_picks_skip_closed_time():
    hours = BusinessHours(timezone="UTC")  # Monday to Friday 09:00-17:00
    friday_afternoon = datetime(2026, 6, 5, 15, 0, tzinfo=UTC)
    picks = snooze_picks(friday_afternoon, hours)
    assert list(picks) == list(QUICK_PICKS)
    assert picks["later"] == datetime(2026, 6, 8, 10, 0, tzinfo=UTC)  # 2 h Fri + 1 h Mon
    assert picks["tomorrow"] == datetime(2026, 6, 8, 9, 0, tzinfo=UTC)  # Saturday is closed
    assert picks["next_week"] == datetime(2026, 6, 8, 9, 0, tzinfo=UTC)


def test_quick_picks_are_in_the_workspace_zone():
    hours = BusinessHours(timezone="Asia/Bangkok")  # UTC+7
    tuesday_evening_bangkok = datetime(2026, 6, 2, 12, 0, tzinfo=UTC)  # 19:00 local
    picks = snooze_picks(tuesday_evening_bangkok, hours)
    assert picks["tomorrow"] == datetime(2026, 6, 3, 2, 0, tzinfo=UTC)  # Wed 09:00 local
    assert picks["next_week"] == datetime(2026, 6, 8, 2, 0, tzinfo=UTC)  # Mon 09:00 local
    assert picks["later"].astimezone(hours.zone).time() == time(12, 0)  # Wed 09:00 + 3 h


def test_common_providers_are_never_blockable_and_domains_are_lower_case():
    assert {"gmail.com", "outlook.com", "yahoo.com", "icloud.com"} <= FREE_MAIL_DOMAINS
    assert sender_domain(" Someone@Example.COM ") == "example.com"
