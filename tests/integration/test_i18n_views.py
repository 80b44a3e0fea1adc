"""Dates and times are shown by Babel, in the viewer's own time zone and language."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from tests.conftest import csrf_token, login


def test_times_are_shown_in_the_viewers_time_zone_and_locale(app, make_user, set_now):
    moment = datetime(2026, 3, 1, 1, 30, tzinfo=UTC)
    set_now(moment)
    admin = make_user("admin")
    client = app.test_client()
    login(client, admin.email)  # records last_login_at = moment
    client.post(
        "/account/profile",
        data={
            "name": admin.name,
            "timezone": "Asia/Bangkok",
            "language": "th",
            "csrf_token": csrf_token(client, "/account"),
        },
    )
    html = client.get("/settings/team").get_data(as_text=True)
    expected = format_datetime(moment, "short", tzinfo=ZoneInfo("Asia/Bangkok"), locale="th")
    assert "08:30" in expected
    # Thai dates count Buddhist-era years by default (2026 + 543 = 2569): helpdesk.locale_format
    assert expected.replace("/26 ", "/69 ") in html
    assert '<html lang="th">' in html
