"""Two-factor sign-in through the real views: enrolment with a confirm step, login with a
code or a recovery code, replay refused, failed codes limited, remembered devices, the
workspace's policy forcing enrolment, and an admin's audited reset."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, RecoveryCode, User
from tests.conftest import csrf_token, login

NOON = datetime(2026, 6, 2, 12, 0, 5, tzinfo=UTC)
KEY = re.compile(r'id="totp-key"[^>]*value="([A-Z2-7]+)"')
CODES = re.compile(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>")


def code_at(secret: str, moment: datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


def enrol(client, moment: datetime = NOON) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    """Set up the second factor through the account page; the secret and recovery codes."""
    page = client.get("/account/two-factor")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'src="data:image/png;base64,' in html
    secret = KEY.search(html).group(1)
    response = client.post(
        "/account/two-factor/confirm",
        data={"code": code_at(secret, moment), "csrf_token": csrf_token(client, "/account")},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    codes = CODES.findall(response.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def send_code(client, code: str, remember: bool = False):  # type: ignore[no-untyped-def]
    data = {"code": code, "csrf_token": csrf_token(client, "/login")}
    if remember:
        data["remember"] = "y"
    return client.post("/login/code", data=data)


def test_enrol_then_login_needs_a_code(app, make_user, set_now):
    set_now(NOON)
    user = make_user("agent")
    client = app.test_client()
    login(client, user.email)
    secret, _codes = enrol(client)
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.totp_secret and secret not in stored.totp_secret  # encrypted at rest
        hashes = db.session.scalars(sa.select(RecoveryCode.code_hash)).all()
        assert len(hashes) == 10 and not any(c.replace("-", "") in hashes for c in _codes)

    fresh = app.test_client()
    response = login(fresh, user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login/code"
    assert fresh.get("/inbox").status_code == 302  # the password alone is not a login
    set_now(NOON + timedelta(seconds=60))
    done = send_code(fresh, code_at(secret, NOON + timedelta(seconds=60)))
    assert done.status_code == 302 and done.headers["Location"] == "/inbox"
    assert fresh.get("/inbox").status_code == 200


def test_a_wrong_code_is_refused_on_the_field(app, make_user, set_now):
    set_now(NOON)
    user = make_user("agent")
    client = app.test_client()
    login(client, user.email)
    enrol(client)
    fresh = app.test_client()
    login(fresh, user.email)
    response = send_code(fresh, "000000")
    assert response.status_code == 422
    assert "That code is not right" in response.get_data(as_text=True)
    assert fresh.get("/inbox").status_code == 302


def test_a_code_cannot_be_used_twice(app, make_user, set_now):
    set_now(NOON)
    user = make_user("agent")
    client = app.test_client()
    login(client, user.email)
    secret, _codes = enrol(client)
    set_now(NOON + timedelta(seconds=30))
    code = code_at(secret, NOON + timedelta(seconds=30))
    first = app.test_client()
    login(first, user.email)
    assert send_code(first, code).status_code == 302
    second = app.test_client()
    login(second, user.email)
    assert send_code(second, code).status_code == 422
    # Nor an older one still inside the drift window.
    assert send_code(second, code_at(secret, NOON)).status_code == 422


def test_a_recovery_code_logs_in_once(app, make_user, set_now):
    set_now(NOON)
    user = make_user("agent")
    client = app.test_client()
    login(client, user.email)
    _secret, codes = enrol(client)
    first = app.test_client()
    login(first, user.email)
    response = send_code(first, codes[3].upper().replace("-", " "))  # forgiving of typing
    assert response.status_code == 302
    assert "9 are left" in first.get("/inbox").get_data(as_text=True)
    second = app.test_client()
    login(second, user.email)
    assert send_code(second, codes[3]).status_code == 422
    with app.app_context():
        logins = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "user.login")
        ).all()
    assert logins[-1].changes == {"second_factor": "recovery_code"}


def test_enrolment_refuses_a_wrong_code_and_keeps_the_same_key(app, login_as, set_now):
    set_now(NOON)
    client = login_as("agent")
    first = KEY.search(client.get("/account/two-factor").get_data(as_text=True)).group(1)
    response = client.post(
        "/account/two-factor/confirm",
        data={"code": "123456", "csrf_token": csrf_token(client, "/account")},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "That code does not match" in html
    assert KEY.search(html).group(1) == first  # the app the person scanned still matches
    with app.app_context():
        assert db.session.get(User, client.user.id).totp_enabled_at is None
    for junk in ("", "abcdef", "1" * 30):
        refused = client.post(
            "/account/two-factor/confirm",
            data={"code": junk, "csrf_token": csrf_token(client, "/account")},
        )
        assert refused.status_code == 422


def test_failed_codes_are_rate_limited(app, make_user, set_now):
    set_now(NOON)
    user = make_user("agent")
    client = app.test_client()
    login(client, user.email)
    enrol(client)
    fresh = app.test_client()
    login(fresh, user.email)
    statuses = [send_code(fresh, "000000").status_code for _ in range(6)]
    assert statuses[:5] == [422] * 5
    assert statuses[5] == 429


def test_the_code_step_expires(app, make_user, set_now):
    set_now(NOON)
    user = make_user("agent")
    client = app.test_client()
    login(client, user.email)
    secret, _codes = enrol(client)
    fresh = app.test_client()
    login(fresh, user.email)
    later = NOON + timedelta(minutes=6)
    set_now(later)
    response = send_code(fresh, code_at(secret, later))
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert fresh.get("/inbox").status_code == 302


def test_the_code_page_without_a_password_sends_to_login(client):
    response = client.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_a_remembered_device_skips_the_code_until_the_password_changes(app, make_user, set_now):
    set_now(NOON)
    user = make_user("agent")
    client = app.test_client()
    login(client, user.email)
    secret, _codes = enrol(client)
    device = app.test_client()
    login(device, user.email)
    set_now(NOON + timedelta(seconds=30))
    done = send_code(device, code_at(secret, NOON + timedelta(seconds=30)), remember=True)
    assert "hd_2fa_device=" in done.headers.get("Set-Cookie", "") or any(
        "hd_2fa_device" in header for header in done.headers.getlist("Set-Cookie")
    )
    device.post("/logout", data={"csrf_token": csrf_token(device, "/inbox")})
    again = login(device, user.email)
    assert again.headers["Location"] == "/inbox"  # no code asked on this device
    other = app.test_client()
    assert login(other, user.email).headers["Location"] == "/login/code"
    # A new password forgets every remembered device.
    with app.app_context():
        db.session.get(User, user.id).set_password("a-new-password-here")
        db.session.commit()
    device.post("/logout", data={"csrf_token": csrf_token(device, "/inbox")})
    assert login(device, user.email, "a-new-password-here").headers["Location"] == "/login/code"


def test_the_workspace_policy_forces_enrolment_at_next_login(app, login_as, make_user, set_now):
    set_now(NOON)
    admin = login_as("admin")
    response = admin.post(
        "/settings/team/two-factor",
        data={"required": "admins", "csrf_token": csrf_token(admin, "/settings/team")},
    )
    assert response.status_code == 302
    # An agent is not concerned.
    agent = make_user("agent")
    agent_client = app.test_client()
    assert login(agent_client, agent.email).headers["Location"] == "/inbox"
    # A founder logs in, and can do nothing but set it up (or log out).
    founder = make_user("founder")
    client = app.test_client()
    assert login(client, founder.email).headers["Location"] == "/account/two-factor"
    blocked = client.get("/inbox")
    assert blocked.status_code == 302 and blocked.headers["Location"] == "/account/two-factor"
    enrol(client)
    assert client.get("/inbox").status_code == 200
    # Required of them: they cannot turn it off.
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "Turn off two-factor sign-in" not in page
    with app.app_context():
        changes = db.session.scalars(
            sa.select(AuditEvent.changes).where(AuditEvent.action == "settings.two_factor")
        ).all()
    assert changes == [{"two_factor_required": ["off", "admins"]}]


def test_a_bad_policy_value_is_refused(login_as):
    admin = login_as("admin")
    response = admin.post(
        "/settings/team/two-factor",
        data={"required": "sometimes", "csrf_token": csrf_token(admin, "/settings/team")},
    )
    assert response.status_code == 422
    assert "aria-invalid" in response.get_data(as_text=True) or "Not a valid choice" in (
        response.get_data(as_text=True)
    )


def test_only_admins_set_the_policy_or_reset_a_factor(app, login_as, make_user):
    target = make_user("agent")
    for role in ("agent", "founder"):
        client = login_as(role)
        token = csrf_token(client, "/inbox")
        assert (
            client.post(
                "/settings/team/two-factor", data={"required": "everyone", "csrf_token": token}
            ).status_code
            == 403
        )
        assert (
            client.post(
                f"/settings/team/{target.id}/two-factor/reset", data={"csrf_token": token}
            ).status_code
            == 403
        )


def test_an_admin_resets_someones_factor_audited(app, login_as, make_user, set_now):
    set_now(NOON)
    user = make_user("agent")
    client = app.test_client()
    login(client, user.email)
    enrol(client)
    admin = login_as("admin")
    team = admin.get("/settings/team").get_data(as_text=True)
    assert f"/settings/team/{user.id}/two-factor/reset" in team
    response = admin.post(
        f"/settings/team/{user.id}/two-factor/reset",
        data={"csrf_token": csrf_token(admin, "/settings/team")},
    )
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.totp_secret is None and stored.totp_enabled_at is None
        assert db.session.scalar(sa.select(sa.func.count(RecoveryCode.id))) == 0
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "user.two_factor_reset")
        )
        assert event.actor_user_id == admin.user.id and event.object_id == str(user.id)
    assert login(app.test_client(), user.email).headers["Location"] == "/inbox"


def test_turning_it_off_needs_the_password(app, make_user, set_now):
    set_now(NOON)
    user = make_user("agent")
    client = app.test_client()
    login(client, user.email)
    enrol(client)
    wrong = client.post(
        "/account/two-factor/disable",
        data={"password": "not-my-password", "csrf_token": csrf_token(client, "/account")},
    )
    assert wrong.status_code == 422
    assert "The password is not right." in wrong.get_data(as_text=True)
    right = client.post(
        "/account/two-factor/disable",
        data={"password": user.password, "csrf_token": csrf_token(client, "/account")},
    )
    assert right.status_code == 302
    assert login(app.test_client(), user.email).headers["Location"] == "/inbox"


def test_new_recovery_codes_replace_the_old(app, make_user, set_now):
    set_now(NOON)
    user = make_user("agent")
    client = app.test_client()
    login(client, user.email)
    _secret, old = enrol(client)
    response = client.post(
        "/account/two-factor/recovery-codes", data={"csrf_token": csrf_token(client, "/account")}
    )
    new = CODES.findall(response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    fresh = app.test_client()
    login(fresh, user.email)
    assert send_code(fresh, old[0]).status_code == 422
    assert send_code(fresh, new[0]).status_code == 302


def test_the_cli_resets_a_locked_out_admin(app, runner, make_user, set_now):
    set_now(NOON)
    admin = make_user("admin")
    client = app.test_client()
    login(client, admin.email)
    enrol(client)
    result = runner.invoke(args=["helpdesk", "reset-2fa", admin.email.upper()])
    assert result.exit_code == 0, result.output
    assert "is reset" in result.output
    assert login(app.test_client(), admin.email).headers["Location"] == "/inbox"
    unknown = runner.invoke(args=["helpdesk", "reset-2fa", "nobody@example.com"])
    assert unknown.exit_code != 0
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(AuditEvent.actor_label).where(
                    AuditEvent.action == "user.two_factor_reset"
                )
            )
            == "cli"
        )


def test_guessing_the_password_to_turn_it_off_is_limited(app, make_user, set_now):
    set_now(NOON)
    user = make_user("agent")
    client = app.test_client()
    login(client, user.email)
    enrol(client)
    token = csrf_token(client, "/account")
    statuses = [
        client.post(
            "/account/two-factor/disable", data={"password": "guess-guess", "csrf_token": token}
        ).status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [422] * 10
    assert statuses[10] == 429
