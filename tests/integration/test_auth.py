"""Login, logout, sessions that end, rate limits and redirects, through the real views."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import PASSWORD, csrf_token, login


def test_login_page_renders_with_security_headers(client):
    response = client.get("/login")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "'nonce-" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP


def test_https_responses_carry_hsts(client):
    response = client.get("/login", base_url="https://helpdesk.example.com")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "microphone=()" in response.headers["Permissions-Policy"]


def test_login_sets_a_hardened_bounded_session_and_redirects_to_the_inbox(client, make_user):
    user = make_user("agent")
    response = login(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/inbox"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Expires=" in cookie
    inbox = client.get("/inbox")
    assert inbox.status_code == 200
    assert inbox.headers["Cache-Control"] == "no-store"


def test_production_config_marks_the_session_cookie_secure(tmp_path):
    from config import Config

    config = Config(tmp_path, environ={"SECRET_KEY": "x" * 40})
    assert config.SESSION_COOKIE_SECURE is True
    assert config.SESSION_COOKIE_HTTPONLY is True
    assert config.SESSION_COOKIE_SAMESITE == "Lax"


def test_wrong_password_and_unknown_email_get_the_same_error(client, make_user):
    user = make_user("agent")
    wrong = login(client, user.email, "not-the-password")
    unknown = login(client, "nobody@example.com", PASSWORD)
    assert wrong.status_code == unknown.status_code == 422
    assert "Wrong email or password." in wrong.get_data(as_text=True)
    assert "Wrong email or password." in unknown.get_data(as_text=True)
    # The typed email stays in the form; the password does not come back.
    assert f'value="{user.email}"' in wrong.get_data(as_text=True)
    assert "not-the-password" not in wrong.get_data(as_text=True)


def test_deactivated_user_cannot_log_in(client, app, make_user):
    from helpdesk.extensions import db
    from helpdesk.models import User

    user = make_user("agent")
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert login(client, user.email).status_code == 422


def test_login_without_csrf_token_is_refused(client, make_user):
    user = make_user("agent")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)


def test_email_is_matched_case_insensitively(client, make_user):
    user = make_user("agent")
    assert login(client, "  " + user.email.upper()).status_code == 302


def test_logged_out_visitor_is_sent_to_login_and_back(client, make_user):
    user = make_user("admin")
    response = client.get("/settings/team?x=1")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="/settings/team?x=1"' in page
    done = login(client, user.email, next="/settings/team?x=1")
    assert done.headers["Location"] == "/settings/team?x=1"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.com",
        "/\\evil.com",
        "https:evil.com",
        "https://evil.com/",
        "/\t/evil.com",
        "\\\\evil.com",
        "javascript:alert(1)",
        "evil.com",
    ],
)
def test_login_refuses_offsite_next(client, make_user, target):
    user = make_user("agent")
    response = login(client, user.email, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/inbox"
    page = client.get("/login?next=" + target, follow_redirects=False)
    assert page.status_code == 302  # already logged in: goes to the inbox, not offsite
    assert page.headers["Location"] == "/inbox"


def test_logout_is_post_only(client, make_user):
    user = make_user("agent")
    login(client, user.email)
    assert client.get("/logout").status_code == 405
    assert client.get("/inbox").status_code == 200


def test_logout_needs_csrf(client, make_user):
    user = make_user("agent")
    login(client, user.email)
    assert client.post("/logout").status_code == 400
    assert client.get("/inbox").status_code == 200


def test_session_cookie_replayed_after_logout_is_refused(app, client, make_user):
    user = make_user("agent")
    login(client, user.email)
    stolen = client.get_cookie("helpdesk_session").value
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/inbox")})
    assert response.status_code == 302
    attacker = app.test_client()
    attacker.set_cookie("helpdesk_session", stolen)
    replay = attacker.get("/inbox")
    assert replay.status_code == 302
    assert replay.headers["Location"].startswith("/login")


def test_logout_ends_every_session_of_the_user(app, make_user):
    user = make_user("agent")
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user.email)
    login(phone, user.email)
    laptop.post("/logout", data={"csrf_token": csrf_token(laptop, "/inbox")})
    assert phone.get("/inbox").status_code == 302


def test_password_change_ends_other_sessions_but_keeps_this_one(app, make_user):
    user = make_user("agent")
    here, elsewhere = app.test_client(), app.test_client()
    login(here, user.email)
    login(elsewhere, user.email)
    response = here.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a-brand-new-password",
            "csrf_token": csrf_token(here, "/account"),
        },
    )
    assert response.status_code == 302
    assert here.get("/inbox").status_code == 200
    assert elsewhere.get("/inbox").status_code == 302
    fresh = app.test_client()
    assert login(fresh, user.email, PASSWORD).status_code == 422
    assert login(fresh, user.email, "a-brand-new-password").status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "message"),
    [
        ("wrong-current-password", "a-brand-new-password", "The current password is not right."),
        (PASSWORD, "short", "Use at least 10 characters for the password."),
        (PASSWORD, PASSWORD, "Choose a password different from the current one."),
    ],
)
def test_password_change_errors_are_shown_on_the_field(app, make_user, current, new, message):
    user = make_user("agent")
    client = app.test_client()
    login(client, user.email)
    response = client.post(
        "/account/password",
        data={
            "current_password": current,
            "new_password": new,
            "csrf_token": csrf_token(client, "/account"),
        },
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert client.get("/inbox").status_code == 200  # still logged in


def test_sixth_failed_login_within_a_minute_is_rate_limited(client, make_user):
    user = make_user("agent")
    for _ in range(5):
        assert login(client, user.email, "wrong-password-x").status_code == 422
    response = login(client, user.email, "wrong-password-x")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    body = response.get_data(as_text=True)
    assert "Try again in" in body
    # Even the right password waits until the window passes.
    assert login(client, user.email).status_code == 429


def test_successful_logins_do_not_count_against_the_limit(app, make_user):
    user = make_user("agent")
    for _ in range(7):
        client = app.test_client()
        assert login(client, user.email).status_code == 302


def _attempt(app, email, password, address, cookies=None):  # type: ignore[no-untyped-def]
    client = app.test_client()
    for name, value in (cookies or {}).items():
        client.set_cookie(name, value, path="/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(client)},
        environ_base={"REMOTE_ADDR": address},
    )


def test_guessing_from_many_addresses_cannot_lock_the_owner_out(app, make_user):
    user = make_user("agent")
    app.config["RATELIMIT_LOGIN_PER_IP"] = "100 per minute"
    app.config["RATELIMIT_LOGIN_PER_ACCOUNT_ANY"] = "12 per hour"  # 50 by default
    # The owner logged in from their laptop before: the browser is known.
    known = _attempt(app, user.email, PASSWORD, "192.0.2.10")
    assert known.status_code == 302
    device = {"hd_device": known.headers["Set-Cookie"].split("hd_device=", 1)[1].split(";")[0]}
    # Ten wrong passwords from ten addresses (the report): the owner is not blocked.
    for attempt in range(10):
        response = _attempt(app, user.email, "wrong-password-x", f"10.0.0.{attempt + 1}")
        assert response.status_code == 422
    assert _attempt(app, user.email, PASSWORD, "192.0.2.20").status_code == 302
    # Many more: the account's overall limit holds across addresses...
    statuses = [
        _attempt(app, user.email, "wrong-password-x", f"10.0.1.{attempt + 1}").status_code
        for attempt in range(3)
    ]
    assert statuses == [422, 422, 429]
    assert _attempt(app, user.email, PASSWORD, "192.0.2.30").status_code == 429
    # ...but the owner's known browser still gets in, and a forged cookie does not.
    assert _attempt(app, user.email, PASSWORD, "192.0.2.31", device).status_code == 302
    forged = {"hd_device": device["hd_device"][:-2] + "xx"}
    assert _attempt(app, user.email, PASSWORD, "192.0.2.32", forged).status_code == 429
    other = make_user("agent", email="other@example.com")
    assert _attempt(app, other.email, PASSWORD, "192.0.2.33", device).status_code == 302


def test_one_address_is_limited_per_account(app, make_user):
    user = make_user("agent")
    app.config["RATELIMIT_LOGIN_PER_IP"] = "100 per minute"
    for _ in range(10):
        assert _attempt(app, user.email, "wrong-password-x", "10.9.9.9").status_code == 422
    assert _attempt(app, user.email, PASSWORD, "10.9.9.9").status_code == 429
    assert _attempt(app, user.email, PASSWORD, "10.9.9.10").status_code == 302


def test_the_known_device_cookie_is_hardened(app, make_user):
    user = make_user("agent")
    cookie = _attempt(app, user.email, PASSWORD, "192.0.2.1").headers["Set-Cookie"]
    assert "hd_device=" in cookie and "HttpOnly" in cookie and "Path=/login" in cookie
    assert "SameSite=Lax" in cookie
    assert user.email not in cookie


def test_forwarded_for_header_is_ignored_without_trusted_proxies(client, make_user):
    user = make_user("agent")
    for attempt in range(6):
        response = client.post(
            "/login",
            data={
                "email": user.email,
                "password": "wrong-password-x",
                "csrf_token": csrf_token(client),
            },
            headers={"X-Forwarded-For": f"203.0.113.{attempt}"},
        )
    assert response.status_code == 429


def test_trusted_proxy_hop_gives_the_client_address(database_url, make_user):
    from helpdesk import create_app
    from tests.conftest import app_config

    app = create_app({**app_config(database_url), "TRUSTED_PROXIES": 1})
    user = make_user("agent")
    for attempt in range(6):
        client = app.test_client()
        response = client.post(
            "/login",
            data={
                "email": user.email,
                "password": "wrong-password-x",
                "csrf_token": csrf_token(client),
            },
            headers={"X-Forwarded-For": f"203.0.113.{attempt}"},
        )
        assert response.status_code == 422  # six different clients, one each
    from helpdesk.extensions import db

    with app.app_context():
        db.engine.dispose()


def test_locale_follows_the_browser_then_the_users_setting(app, client, make_user):
    page = client.get("/login", headers={"Accept-Language": "th-TH,th;q=0.9,en;q=0.5"})
    assert '<html lang="th">' in page.get_data(as_text=True)
    user = make_user("agent", language="id")
    login(client, user.email)
    page = client.get("/inbox", headers={"Accept-Language": "th"})
    assert '<html lang="id">' in page.get_data(as_text=True)


def test_a_login_ends_after_its_lifetime_however_active(app, client, make_user, set_now):
    start = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    set_now(start)
    user = make_user("agent")
    login(client, user.email)
    for hours in (2, 6, 11):  # busy all day: each request would slide the cookie's expiry
        set_now(start + timedelta(hours=hours))
        assert client.get("/inbox").status_code == 200
    set_now(start + timedelta(hours=12, minutes=1))
    response = client.get("/inbox")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert client.get("/inbox").status_code == 302


@pytest.mark.parametrize(
    "variant", ["{local}@ｅxample.com", "{local}@exa\x01mple.com", " {upper} "]
)
def test_spelling_variants_of_an_email_share_the_account_limit(app, make_user, variant):
    user = make_user("agent", email="limited@example.com")
    app.config["RATELIMIT_LOGIN_PER_IP"] = "100 per minute"
    for _ in range(10):
        assert login(app.test_client(), user.email, "wrong-password-x").status_code == 422
    spelled = variant.format(local="limited", upper=user.email.upper())
    assert login(app.test_client(), spelled, PASSWORD).status_code == 429


def test_role_required_decorator_guards_one_view(app, login_as):
    from helpdesk.auth.access import role_required

    @app.get("/founders-only-probe")
    @role_required("founder")
    def probe():
        return "secret"

    assert login_as("agent").get("/founders-only-probe").status_code == 403
    assert login_as("founder").get("/founders-only-probe").get_data(as_text=True) == "secret"
    assert login_as("admin").get("/founders-only-probe").status_code == 200
    assert app.test_client().get("/founders-only-probe").status_code == 302
