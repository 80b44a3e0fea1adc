"""The admins' audit log page: newest first, filters, keyset pages, CSV export with
formulas defused, and nobody else may see it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, User


@pytest.fixture
def events(app, make_user):  # type: ignore[no-untyped-def]
    """Two people's events on three days, and one by the CLI with a formula in it."""
    ana = make_user("agent", name="Ana Lima")
    bo = make_user("founder", name="Bo Chan")
    with app.app_context():
        db.session.query(AuditEvent).delete()
        rows = [
            (ana.id, "user.login", "users", str(ana.id), {}, datetime(2026, 3, 1, 9, tzinfo=UTC)),
            (
                bo.id,
                "settings.assignment",
                "users",
                str(bo.id),
                {"auto_assign": [False, True]},
                datetime(2026, 3, 2, 9, tzinfo=UTC),
            ),
            (
                None,
                "api_token.create",
                "api_tokens",
                "7",
                {"name": '=HYPERLINK("x")'},
                datetime(2026, 3, 3, 9, tzinfo=UTC),
            ),
        ]
        for actor, action, kind, object_id, changes, moment in rows:
            db.session.add(
                AuditEvent(
                    actor_user_id=actor,
                    actor_label=f"user:{actor}" if actor else "cli",
                    action=action,
                    object_type=kind,
                    object_id=object_id,
                    changes=changes,
                    created_at=moment,
                )
            )
        db.session.commit()
    return ana, bo


def rows_of(html: str) -> list[str]:
    return [part.split("</code>")[0] for part in html.split("<td><code>")[1:]]


def test_admins_see_every_event_newest_first(login_as, events):
    admin = login_as("admin")
    response = admin.get("/settings/audit")
    assert response.status_code == 200
    actions = rows_of(response.get_data(as_text=True))
    # The admin's own account and login (made by login_as) are newest.
    assert actions == [
        "user.login",
        "user.create",
        "api_token.create",
        "settings.assignment",
        "user.login",
    ]
    html = response.get_data(as_text=True)
    assert "Bo Chan" in html and "cli" in html
    assert 'href="/settings/audit"' in admin.get("/inbox").get_data(as_text=True)


@pytest.mark.parametrize("role", ["agent", "founder"])
def test_others_may_not_see_it(login_as, role):
    client = login_as(role)
    assert client.get("/settings/audit").status_code == 403
    assert client.get("/settings/audit/export.csv").status_code == 403


def test_logged_out_visitors_are_sent_to_login(client):
    response = client.get("/settings/audit/export.csv")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_filters_by_actor_action_subject_and_dates(login_as, events):
    ana, bo = events
    admin = login_as("admin")
    by_bo = admin.get(f"/settings/audit?actor={bo.id}").get_data(as_text=True)
    assert rows_of(by_bo) == ["settings.assignment"]
    logins = admin.get("/settings/audit?action=user.login").get_data(as_text=True)
    assert rows_of(logins) == ["user.login", "user.login"]
    tokens = admin.get("/settings/audit?subject=api_tokens").get_data(as_text=True)
    assert rows_of(tokens) == ["api_token.create"]
    nobody = admin.get("/settings/audit?actor=none").get_data(as_text=True)
    assert rows_of(nobody) == ["user.create", "api_token.create"]  # made by the tests
    days = admin.get("/settings/audit?from=2026-03-02&to=2026-03-02").get_data(as_text=True)
    assert rows_of(days) == ["settings.assignment"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=yesterday", "Enter a date as YYYY-MM-DD."),
        ("from=2026-03-05&to=2026-03-01", "The end date is before the start date."),
        ("actor=-1", "Choose someone from the list."),
        ("to=9999-12-31", "Enter a date between 1970 and 9000."),  # no day after it
        ("from=0001-01-01", "Enter a date between 1970 and 9000."),
    ],
)
def test_bad_filters_are_explained(login_as, events, query, message):
    admin = login_as("admin")
    response = admin.get(f"/settings/audit?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert admin.get(f"/settings/audit/export.csv?{query}").status_code == 400


def test_pages_continue_before_the_last_id(app, login_as, events, monkeypatch):
    from helpdesk.settings import audit_log

    monkeypatch.setattr(audit_log, "PAGE_SIZE", 2)
    admin = login_as("admin")
    first = admin.get("/settings/audit").get_data(as_text=True)
    assert rows_of(first) == ["user.login", "user.create"]
    with app.app_context():
        created = db.session.query(AuditEvent).filter_by(action="user.create").one()
        token_event = db.session.query(AuditEvent).filter_by(action="api_token.create").one()
    assert f"before={created.id}" in first
    second = admin.get(f"/settings/audit?before={created.id}").get_data(as_text=True)
    assert rows_of(second) == ["api_token.create", "settings.assignment"]
    third = admin.get(f"/settings/audit?before={token_event.id - 1}").get_data(as_text=True)
    assert rows_of(third) == ["user.login"]
    assert "Older" not in third


def test_csv_export_follows_the_filters_and_defuses_formulas(login_as, events):
    admin = login_as("admin")
    response = admin.get("/settings/audit/export.csv?subject=api_tokens")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["time_utc", "actor_id", "actor", "action"]
    assert len(rows) == 2
    assert rows[1][2] == "cli"
    assert rows[1][6].startswith("{")  # JSON does not start with a formula character
    everything = admin.get("/settings/audit/export.csv").get_data(as_text=True)
    assert len(list(csv.reader(io.StringIO(everything)))) == 6


def test_a_name_that_looks_like_a_formula_is_quoted(app, login_as, events):
    ana, _bo = events
    with app.app_context():
        db.session.get(User, ana.id).name = "=cmd|' /C calc'!A0"
        db.session.commit()
    admin = login_as("admin")
    text = admin.get(f"/settings/audit/export.csv?actor={ana.id}").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][2] == "'=cmd|' /C calc'!A0"
