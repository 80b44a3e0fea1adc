"""The admin's team page: roles guard it, and its rules hold (no duplicate, no weak
password, the last admin stays)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, User
from tests.conftest import csrf_token, login


@pytest.mark.parametrize("role", ["agent", "founder"])
def test_non_admins_get_403_on_team_pages(login_as, role):
    client = login_as(role)
    assert client.get("/settings/team").status_code == 403
    response = client.post(
        "/settings/team",
        data={
            "name": "X",
            "email": "x@example.com",
            "role": "admin",
            "password": "long-enough-pass",
            "csrf_token": csrf_token(client, "/inbox"),
        },
    )
    assert response.status_code == 403


def test_admin_sees_the_team_and_the_nav_link(login_as):
    client = login_as("admin")
    page = client.get("/settings/team")
    assert page.status_code == 200
    assert 'href="/settings/team"' in page.get_data(as_text=True)


def test_agent_navigation_has_no_admin_links(login_as):
    client = login_as("agent")
    html = client.get("/inbox").get_data(as_text=True)
    assert 'href="/inbox"' in html
    assert 'href="/settings/team"' not in html


def test_admin_adds_a_user_who_can_then_log_in(app, login_as):
    admin = login_as("admin")
    response = admin.post(
        "/settings/team",
        data={
            "name": "Nadia Islam",
            "email": "Nadia@Example.com",
            "role": "founder",
            "password": "a-first-password",
            "csrf_token": csrf_token(admin, "/settings/team"),
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "nadia@example.com"))
        assert user.role == "founder"
        events = db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.object_id == str(user.id))
        ).all()
        assert "user.create" in events
    assert login(app.test_client(), "nadia@example.com", "a-first-password").status_code == 302


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"password": "short"}, "Use at least 10 characters for the password."),
        ({"role": "superuser"}, "Role must be one of: agent, founder, admin."),
        ({"name": "   "}, "This field is required."),
    ],
)
def test_add_user_errors_keep_what_was_typed(login_as, fields, message):
    admin = login_as("admin")
    data = {
        "name": "Rina Putri",
        "email": "rina@example.com",
        "role": "agent",
        "password": "a-first-password",
        **fields,
    }
    response = admin.post(
        "/settings/team", data={**data, "csrf_token": csrf_token(admin, "/settings/team")}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    if "name" not in fields:
        assert 'value="Rina Putri"' in html


def test_duplicate_email_is_refused(login_as, make_user):
    admin = login_as("admin")
    existing = make_user("agent")
    response = admin.post(
        "/settings/team",
        data={
            "name": "Copy",
            "email": existing.email.upper(),
            "role": "agent",
            "password": "a-first-password",
            "csrf_token": csrf_token(admin, "/settings/team"),
        },
    )
    assert response.status_code == 422
    assert "A user with this email already exists." in response.get_data(as_text=True)


def test_deactivation_ends_the_users_sessions_and_blocks_login(app, login_as):
    admin = login_as("admin")
    agent = login_as("agent")
    assert agent.get("/inbox").status_code == 200
    response = admin.post(
        f"/settings/team/{agent.user.id}/deactivate",
        data={"csrf_token": csrf_token(admin, "/settings/team")},
    )
    assert response.status_code == 302
    assert agent.get("/inbox").status_code == 302
    assert login(app.test_client(), agent.user.email).status_code == 422
    admin.post(
        f"/settings/team/{agent.user.id}/reactivate",
        data={"csrf_token": csrf_token(admin, "/settings/team")},
    )
    assert login(app.test_client(), agent.user.email).status_code == 302


def test_admin_cannot_deactivate_themselves(app, login_as):
    admin = login_as("admin")
    response = admin.post(
        f"/settings/team/{admin.user.id}/deactivate",
        data={"csrf_token": csrf_token(admin, "/settings/team")},
        follow_redirects=True,
    )
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert admin.get("/settings/team").status_code == 200


def test_last_admin_keeps_the_admin_role(app, login_as):
    admin = login_as("admin")
    response = admin.post(
        f"/settings/team/{admin.user.id}/role",
        data={"role": "agent", "csrf_token": csrf_token(admin, "/settings/team")},
        follow_redirects=True,
    )
    assert "The last active admin must stay an admin." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, admin.user.id).role == "admin"


def test_role_change_is_audited(app, login_as, make_user):
    admin = login_as("admin")
    agent = make_user("agent")
    admin.post(
        f"/settings/team/{agent.id}/role",
        data={"role": "founder", "csrf_token": csrf_token(admin, "/settings/team")},
    )
    with app.app_context():
        assert db.session.get(User, agent.id).role == "founder"
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.set_role"))
        assert event.changes == {"role": ["agent", "founder"]}
        assert event.actor_user_id == admin.user.id


def test_unknown_user_id_is_404(login_as):
    admin = login_as("admin")
    response = admin.post(
        "/settings/team/999999/deactivate", data={"csrf_token": csrf_token(admin, "/settings/team")}
    )
    assert response.status_code == 404


def test_state_changes_need_csrf(login_as, make_user):
    admin = login_as("admin")
    agent = make_user("agent")
    assert admin.post(f"/settings/team/{agent.id}/deactivate").status_code == 400


def test_admin_turns_on_round_robin_and_pauses_someone(app, login_as, make_user):
    from helpdesk.settings.service import assignment_settings

    admin = login_as("admin")
    agent = make_user("agent")
    response = admin.post(
        "/settings/team/assignment",
        data={
            "auto_assign": "y",
            "max_open_per_agent": "5",
            "csrf_token": csrf_token(admin, "/settings/team"),
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert assignment_settings().auto_assign is True
        assert assignment_settings().max_open_per_agent == 5
    admin.post(
        f"/settings/team/{agent.id}/availability",
        data={"available": "0", "csrf_token": csrf_token(admin, "/settings/team")},
    )
    with app.app_context():
        assert db.session.get(User, agent.id).available is False


@pytest.mark.parametrize("value", ["-1", "1001", "lots", ""])
def test_assignment_limit_is_validated(login_as, value):
    admin = login_as("admin")
    response = admin.post(
        "/settings/team/assignment",
        data={
            "auto_assign": "y",
            "max_open_per_agent": value,
            "csrf_token": csrf_token(admin, "/settings/team"),
        },
    )
    assert response.status_code == 422


def test_agents_cannot_change_assignment(login_as):
    agent = login_as("agent")
    response = agent.post(
        "/settings/team/assignment",
        data={
            "auto_assign": "y",
            "max_open_per_agent": "1",
            "csrf_token": csrf_token(agent, "/inbox"),
        },
    )
    assert response.status_code == 403
