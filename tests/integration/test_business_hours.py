"""Business hours in settings: the service's rules name their fields and are audited, and
the admin page is guarded, keeps what was typed on errors and saves what is valid."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape

from helpdesk.auth.service import user_create
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.models import AuditEvent, Setting
from helpdesk.settings.hours import BusinessHours, business_hours, business_hours_update
from tests.conftest import csrf_token

NINE_TO_FIVE = (time(9), time(17))
WEEKDAYS = {day: NINE_TO_FIVE if day < 5 else None for day in range(7)}


def person(role: str = "admin"):
    return user_create(
        email=f"{role}@example.com",
        name=f"{role.title()} Person",
        role=role,
        password="long-enough-password",
        actor="test",
    )


def update(actor, **changes):
    values = {"timezone": "Europe/Berlin", "days": WEEKDAYS, "holidays": [], **changes}
    return business_hours_update(actor=actor, **values)


def audit_events(database):
    return list(
        database.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "settings.business_hours")
        )
    )


# --- the service --------------------------------------------------------------------------


def test_default_is_weekdays_nine_to_five_in_the_default_zone(database):
    assert business_hours() == BusinessHours(timezone="UTC", days=WEEKDAYS)


def test_saving_stores_json_reads_back_and_is_audited_once(database):
    admin = person()
    saved = update(
        admin,
        days={**WEEKDAYS, 5: (time(10), time(14, 30))},
        holidays=[date(2026, 12, 26), date(2026, 12, 25)],
    )
    assert business_hours() == saved
    assert saved.holidays == {date(2026, 12, 25), date(2026, 12, 26)}
    assert database.session.get(Setting, "business_hours").value == {
        "timezone": "Europe/Berlin",
        "days": [["09:00", "17:00"]] * 5 + [["10:00", "14:30"], None],
        "holidays": ["2026-12-25", "2026-12-26"],
    }
    (event,) = audit_events(database)
    assert event.actor_user_id == admin.id
    assert event.changes["timezone"] == ["UTC", "Europe/Berlin"]
    assert set(event.changes) == {"timezone", "days", "holidays"}
    update(
        admin,
        days={**WEEKDAYS, 5: (time(10), time(14, 30))},
        holidays=[date(2026, 12, 25), date(2026, 12, 26)],
    )
    assert len(audit_events(database)) == 1  # nothing changed: nothing recorded


def test_only_admins_change_business_hours(database):
    for role in ("agent", "founder"):
        with pytest.raises(NotAllowed):
            update(person(role))
    assert audit_events(database) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"timezone": "europe/berlin"}, "timezone"),
        ({"days": {**WEEKDAYS, 2: (time(17), time(9))}}, "day_2"),
        ({"days": {**WEEKDAYS, 0: (time(9), time(9))}}, "day_0"),
        ({"days": dict.fromkeys(range(7))}, "days"),
        ({"days": {}}, "days"),
        ({"days": {**WEEKDAYS, 7: NINE_TO_FIVE}}, "days"),
        ({"holidays": [date(2026, 1, 1)] * 2}, "holidays"),
        ({"holidays": [date(2026, 1, 1) + timedelta(days=n) for n in range(367)]}, "holidays"),
    ],
)
def test_bad_values_name_their_field_and_change_nothing(database, changes, field):
    with pytest.raises(ValidationError) as error:
        update(person(), **changes)
    assert error.value.field == field
    assert business_hours() == BusinessHours(timezone="UTC", days=WEEKDAYS)
    assert audit_events(database) == []


def test_a_full_year_of_holidays_is_allowed(database):
    year = [date(2028, 1, 1) + timedelta(days=n) for n in range(366)]
    assert len(update(person(), holidays=year).holidays) == 366


def test_a_damaged_setting_falls_back_to_defaults(database):
    database.session.add(
        Setting(key="business_hours", value={"timezone": "Nowhere", "days": "x", "holidays": 1})
    )
    database.session.commit()
    assert business_hours() == BusinessHours(timezone="UTC", days=WEEKDAYS)


# --- the page -----------------------------------------------------------------------------


def form_data(**changes: str) -> dict[str, str]:
    data = {"timezone": "Asia/Bangkok", "holidays": "2026-12-25\n2026-12-31\n"}
    for day in range(5):
        data |= {f"day_{day}-open": "y", f"day_{day}-opens": "08:30", f"day_{day}-closes": "17:30"}
    data |= {"day_5-opens": "09:00", "day_5-closes": "12:00"}  # typed but closed
    return {**data, **changes}


def test_admin_sees_the_page_and_its_nav_link(login_as):
    admin = login_as("admin")
    page = admin.get("/settings/hours")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'href="/settings/hours"' in html
    assert '<option selected value="UTC">' in html
    assert '<option value="Europe/Berlin">' in html
    assert 'for="day_0-opens"' in html  # each time input has a label
    assert '<input checked id="day_0-open" name="day_0-open" type="checkbox"' in html
    assert '<input id="day_5-open" name="day_5-open" type="checkbox"' in html  # Saturday closed


@pytest.mark.parametrize("role", ["agent", "founder"])
def test_others_get_403(login_as, role):
    client = login_as(role)
    assert client.get("/settings/hours").status_code == 403
    response = client.post(
        "/settings/hours", data={**form_data(), "csrf_token": csrf_token(client, "/inbox")}
    )
    assert response.status_code == 403
    html = client.get("/inbox").get_data(as_text=True)
    assert 'href="/settings/hours"' not in html


def test_post_needs_csrf(login_as):
    admin = login_as("admin")
    assert admin.post("/settings/hours", data=form_data()).status_code == 400


def test_good_post_saves_and_redirects(app, login_as):
    admin = login_as("admin")
    response = admin.post(
        "/settings/hours", data={**form_data(), "csrf_token": csrf_token(admin, "/settings/hours")}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/settings/hours"
    assert "Business hours are saved." in admin.get("/settings/hours").get_data(as_text=True)
    with app.app_context():
        hours = business_hours()
        assert hours.timezone == "Asia/Bangkok"
        assert hours.days[0] == (time(8, 30), time(17, 30))
        assert hours.days[5] is None and hours.days[6] is None
        assert hours.holidays == {date(2026, 12, 25), date(2026, 12, 31)}
    html = admin.get("/settings/hours").get_data(as_text=True)
    assert '<option selected value="Asia/Bangkok">' in html
    assert "2026-12-25\n2026-12-31</textarea>" in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "Choose a time zone from the list."),
        ({"day_1-closes": "07:00"}, "The closing time must be after the opening time."),
        ({"day_2-opens": ""}, "Give a time like 09:00."),
        ({"day_3-closes": "25:99"}, "Not a valid time value."),
        ({"holidays": "2026-12-25\nChristmas"}, "Line 2 is not a date like 2026-12-25."),
        ({"holidays": "2026-02-30"}, "Line 1 is not a date like 2026-12-25."),
        ({"holidays": "2026-12-25\n2026-12-25"}, "2026-12-25 is listed twice."),
        (
            {f"day_{day}-open": "" for day in range(7)},
            "Open on at least one day of the week.",
        ),
        ({"holidays": "<script>alert(1)</script>"}, "Line 1 is not a date"),
    ],
)
def test_bad_posts_come_back_422_with_what_was_typed(app, login_as, changes, message):
    admin = login_as("admin")
    data = {**form_data(**changes), "csrf_token": csrf_token(admin, "/settings/hours")}
    response = admin.post("/settings/hours", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert "<script>alert" not in html
    assert 'value="08:30"' in html  # the times typed stay
    assert str(escape(data["holidays"].split("\n")[0])) in html
    with app.app_context():
        assert business_hours().timezone == "UTC"  # nothing saved
