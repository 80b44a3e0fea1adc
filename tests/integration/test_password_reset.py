"""Password reset by email through the real views: the same answer for every address, a
link that works once and for an hour, used up by a login or a password change, every
session ended by a reset, and the limits per address and per client."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Outbox, PasswordReset, User
from tests.conftest import PASSWORD, csrf_token, login

NEW_PASSWORD = "a-brand-new-password"
LINK = re.compile(r"http://localhost:5000/password/reset/([A-Za-z0-9_-]+)")
NOON = datetime(2026, 6, 2, 12, 0, tzinfo=UTC)


def ask(client, email: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/password/forgot",
        data={"email": email, "csrf_token": csrf_token(client, "/password/forgot")},
    )


def reset_emails(app) -> list[Outbox]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Outbox).where(Outbox.template == "password_reset").order_by(Outbox.id)
            )
        )


def last_token(app) -> str:  # type: ignore[no-untyped-def]
    emails = reset_emails(app)
    assert emails, "no reset email was queued"
    match = LINK.search(emails[-1].body_text)
    assert match, emails[-1].body_text
    return match.group(1)


def set_password(client, token: str, new: str = NEW_PASSWORD, confirm: str | None = None):  # type: ignore[no-untyped-def]
    path = f"/password/reset/{token}"
    return client.post(
        path,
        data={
            "new_password": new,
            "confirm_password": new if confirm is None else confirm,
            "csrf_token": csrf_token(client, "/password/forgot"),
        },
    )


def test_login_page_links_to_the_reset_page(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in html
    assert "Forgot your password?" in html


def test_known_and_unknown_addresses_get_the_same_answer(app, client, make_user):
    user = make_user("agent")
    known = ask(client, user.email)
    unknown = ask(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"] == "/password/forgot"
    known_page = client.get("/password/forgot")  # shows the flash of the last request
    assert "If a staff account uses nobody@example.com" in known_page.get_data(as_text=True)
    emails = reset_emails(app)
    assert [email.to_address for email in emails] == [user.email]
    assert emails[0].user_id == user.id
    # Only a hash of the secret is stored.
    token = last_token(app)
    with app.app_context():
        stored = db.session.scalars(sa.select(PasswordReset.token_hash)).all()
    assert token not in stored and len(stored) == 1


def test_deactivated_accounts_get_no_email(app, client, make_user):
    user = make_user("agent")
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert ask(client, user.email).status_code == 302
    assert reset_emails(app) == []


def test_a_malformed_address_is_refused_on_the_field(client):
    response = ask(client, "not an address")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in html
    assert 'value="not an address"' in html


def test_the_email_link_is_on_the_base_url_in_the_users_language(app, client, make_user):
    user = make_user("agent", language="th")
    ask(client, user.email)
    email = reset_emails(app)[0]
    assert email.language == "th"
    assert LINK.search(email.body_text)
    assert LINK.search(email.body_html or "")


def test_reset_sets_the_password_ends_every_session_and_logs_in(app, make_user):
    user = make_user("agent")
    old_session = app.test_client()
    assert login(old_session, user.email).status_code == 302
    assert old_session.get("/inbox").status_code == 200

    browser = app.test_client()
    ask(browser, user.email)
    token = last_token(app)
    assert browser.get(f"/password/reset/{token}").status_code == 200
    response = set_password(browser, token)
    assert response.status_code == 302
    assert response.headers["Location"] == "/inbox"
    assert browser.get("/inbox").status_code == 200
    # The session from before the reset is gone; the new password works, the old not.
    assert old_session.get("/inbox").status_code == 302
    assert login(app.test_client(), user.email, PASSWORD).status_code == 422
    assert login(app.test_client(), user.email, NEW_PASSWORD).status_code == 302
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "user.password_reset" in actions


def test_a_link_works_once(app, make_user):
    user = make_user("agent")
    client = app.test_client()
    ask(client, user.email)
    token = last_token(app)
    assert set_password(client, token).status_code == 302
    again = app.test_client()
    assert again.get(f"/password/reset/{token}").status_code == 404
    assert set_password(again, token, "yet-another-password").status_code == 404
    assert login(app.test_client(), user.email, NEW_PASSWORD).status_code == 302


def test_a_link_expires_after_an_hour(app, client, make_user, set_now):
    user = make_user("agent")
    set_now(NOON)
    ask(client, user.email)
    token = last_token(app)
    set_now(NOON + timedelta(minutes=59))
    assert client.get(f"/password/reset/{token}").status_code == 200
    set_now(NOON + timedelta(hours=1, seconds=1))
    page = client.get(f"/password/reset/{token}")
    assert page.status_code == 404
    assert "not valid any more" in page.get_data(as_text=True)
    assert set_password(client, token).status_code == 404


def test_a_login_uses_up_open_links(app, client, make_user):
    user = make_user("agent")
    ask(client, user.email)
    token = last_token(app)
    assert login(app.test_client(), user.email).status_code == 302
    assert client.get(f"/password/reset/{token}").status_code == 404


def test_a_password_change_uses_up_open_links(app, client, make_user):
    user = make_user("agent")
    account = app.test_client()
    assert login(account, user.email).status_code == 302
    ask(client, user.email)  # asked after that login, so still open
    token = last_token(app)
    assert client.get(f"/password/reset/{token}").status_code == 200
    changed = account.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "csrf_token": csrf_token(account, "/account"),
        },
    )
    assert changed.status_code == 302
    assert client.get(f"/password/reset/{token}").status_code == 404


@pytest.mark.parametrize(
    ("new", "confirm", "message"),
    [
        ("short", None, "Use at least 10 characters"),
        (NEW_PASSWORD, "something-else-entirely", "The two passwords are not the same."),
    ],
)
def test_bad_new_passwords_are_refused_and_the_link_still_works(
    app, client, make_user, new, confirm, message
):
    user = make_user("agent")
    ask(client, user.email)
    token = last_token(app)
    response = set_password(client, token, new, confirm)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert new not in html.replace("minlength", "")  # the passwords are not sent back
    assert set_password(client, token).status_code == 302


def test_an_unknown_or_absurd_token_is_refused(client):
    assert client.get("/password/reset/nope").status_code == 404
    assert client.get("/password/reset/" + "x" * 500).status_code == 404


def test_requests_are_limited_per_address(app, make_user):
    user = make_user("agent")
    for number in range(3):
        assert ask(app.test_client(), user.email).status_code == 302, number
    limited = ask(app.test_client(), user.email.upper())
    assert limited.status_code == 429
    assert len(reset_emails(app)) == 3
    # Another address is not held back by this one's limit.
    assert ask(app.test_client(), "someone-else@example.com").status_code == 302


def test_requests_are_limited_per_client(client):
    for number in range(10):
        assert ask(client, f"person{number}@example.com").status_code == 302, number
    assert ask(client, "one-more@example.com").status_code == 429


def test_a_reset_with_a_second_factor_still_asks_for_the_code(app, make_user):
    from helpdesk.auth import two_factor

    user = make_user("agent")
    with app.app_context():
        person = db.session.get(User, user.id)
        secret = two_factor.new_secret()
        import pyotp

        two_factor.two_factor_enable(user=person, secret=secret, code=pyotp.TOTP(secret).now())
    client = app.test_client()
    ask(client, user.email)
    response = set_password(client, last_token(app))
    assert response.status_code == 302
    assert response.headers["Location"] == "/login/code"
    assert client.get("/inbox").status_code == 302  # not logged in without the code
