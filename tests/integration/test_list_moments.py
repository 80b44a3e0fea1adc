"""A list's moments (`format_filters.moments`) read the locale, the workspace's choices
and the zone once for a whole list, and say exactly what the filters say one by one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import render_template_string
from flask_babel import force_locale

from helpdesk.format_filters import moments
from helpdesk.i18n import _babel_state
from tests.factories import TicketFactory

NOW = datetime(2026, 1, 3, 0, 0, tzinfo=UTC)
VALUES = [
    NOW - timedelta(seconds=20),
    NOW - timedelta(hours=3, minutes=5),
    NOW - timedelta(days=2, hours=11),
    NOW - timedelta(days=400),
    datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC),  # already 2026 in Bangkok
]
FILTERS = "{{ value.isoformat() }}|{{ value | datetimeformat('short') }}|{{ value | age }}"


@pytest.mark.parametrize("language", ["en", "th", "bn", "id"])
def test_moments_say_what_the_filters_say(app, set_now, language):
    set_now(NOW)
    with app.test_request_context("/"), force_locale(language):
        _babel_state().babel_tzinfo = ZoneInfo("Asia/Bangkok")
        shown = moments(VALUES)
        expected = [render_template_string(FILTERS, value=value) for value in VALUES]
    assert [f"{m.iso}|{m.title}|{m.age}" for m in shown] == expected
    assert len({m.title for m in shown}) == len({m.age for m in shown}) + 1 == len(VALUES)
    if language == "en":  # in the zone given, not in UTC
        assert shown[-1].title == "1/1/26, 6:59\u202fAM"


def test_an_inbox_row_shows_when_its_ticket_came_in_the_agents_zone(app, login_as, set_now):
    set_now(NOW)
    client = login_as("agent")
    with app.app_context():
        from helpdesk.extensions import db
        from helpdesk.models import User

        db.session.get(User, client.user.id).timezone = "Asia/Bangkok"
        TicketFactory(created_at=datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC))
        db.session.commit()
    html = client.get("/inbox").get_data(as_text=True)
    row_time = (
        '<time datetime="2025-12-31T23:59:59+00:00" title="1/1/26, 6:59\u202fAM">2 days</time>'
    )
    assert row_time in html
